"""create_assets_from_transforms: one asset per transform (spec US3)."""

from __future__ import annotations

import dagster as dg
import pytest
from pydantic import ValidationError

from floe_dagster_core import create_assets_from_transforms


def only(assets):
    assert len(assets) == 1
    return assets[0]


def spec_of(asset):
    return next(iter(asset.specs))


def test_us3_1_upstream_dependency():
    asset = only(
        create_assets_from_transforms([{"name": "stg_customers", "depends_on": ["raw_customers"]}])
    )
    assert asset.key == dg.AssetKey("stg_customers")
    assert set(asset.dependency_keys) == {dg.AssetKey("raw_customers")}


def test_us3_2_compute_target_in_metadata_and_resource():
    asset = only(create_assets_from_transforms([{"name": "heavy_aggregation", "compute": "spark"}]))
    spec = spec_of(asset)
    assert spec.metadata["floe/compute"] == "spark"
    assert spec.kinds == {"dbt", "spark"}
    assert "dbt_spark" in asset.required_resource_keys


def test_us3_3_tags():
    asset = only(
        create_assets_from_transforms([{"name": "stg_customers", "tags": ["daily", "core"]}])
    )
    tags = spec_of(asset).tags
    assert {"daily", "core"} <= set(tags)
    assert tags["daily"] == ""
    assert tags["core"] == ""
    assert spec_of(asset).metadata["floe/tags"] == "daily, core"


def test_floe_core_transform_config_objects_are_accepted():
    from floe_core.plugins.orchestrator import TransformConfig

    transforms = [
        TransformConfig(
            name="stg_customers",
            path="models/staging/stg_customers.sql",
            schema_name="staging",
            materialization="view",
            depends_on=["raw_customers"],
        ),
        TransformConfig(name="fct_orders", depends_on=["stg_customers"], compute="spark"),
    ]
    assets = create_assets_from_transforms(transforms)
    assert [a.key.to_user_string() for a in assets] == ["stg_customers", "fct_orders"]
    metadata = spec_of(assets[0]).metadata
    assert metadata["floe/schema"] == "staging"
    assert metadata["floe/materialization"] == "view"
    assert metadata["floe/path"] == "models/staging/stg_customers.sql"
    assert metadata["floe/compute"] == "duckdb"
    assert spec_of(assets[0]).group_name == "staging"
    assert spec_of(assets[1]).group_name == "marts"


def test_quality_tier_and_group_from_path():
    asset = only(
        create_assets_from_transforms(
            [{"name": "orders", "path": "models/finance/orders.sql", "quality_tier": "gold"}]
        )
    )
    assert spec_of(asset).metadata["floe/quality_tier"] == "gold"
    assert spec_of(asset).group_name == "finance"


def test_default_compute_is_configurable():
    asset = only(create_assets_from_transforms([{"name": "a"}], default_compute="snowflake"))
    assert spec_of(asset).metadata["floe/compute"] == "snowflake"


def test_invalid_transforms_raise_validation_error():
    with pytest.raises(ValidationError, match="Duplicate transform name 'a'"):
        create_assets_from_transforms([{"name": "a"}, {"name": "a"}])


def test_assets_load_in_definitions_with_their_resources():
    assets = create_assets_from_transforms(
        [{"name": "a"}, {"name": "b", "depends_on": ["a"], "compute": "spark"}]
    )
    defs = dg.Definitions(
        assets=assets,
        resources={
            "dbt_duckdb": dg.ResourceDefinition.none_resource(),
            "dbt_spark": dg.ResourceDefinition.none_resource(),
        },
    )
    graph = defs.resolve_asset_graph()
    assert graph.get(dg.AssetKey("b")).parent_keys == {dg.AssetKey("a")}
