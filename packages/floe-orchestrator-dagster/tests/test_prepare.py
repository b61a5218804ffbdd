"""``floe-dagster prepare`` / ``prepare_product``: bad input, with the message users see."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from floe_dagster_core.testing import compiled_artifacts
from floe_orchestrator_dagster import ProductLoadError
from floe_orchestrator_dagster._cli import main
from floe_orchestrator_dagster._prepare import prepare_product


def test_no_artifacts_file_exits_2_naming_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "compiled_artifacts.json"

    result = CliRunner().invoke(main, ["prepare", str(missing)])

    assert result.exit_code == 2
    assert result.output.startswith("error: ")
    assert str(missing) in result.output
    assert "Traceback" not in result.output


def test_artifacts_without_a_dbt_project_say_where_to_point(tmp_path: Path) -> None:
    path = tmp_path / "compiled_artifacts.json"
    path.write_text(json.dumps(compiled_artifacts({"name": "stg_a"}, product="shop")))

    with pytest.raises(ProductLoadError) as caught:
        prepare_product(path)

    assert str(caught.value) == (
        "No dbt project was found for product 'shop' (no dbt_project.yml beside the artifacts, "
        "and no project_dir set). Set project_dir in the plugin config, or prepare the "
        "artifacts of the folder holding dbt_project.yml."
    )


def test_invalid_artifacts_name_the_field(tmp_path: Path) -> None:
    path = tmp_path / "compiled_artifacts.json"
    artifacts = compiled_artifacts({"name": "stg_a"})
    artifacts["transforms"]["models"][0]["name"] = "has space"
    path.write_text(json.dumps(artifacts))

    result = CliRunner().invoke(main, ["prepare", str(path)])

    assert result.exit_code == 2
    assert f"The artifacts in {path} are invalid: " in result.output
    assert "'has space' is not a valid dbt model name" in result.output
    assert result.output.rstrip().endswith("Compile the product again.")
