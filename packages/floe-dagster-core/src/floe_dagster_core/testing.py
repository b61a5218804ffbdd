"""Test helpers: generated floe products of any size (artifacts and a matching dbt manifest).

Used by this package's tests and benchmark; handy for users testing their own Definitions.

Examples:
    >>> product = generated_product(3)
    >>> [m["name"] for m in product.artifacts["transforms"]["models"]]
    ['model_00000', 'model_00001', 'model_00002']
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

__all__ = ["GeneratedProduct", "generated_product"]

_PROJECT = "generated"


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
            "quality_checks": None,
            "quality_tier": "silver",
        }
        for name in names
    ]
    artifacts = {
        "version": "0.16.0",
        "metadata": {"product_name": "generated-product", "product_version": "1.0.0"},
        "transforms": {"models": transforms, "default_compute": "duckdb"},
        "plugins": {"compute": {"type": "duckdb"}, "orchestrator": {"type": "dagster"}},
    }
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
