"""The dbt facets of OpenLineage's dbt integration (dbt-ol): same keys, same fields.

``dbt_version`` and ``dbt_run`` (run facets), ``dbt_node`` (job facet) and ``dbt_model``
(dataset facet) carry what dbt-ol's events carry, so consumers of dbt-ol's lineage read ours too.
dbt-ol points their ``_schemaURL`` at files it does not publish as resolvable schemas; these point
at the schemas shipped in ``schemas/floe/1-0-0/``, which ``SchemaValidator`` checks.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from floe_dagster_lineage._events import DEFAULT_PRODUCER
from floe_dagster_lineage._floe_facet import FLOE_DAGSTER_SCHEMA_URL

_BASE = FLOE_DAGSTER_SCHEMA_URL.split("FloeDagsterRunFacet.json", 1)[0]
_MODEL_CONFIG = ("materialized", "access", "owner", "group")


def _facet(name: str, producer: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    facet: dict[str, Any] = {
        "_producer": producer,
        "_schemaURL": f"{_BASE}{name}.json#/$defs/{name}",
    }
    facet.update({key: value for key, value in fields.items() if value not in (None, "")})
    return facet


def dbt_version_facet(version: str, *, producer: str = DEFAULT_PRODUCER) -> dict[str, Any]:
    """The ``dbt_version`` run facet.

    Examples:
        >>> dbt_version_facet("1.11.16")["version"]
        '1.11.16'
    """
    return _facet("DbtVersionRunFacet", producer, {"version": version})


def dbt_run_facet(
    invocation_id: str,
    *,
    project_name: str | None = None,
    project_version: str | None = None,
    profile_name: str | None = None,
    producer: str = DEFAULT_PRODUCER,
) -> dict[str, Any]:
    """The ``dbt_run`` run facet: the dbt invocation (``dbt_runtime`` is ``core``).

    Examples:
        >>> facet = dbt_run_facet("e0c64ee8-2672-4c7a-92cc-2e27c2d4324f", project_name="shop")
        >>> facet["dbt_runtime"]
        'core'
    """
    return _facet(
        "DbtRunRunFacet",
        producer,
        {
            "invocation_id": invocation_id,
            "project_name": project_name,
            "project_version": project_version,
            "profile_name": profile_name,
            "dbt_runtime": "core",
        },
    )


def dbt_node_facet(
    *,
    unique_id: str,
    original_file_path: str | None = None,
    database: str | None = None,
    schema: str | None = None,
    alias: str | None = None,
    test_type: str | None = None,
    producer: str = DEFAULT_PRODUCER,
) -> dict[str, Any]:
    """The ``dbt_node`` job facet: the manifest node the job runs.

    Examples:
        >>> dbt_node_facet(unique_id="model.shop.a", alias="a")["unique_id"]
        'model.shop.a'
    """
    return _facet(
        "DbtNodeJobFacet",
        producer,
        {
            "unique_id": unique_id,
            "original_file_path": original_file_path,
            "database": database,
            "schema": schema,
            "alias": alias,
            "test_type": test_type,
        },
    )


def dbt_model_facet(
    config: Mapping[str, Any], *, producer: str = DEFAULT_PRODUCER
) -> dict[str, Any]:
    """The ``dbt_model`` dataset facet: the model's resolved config (materialized, access...).

    Examples:
        >>> dbt_model_facet({"materialized": "table", "tags": ["x"]})["config"]
        {'materialized': 'table'}
    """
    kept = {key: config[key] for key in _MODEL_CONFIG if config.get(key) not in (None, "")}
    return _facet("DbtModelDatasetFacet", producer, {"config": kept})
