"""What both asset paths agree on: asset keys, groups, tags, kinds, metadata, resource keys.

The per-transform assets and the ``@dbt_assets`` translator both call these, so a product's assets
have the same keys and floe metadata whichever path built them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from floe_dagster_core._errors import graph_error
from floe_dagster_core._graph import TAG

if TYPE_CHECKING:
    from floe_dagster_core._transform import TransformModel

#: Metadata keys floe puts on every asset.
COMPUTE_KEY = "floe/compute"
SCHEMA_KEY = "floe/schema"
MATERIALIZATION_KEY = "floe/materialization"
PATH_KEY = "floe/path"
QUALITY_TIER_KEY = "floe/quality_tier"
TAGS_KEY = "floe/tags"

#: Name prefixes that give a model's layer when neither schema nor folder does.
_LAYERS = {
    "raw": "raw",
    "src": "staging",
    "stg": "staging",
    "int": "intermediate",
    "fct": "marts",
    "dim": "marts",
    "mart": "marts",
    "agg": "marts",
}
_NOT_NAME = re.compile(r"[^A-Za-z0-9_]")


def key_path(name: str) -> list[str]:
    """Asset key components of a model or source name (``raw.customers`` → two parts)."""
    return name.split(".")


def group_name(schema: str | None, path: str | None, name: str) -> str:
    """The asset group: the schema, else the model's folder, else its layer, else ``default``.

    Examples:
        >>> group_name(None, "models/staging/stg_a.sql", "stg_a")
        'staging'
        >>> group_name(None, None, "fct_orders")
        'marts'
    """
    if schema:
        return _NOT_NAME.sub("_", schema)
    if path:
        parts = [p for p in path.replace("\\", "/").split("/") if p]
        folders = parts[:-1]
        if folders and folders[0] == "models":
            folders = folders[1:]
        if folders:
            return _NOT_NAME.sub("_", folders[0])
    prefix = name.split("_", 1)[0].lower()
    return _LAYERS.get(prefix, "default")


def dagster_tags(tags: Sequence[str]) -> dict[str, str]:
    """Tags as Dagster asset tags: key-only tags (empty value), as every Dagster from 1.10 takes."""
    return {tag: "" for tag in tags if TAG.fullmatch(tag)}


def kinds(compute: str) -> set[str]:
    """The asset kinds: dbt and the compute target."""
    return {"dbt", compute}


def floe_metadata(
    *,
    compute: str,
    schema: str | None,
    materialization: str | None,
    path: str | None,
    quality_tier: str | None,
    tags: Sequence[str],
) -> dict[str, Any]:
    """The floe metadata of an asset (absent facts are left out, not null)."""
    metadata: dict[str, Any] = {COMPUTE_KEY: compute}
    for key, value in (
        (SCHEMA_KEY, schema),
        (MATERIALIZATION_KEY, materialization),
        (PATH_KEY, path),
        (QUALITY_TIER_KEY, quality_tier),
    ):
        if value:
            metadata[key] = value
    if tags:
        metadata[TAGS_KEY] = ", ".join(tags)
    return metadata


def transform_metadata(transform: TransformModel, compute: str) -> dict[str, Any]:
    """The floe metadata of a transform's asset, the same on every asset path."""
    return floe_metadata(
        compute=compute,
        schema=transform.schema_name or None,
        materialization=transform.materialization,
        path=transform.path or None,
        quality_tier=transform.quality_tier,
        tags=transform.tags,
    )


def resource_key(compute: str) -> str:
    """The Dagster resource key of a compute target's ``DbtCliResource``: ``dbt_<compute>``."""
    return "dbt_" + _NOT_NAME.sub("_", compute)


def check_resource_keys(computes: Iterable[tuple[str, str]]) -> None:
    """Refuse two compute targets that would share one Dagster resource key.

    ``resource_key`` maps every character that is not a letter, digit or underscore to ``_``, so
    ``a-b`` and ``a_b`` would both be ``dbt_a_b``: one ``DbtCliResource`` would silently run the
    other's models (Dagster itself only fails later, with "Failed to resolve asset job").

    Args:
        computes: ``(field path, compute target)`` pairs, e.g.
            ``("transforms.models[0].compute", "a_b")``; a target may appear more than once.

    Raises:
        pydantic_core.PydanticCustomError: ``floe_resource_key_collision``, naming both targets
            and their fields.

    Examples:
        >>> check_resource_keys([("transforms.default_compute", "duckdb"), ("x", "duckdb")])
    """
    first: dict[str, tuple[str, str]] = {}
    for where, compute in computes:
        key = resource_key(compute)
        seen = first.setdefault(key, (where, compute))
        if seen[1] != compute:
            raise graph_error(
                "resource_key_collision",
                f"Compute targets {seen[1]!r} ({seen[0]}) and {compute!r} ({where}) both become "
                f"the Dagster resource key {key!r}, so one dbt resource would run the models of "
                "both. Rename one of them: a compute target name has only letters, digits and "
                "underscores (e.g. 'duckdb').",
                computes=[seen[1], compute],
            )


def job_name(product_name: str | None) -> str:
    """The name of the job that materializes every asset: ``<product>_job``, sanitised.

    Examples:
        >>> job_name("shop-analytics")
        'shop_analytics_job'
    """
    base = _NOT_NAME.sub("_", product_name or "").strip("_")
    if not base or not (base[0].isalpha() or base[0] == "_"):
        base = f"floe_{base}" if base else "floe"
    return f"{base}_job"
