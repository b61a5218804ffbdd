"""SC-003: the Dagster asset graph has exactly the dbt manifest's dependency edges."""

from __future__ import annotations

import json

import pytest

from floe_dagster_core import create_definitions
from floe_dagster_core.testing import generated_product

from .conftest import shop_definitions

# sqlglot (imported by dagster-dbt) warns on import in the Dagster 1.10 and 1.13 locks:
# third-party noise, filtered here because dagster-dbt is first imported inside these tests.

ASSET_TYPES = ("model", "seed", "snapshot")


def manifest_edges(manifest) -> set[tuple[str, str]]:
    nodes = {**manifest["nodes"], **manifest["sources"]}
    return {
        (nodes[up]["name"], node["name"])
        for node in manifest["nodes"].values()
        if node["resource_type"] in ASSET_TYPES
        for up in node["depends_on"].get("nodes", [])
        if up in nodes
    }


def dagster_edges(defs) -> set[tuple[str, str]]:
    graph = defs.resolve_asset_graph()
    return {
        (parent.path[-1], key.path[-1])
        for key in graph.get_all_asset_keys()
        for parent in graph.get(key).parent_keys
    }


@pytest.mark.slow
def test_real_product_edges_match_dbt_exactly(shop_project):
    manifest = json.loads((shop_project / "target" / "manifest.json").read_text())
    defs = shop_definitions(shop_project / "compiled_artifacts.json")
    expected = manifest_edges(manifest)
    assert expected == {
        ("raw_customers", "stg_customers"),
        ("raw_orders", "stg_orders"),
        ("stg_customers", "fct_orders"),
        ("stg_orders", "fct_orders"),
    }
    assert dagster_edges(defs) == expected


def test_real_product_edges_match_floe_depends_on_without_dbt(shop_artifacts):
    expected = {
        (up, model["name"])
        for model in shop_artifacts["transforms"]["models"]
        for up in model["depends_on"] or []
    }
    assert dagster_edges(create_definitions(shop_artifacts)) == expected


@pytest.mark.parametrize("path", ["dbt_manifest", "per_transform"])
def test_generated_500_model_product_edges_match_100_percent(path):
    product = generated_product(500, seed=7, overrides={"model_00042": "duckdb_heavy"})
    defs = create_definitions(
        product.artifacts, manifest=product.manifest if path == "dbt_manifest" else None
    )
    assert manifest_edges(product.manifest) == set(product.edges)
    assert dagster_edges(defs) == set(product.edges)
    assert len(product.edges) > 500
