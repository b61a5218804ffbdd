"""The facets of floe's lineage events: every facet dbt-ol emits for a model, and more.

For a model's run (START, COMPLETE, FAIL):

- run: ``parent`` (the product run, also the ``root``), ``processing_engine`` (dbt, its
  version, this plugin's), ``dbt_version``, ``dbt_run`` (dbt's invocation), ``tags`` (the
  model's dbt tags, source ``DBT``), ``floe_dagster`` (product, compute target, Dagster run,
  job, asset key, attempt);
- job: ``jobType`` (DBT / MODEL), ``dbt_node``, ``documentation`` (the model's description),
  ``sql`` (dbt's compiled SQL of this run, once dbt has compiled it);
- output dataset: ``schema`` (documented columns and types), ``dataSource``, ``documentation``,
  ``dbt_model`` (materialization, access, owner, group), ``columnLineage`` (from the compiled
  SQL with sqlglot, where it resolves), ``outputStatistics`` (rows, when dbt reports them);
- input datasets: ``schema``, ``dataSource``, ``dbt_model`` of each upstream.

A model's dbt tests are one run of the job ``....build.test``, whose input is the model's table
with ``dataQualityAssertions`` (each test, its column, success and severity).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from importlib import metadata
from typing import Any

from floe_orchestrator_dagster._lineage.naming import DatasetNaming

PRODUCER = (
    "https://github.com/floe-dagster/floe-dagster/tree/main/packages/floe-orchestrator-dagster"
)
_VERSIONS: dict[str, str | None] = {}


def version_of(distribution: str) -> str | None:
    """An installed distribution's version (cached), or None."""
    if distribution not in _VERSIONS:
        try:
            _VERSIONS[distribution] = metadata.version(distribution)
        except metadata.PackageNotFoundError:
            _VERSIONS[distribution] = None
    return _VERSIONS[distribution]


def data_source(namespace: str) -> Any:
    """``dataSource``: the warehouse (its namespace, and its URI when that is a valid one)."""
    from floe_dagster_lineage import datasource_facet

    return datasource_facet(namespace, producer=PRODUCER)


def run_facets(info: Any, product: str, attempt: int) -> dict[str, Any]:
    """The run facets of a model's (or its tests') run, beside ``parent``."""
    from floe_dagster_lineage import (
        dbt_run_facet,
        dbt_version_facet,
        floe_dagster_run_facet,
        processing_engine_facet,
        tags_facet,
    )

    facets: dict[str, Any] = {
        "floe_dagster": floe_dagster_run_facet(
            product=product,
            dagster_run_id=info.run_id or "unknown",
            dagster_job=info.job_name or "unknown",
            compute_target=info.compute,
            asset_key=info.asset_key or None,
            attempt=attempt,
            producer=PRODUCER,
        )
    }
    dbt = version_of("dbt-core")
    if dbt:
        facets["processing_engine"] = processing_engine_facet(
            "dbt", dbt, version_of("floe-orchestrator-dagster"), producer=PRODUCER
        )
        facets["dbt_version"] = dbt_version_facet(dbt, producer=PRODUCER)
    if info.invocation_id:
        metadata_ = info.metadata or {}
        facets["dbt_run"] = dbt_run_facet(
            info.invocation_id, project_name=metadata_.get("project"), producer=PRODUCER
        )
    facets["tags"] = tags_facet((info.metadata or {}).get("tags") or [], source="DBT")
    return facets


def model_job_facets(info: Any, dialect: str | None) -> dict[str, Any]:
    """The job facets of a model's run."""
    from floe_dagster_lineage import (
        dbt_node_facet,
        documentation_facet,
        job_type_facet,
        sql_job_facet,
    )

    metadata_ = info.metadata or {}
    relation = info.relation or {}
    facets: dict[str, Any] = {
        "jobType": job_type_facet(job_type="MODEL", integration="DBT", producer=PRODUCER),
        "dbt_node": dbt_node_facet(
            unique_id=str(metadata_.get("unique_id") or info.model),
            original_file_path=metadata_.get("original_file_path"),
            database=relation.get("database"),
            schema=relation.get("schema") or metadata_.get("schema"),
            alias=relation.get("alias") or metadata_.get("alias"),
            producer=PRODUCER,
        ),
    }
    if metadata_.get("description"):
        facets["documentation"] = documentation_facet(
            metadata_["description"], kind="job", producer=PRODUCER
        )
    if info.compiled_sql:
        facets["sql"] = sql_job_facet(info.compiled_sql, dialect, producer=PRODUCER)
    return facets


def output_dataset(info: Any, naming: DatasetNaming, *, finished: bool) -> dict[str, Any]:
    """The model's table as the output dataset, with its facets."""
    from floe_dagster_lineage import (
        dbt_model_facet,
        documentation_facet,
        output_statistics_facet,
        schema_facet,
    )

    namespace, name = naming.model(info)
    metadata_ = info.metadata or {}
    facets: dict[str, Any] = {"dataSource": data_source(namespace)}
    columns = metadata_.get("columns") or {}
    if columns:
        facets["schema"] = schema_facet(columns, producer=PRODUCER)
    if metadata_.get("description"):
        facets["documentation"] = documentation_facet(metadata_["description"], producer=PRODUCER)
    facets["dbt_model"] = dbt_model_facet(metadata_.get("config") or {}, producer=PRODUCER)
    if finished:
        lineage = _column_lineage(info, naming)
        if lineage is not None:
            facets["columnLineage"] = lineage
        rows = (info.adapter_response or {}).get("rows_affected")
        if isinstance(rows, int) and rows >= 0:
            facets["outputStatistics"] = output_statistics_facet(rows, producer=PRODUCER)
    return {"namespace": namespace, "name": name, "facets": facets}


def input_datasets(info: Any, naming: DatasetNaming) -> list[dict[str, Any]]:
    """The model's upstream tables as input datasets, with their facets."""
    from floe_dagster_lineage import dbt_model_facet, documentation_facet, schema_facet

    datasets = []
    for namespace, name, relation in naming.upstream(info):
        facets: dict[str, Any] = {"dataSource": data_source(namespace)}
        if relation.get("columns"):
            facets["schema"] = schema_facet(relation["columns"], producer=PRODUCER)
        if relation.get("description"):
            facets["documentation"] = documentation_facet(
                relation["description"], producer=PRODUCER
            )
        if relation.get("resource_type") in ("model", "snapshot", "seed"):
            facets["dbt_model"] = dbt_model_facet(relation.get("config") or {}, producer=PRODUCER)
        datasets.append({"namespace": namespace, "name": name, "facets": facets})
    return datasets


def _column_lineage(info: Any, naming: DatasetNaming) -> Any:
    """``columnLineage`` from the compiled SQL (None where sqlglot does not resolve it)."""
    if not info.compiled_sql:
        return None
    from floe_dagster_lineage import column_lineage_facet

    upstream: dict[str, Any] = {}
    namespaces = set()
    for up_namespace, name, relation in naming.upstream(info):
        # undocumented columns (a seed's) resolve from the SQL itself
        upstream[name] = relation.get("columns") or {}
        namespaces.add(up_namespace)
    # the facet names one namespace for its input fields: resolved when the upstreams share one
    if not upstream or len(namespaces) != 1:
        return None
    columns = list(((info.metadata or {}).get("columns") or {}).keys()) or None
    return column_lineage_facet(
        info.compiled_sql,
        upstream=upstream,
        namespace=namespaces.pop(),
        dialect=naming.adapter_type(info.compute),
        columns=columns,
        producer=PRODUCER,
    )


def test_run_dataset(info: Any, naming: DatasetNaming, tests: Sequence[Any]) -> dict[str, Any]:
    """The tested model's table, with ``dataQualityAssertions`` (one per dbt test)."""
    from floe_dagster_lineage import data_quality_assertions_facet

    namespace, name = naming.model(info)
    assertions = [
        {
            "assertion": test.assertion,
            "name": test.name,
            "column": test.column,
            "severity": test.severity,
            "success": bool(test.success),
            "actual": test.failures,
            "expected": 0 if test.failures is not None else None,
        }
        for test in tests
    ]
    return {
        "namespace": namespace,
        "name": name,
        "facets": {
            "dataSource": data_source(namespace),
            "dataQualityAssertions": data_quality_assertions_facet(assertions, producer=PRODUCER),
        },
    }


def test_job_facets(info: Any) -> dict[str, Any]:
    """The job facets of a model's tests' run."""
    from floe_dagster_lineage import dbt_node_facet, job_type_facet

    metadata_ = info.metadata or {}
    return {
        "jobType": job_type_facet(job_type="TEST", integration="DBT", producer=PRODUCER),
        "dbt_node": dbt_node_facet(
            unique_id=str(metadata_.get("unique_id") or info.model),
            original_file_path=metadata_.get("original_file_path"),
            test_type="generic",
            producer=PRODUCER,
        ),
    }


def product_run_facets(
    product: str, run_id: str, job_name: str, extra: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The run facets of a product run: floe's own, and Dagster as the processing engine."""
    from floe_dagster_lineage import floe_dagster_run_facet, processing_engine_facet

    facets: dict[str, Any] = {
        "floe_dagster": floe_dagster_run_facet(
            product=product, dagster_run_id=run_id, dagster_job=job_name, producer=PRODUCER
        )
    }
    dagster = version_of("dagster")
    if dagster:
        facets["processing_engine"] = processing_engine_facet(
            "dagster", dagster, version_of("floe-orchestrator-dagster"), producer=PRODUCER
        )
    facets.update(extra or {})
    return facets
