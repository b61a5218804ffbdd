"""CompiledArtifacts: the real compiler's JSON, tolerance, and errors that say what to fix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from floe_dagster_core import (
    ArtifactsNotFoundError,
    CompiledArtifacts,
    TransformModel,
    load_artifacts,
)

from .conftest import SHOP


def test_reads_the_real_compiler_output(shop_artifacts):
    artifacts = load_artifacts(shop_artifacts)
    assert artifacts.version == "0.16.0"
    assert artifacts.metadata.product_name == "shop-analytics"
    assert [t.name for t in artifacts.graph.order] == [
        "stg_customers",
        "stg_orders",
        "dim_calendar",
        "fct_orders",
    ]
    fct = artifacts.graph.by_name["fct_orders"]
    assert fct.depends_on == ["stg_customers", "stg_orders"]
    assert fct.tags == ["marts", "core"]
    assert fct.quality_tier == "gold"
    assert artifacts.default_compute == "duckdb"
    assert artifacts.graph.sources == ("raw_customers", "raw_orders")
    assert "shop-analytics" in (artifacts.dbt_profiles or {})


def test_reads_a_path_as_str_or_path(shop_artifacts):
    path = SHOP / "compiled_artifacts.json"
    assert load_artifacts(path) == load_artifacts(str(path)) == load_artifacts(shop_artifacts)


def test_unknown_fields_are_ignored(shop_artifacts):
    data = json.loads(json.dumps(shop_artifacts))
    data["from_the_future"] = {"x": 1}
    data["transforms"]["models"][0]["new_field"] = [1, 2]
    assert load_artifacts(data).graph.by_name["stg_customers"].tags == ["staging", "daily"]


def test_transform_config_fields_are_read():
    model = TransformModel.model_validate(
        {
            "name": "stg_customers",
            "path": "models/staging/stg_customers.sql",
            "schema_name": "staging",
            "materialization": "view",
            "meta": {"owner": "ada"},
            "tags": None,
            "depends_on": None,
        }
    )
    assert (model.path, model.schema_name, model.materialization) == (
        "models/staging/stg_customers.sql",
        "staging",
        "view",
    )
    assert model.meta == {"owner": "ada"}
    assert model.tags == []
    assert model.depends_on == []


def test_us2_3_invalid_schema_names_field_value_and_expectation(shop_artifacts):
    data = json.loads(json.dumps(shop_artifacts))
    data["transforms"]["models"][1]["depends_on"] = "stg_customers"
    with pytest.raises(ValidationError) as caught:
        load_artifacts(data)
    message = str(caught.value)
    assert "transforms.models.1.depends_on" in message
    assert "input_value='stg_customers'" in message
    assert "Input should be a valid list" in message


def test_missing_metadata_is_named():
    with pytest.raises(ValidationError) as caught:
        CompiledArtifacts.model_validate({"version": "0.16.0"})
    assert "metadata\n  Field required" in str(caught.value)


def test_invalid_json_file_is_a_validation_error(tmp_path: Path):
    path = tmp_path / "compiled_artifacts.json"
    path.write_text("{not json")
    with pytest.raises(ValidationError, match="Invalid JSON"):
        load_artifacts(path)


def test_missing_file_says_how_to_make_it(tmp_path: Path):
    missing = tmp_path / "nope.json"
    with pytest.raises(ArtifactsNotFoundError) as error:
        load_artifacts(missing)
    assert isinstance(error.value, FileNotFoundError)
    assert str(error.value) == (
        f"Compiled artifacts not found at {missing}. Compile the product first: floe platform "
        f"compile --spec floe.yaml --manifest manifest.yaml --output {missing}."
    )


def test_a_folder_means_its_compiled_artifacts_json(tmp_path: Path):
    with pytest.raises(ArtifactsNotFoundError, match=r"not found at .*compiled_artifacts.json\."):
        load_artifacts(tmp_path)


def test_an_object_with_the_same_attributes_is_read_as_the_artifacts():
    """floe-core's own validated CompiledArtifacts is read through its attributes."""
    from types import SimpleNamespace

    model = SimpleNamespace(
        name="a", compute=None, tags=None, depends_on=["raw"], quality_tier="gold"
    )
    floe_like = SimpleNamespace(
        version="0.16.0",
        metadata=SimpleNamespace(product_name="p", product_version="1"),
        transforms=SimpleNamespace(models=[model], default_compute="duckdb"),
        dbt_profiles=None,
        plugins=SimpleNamespace(compute=SimpleNamespace(type="duckdb", config=None)),
    )
    artifacts = load_artifacts(floe_like)
    assert [t.name for t in artifacts.graph.order] == ["a"]
    assert artifacts.graph.sources == ("raw",)
    assert artifacts.graph.by_name["a"].quality_tier == "gold"


def test_zero_transforms_is_valid():
    artifacts = load_artifacts(
        {"version": "0.16.0", "metadata": {"product_name": "p"}, "transforms": None}
    )
    assert artifacts.graph.order == ()


def test_default_compute_falls_back_to_the_compute_plugin():
    artifacts = load_artifacts(
        {
            "version": "0.16.0",
            "metadata": {"product_name": "p"},
            "plugins": {"compute": {"type": "spark"}},
            "transforms": {"models": [{"name": "a"}, {"name": "b", "compute": "duckdb"}]},
        }
    )
    assert artifacts.default_compute == "spark"
    assert [artifacts.compute_of(t) for t in artifacts.graph.order] == ["spark", "duckdb"]
