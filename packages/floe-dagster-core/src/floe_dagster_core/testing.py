"""Test helpers: floe CompiledArtifacts as ``floe platform compile`` writes them, and generated
products of any size (artifacts and a matching dbt manifest).

``compiled_artifacts(...)`` gives a complete artifacts dict (schema 0.16.0, every field
floe-core's own ``CompiledArtifacts`` requires), so tests pass what a real floe platform passes.
Used by this project's tests and benchmark; handy for users testing their own Definitions.

Examples:
    >>> compiled_artifacts({"name": "stg_a"}, product="shop")["transforms"]["models"][0]
    {'name': 'stg_a', 'compute': 'duckdb', 'tags': None, 'depends_on': None, 'quality_checks': None, 'quality_tier': None}
    >>> product = generated_product(3)
    >>> [m["name"] for m in product.artifacts["transforms"]["models"]]
    ['model_00000', 'model_00001', 'model_00002']
"""  # noqa: E501

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

__all__ = ["GeneratedProduct", "compiled_artifacts", "generated_product"]

_PROJECT = "generated"
_MODEL_FIELDS = ("name", "compute", "tags", "depends_on", "quality_checks", "quality_tier")


def compiled_artifacts(
    *models: dict[str, Any],
    product: str = "shop-analytics",
    default_compute: str = "duckdb",
    dbt_profiles: dict[str, Any] | None = None,
    plugins: dict[str, Any] | None = None,
    observability: dict[str, Any] | None = None,
    orchestrator_config: dict[str, Any] | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """A complete CompiledArtifacts dict, as floe-core 0.1.0a1's compiler writes it.

    Args:
        models: Transforms as dicts (``name`` and optionally ``compute``, ``tags``,
            ``depends_on``, ``quality_checks``, ``quality_tier``); a missing compute is the
            default one, as the compiler resolves it. Other keys (e.g. a misspelt
            ``materialization``) are kept as given, for tests of what validation refuses.
        product: The product name (``metadata.product_name``).
        default_compute: ``transforms.default_compute`` and the compute plugin's type.
        dbt_profiles: The compiled profiles (default: none, as without a compute config).
        plugins: Entries merged over the default plugins (compute, orchestrator).
        observability: Entries merged over the default observability (telemetry off).
        orchestrator_config: ``plugins.orchestrator.config``, the manifest's settings of this
            plugin (ignored when ``plugins`` sets the orchestrator itself).
        fields: Other top-level fields, set as given (e.g. ``deployment``, ``governance``).
    """
    resolved = [{**{key: model.get(key) for key in _MODEL_FIELDS}, **model} for model in models]
    for model in resolved:
        model["compute"] = model["compute"] or default_compute
    telemetry = {
        "enabled": False,
        "resource_attributes": {
            "service_name": product,
            "service_version": "1.0.0",
            "deployment_environment": "dev",
            "floe_namespace": "default",
            "floe_product_name": product,
            "floe_product_version": "1.0.0",
            "floe_mode": "dev",
        },
    }
    artifacts: dict[str, Any] = {
        "version": "0.16.0",
        "metadata": {
            "compiled_at": "2026-01-01T00:00:00",
            "floe_version": "0.3.0",
            "source_hash": "sha256:0000",
            "product_name": product,
            "product_version": "1.0.0",
        },
        "identity": {"product_id": f"default.{product}", "domain": "default", "repository": ""},
        "mode": "simple",
        "observability": {
            "telemetry": telemetry,
            "lineage": True,
            "lineage_namespace": product,
            **(observability or {}),
        },
        "plugins": {
            "compute": {"type": default_compute, "version": "0.1.0", "config": None},
            "orchestrator": {"type": "dagster", "version": "0.1.0", "config": orchestrator_config},
            **(plugins or {}),
        },
        # floe-core's ResolvedTransforms holds at least one model: none is ``transforms: null``
        "transforms": (
            {"models": resolved, "default_compute": default_compute} if resolved else None
        ),
        "dbt_profiles": dbt_profiles,
    }
    artifacts.update(fields)
    return artifacts


@dataclass(frozen=True)
class GeneratedProduct:
    """A generated product.

    Attributes:
        artifacts: CompiledArtifacts (schema 0.16.0 shape) listing every model as a transform.
        manifest: A dbt manifest with the same models, one seed and a ``not_null`` test per
            tenth model.
        edges: Every ``(upstream, downstream)`` model-name pair, the seed included.
    """

    artifacts: dict[str, Any]
    manifest: dict[str, Any]
    edges: frozenset[tuple[str, str]]


def generated_product(
    models: int,
    *,
    seed: int = 0,
    max_parents: int = 3,
    overrides: dict[str, str] | None = None,
) -> GeneratedProduct:
    """A random DAG of ``models`` dbt models; model ``i`` reads up to ``max_parents`` earlier ones.

    Args:
        models: How many models.
        seed: The random seed (the same seed gives the same product).
        max_parents: The most upstream models a model reads.
        overrides: Compute target per model name (the others run on ``duckdb``).

    Returns:
        The artifacts, the manifest and the edges.
    """
    rng = random.Random(seed)
    names = [f"model_{i:05d}" for i in range(models)]
    overrides = overrides or {}
    edges: set[tuple[str, str]] = set()
    parents: dict[str, list[str]] = {}
    for i, name in enumerate(names):
        if i == 0 or rng.random() < 0.05:
            ups = ["raw_events"]
        else:
            window = names[max(0, i - 50) : i]
            ups = sorted(set(rng.sample(window, min(len(window), rng.randint(1, max_parents)))))
        parents[name] = ups
        edges.update((up, name) for up in ups)
    transforms = [
        {
            "name": name,
            "compute": overrides.get(name, "duckdb"),
            "tags": ["generated"],
            "depends_on": parents[name],
            "quality_tier": "silver",
        }
        for name in names
    ]
    artifacts = compiled_artifacts(*transforms, product="generated-product")
    return GeneratedProduct(artifacts, _manifest(names, parents), frozenset(edges))


def _uid(name: str) -> str:
    return f"seed.{_PROJECT}.{name}" if name == "raw_events" else f"model.{_PROJECT}.{name}"


def _manifest(names: list[str], parents: dict[str, list[str]]) -> dict[str, Any]:
    nodes: dict[str, Any] = {_uid("raw_events"): _node("raw_events", "seed", [])}
    child_map: dict[str, list[str]] = {_uid("raw_events"): []}
    for name in names:
        uid = _uid(name)
        nodes[uid] = _node(name, "model", [_uid(up) for up in parents[name]])
        child_map.setdefault(uid, [])
        for up in parents[name]:
            child_map[_uid(up)].append(uid)
    for i, name in enumerate(names[::10]):
        test_uid = f"test.{_PROJECT}.not_null_{name}_id.{i:08x}"
        nodes[test_uid] = _test_node(name, test_uid)
        child_map[_uid(name)].append(test_uid)
        child_map[test_uid] = []
    parent_map = {uid: list(node["depends_on"]["nodes"]) for uid, node in nodes.items()}
    return {
        "metadata": {
            "dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v12.json",
            "dbt_version": "1.9.0",
            "project_name": _PROJECT,
            "adapter_type": "duckdb",
        },
        "nodes": nodes,
        "sources": {},
        "macros": {},
        "docs": {},
        "exposures": {},
        "metrics": {},
        "groups": {},
        "selectors": {},
        "disabled": {},
        "parent_map": parent_map,
        "child_map": child_map,
        "group_map": {},
        "saved_queries": {},
        "semantic_models": {},
        "unit_tests": {},
    }


def _node(name: str, resource_type: str, depends_on: list[str]) -> dict[str, Any]:
    folder = "seeds" if resource_type == "seed" else "models"
    return {
        "database": "warehouse",
        "schema": "main",
        "name": name,
        "resource_type": resource_type,
        "package_name": _PROJECT,
        "path": f"{name}.sql",
        "original_file_path": f"{folder}/{name}.sql",
        "unique_id": _uid(name),
        "fqn": [_PROJECT, name],
        "alias": name,
        "config": {
            "enabled": True,
            "tags": [],
            "meta": {},
            "materialized": "seed" if resource_type == "seed" else "table",
        },
        "tags": [],
        "description": "",
        "columns": {},
        "meta": {},
        "group": None,
        "relation_name": f'"warehouse"."main"."{name}"',
        "depends_on": {"macros": [], "nodes": depends_on},
        "version": None,
    }


def _test_node(model: str, uid: str) -> dict[str, Any]:
    return {
        "database": "warehouse",
        "schema": "main_dbt_test__audit",
        "name": uid.split(".")[2],
        "resource_type": "test",
        "package_name": _PROJECT,
        "path": f"{uid.split('.')[2]}.sql",
        "original_file_path": "models/schema.yml",
        "unique_id": uid,
        "fqn": [_PROJECT, uid.split(".")[2]],
        "alias": uid.split(".")[2],
        "config": {
            "enabled": True,
            "tags": [],
            "meta": {},
            "materialized": "test",
            "severity": "ERROR",
        },
        "tags": [],
        "description": "",
        "columns": {},
        "meta": {},
        "depends_on": {"macros": [], "nodes": [_uid(model)]},
        "column_name": "id",
        "attached_node": _uid(model),
        "test_metadata": {"name": "not_null", "kwargs": {"column_name": "id"}, "namespace": None},
        "version": None,
    }
