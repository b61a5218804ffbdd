"""generate_entry_point_code: a short definitions.py in which the product name is only data."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from floe_dagster_core import ArtifactsNotFoundError
from floe_dagster_core.testing import compiled_artifacts
from floe_orchestrator_dagster import (
    DagsterOrchestratorPlugin,
    ProductLoadError,
    load_product_definitions,
)

HOSTILE_NAMES = [
    "jaffle-shop",
    'evil"; import os; os.system("echo pwned"); x = "',
    "evil'''\nimport os\n'''",
    'evil"""\nraise SystemExit(3)\n"""',
    "line\nbreak\r\nand \\ backslash \x00 nul",
    "__import__('os').system('true')",
    "{lineage_enabled} {name_literal} {version}",
]


def shape(tree: ast.Module) -> list[str]:
    """The program's statement kinds, names and call targets: what must never change."""
    out: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            out.append("docstring")
        elif isinstance(node, ast.ImportFrom):
            out.append(f"from {node.module} import {','.join(a.name for a in node.names)}")
        elif isinstance(node, ast.Assign):
            (target,) = node.targets
            assert isinstance(target, ast.Name)
            value = node.value
            kind = type(value).__name__
            if isinstance(value, ast.Call):
                assert isinstance(value.func, ast.Name)
                kind = f"call {value.func.id}"
            out.append(f"{target.id} = {kind}")
        else:
            out.append(type(node).__name__)
    return out


EXPECTED_SHAPE = [
    "docstring",
    "from pathlib import Path",
    "from floe_orchestrator_dagster import load_product_definitions",
    "PRODUCT_NAME = Constant",
    "defs = call load_product_definitions",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_product_name_cannot_change_the_program(tmp_path: Path, name: str):
    path = DagsterOrchestratorPlugin().generate_entry_point_code(name, str(tmp_path))
    assert path == str(tmp_path / "definitions.py")
    tree = ast.parse(Path(path).read_text())
    assert shape(tree) == EXPECTED_SHAPE
    assign = tree.body[3]
    assert isinstance(assign, ast.Assign)
    assert ast.literal_eval(assign.value) == name


def test_generated_file_is_short_and_names_its_loader(tmp_path: Path):
    path = DagsterOrchestratorPlugin().generate_entry_point_code(
        "jaffle-shop", str(tmp_path / "new"), lineage_enabled=True
    )
    text = Path(path).read_text()
    assert len(text.splitlines()) < 25
    assert "PRODUCT_NAME = 'jaffle-shop'" in text
    assert "lineage_enabled=True" in text
    assert "dagster dev -f definitions.py" in text


def test_empty_name_is_refused(tmp_path: Path):
    with pytest.raises(ValueError, match="`product_name` is empty"):
        DagsterOrchestratorPlugin().generate_entry_point_code("  ", str(tmp_path))


def test_generate_opens_a_span(tmp_path: Path, spans):
    DagsterOrchestratorPlugin().generate_entry_point_code("p", str(tmp_path))
    assert "floe.orchestrator.dagster.generate_entry_point_code" in spans.names()


def test_load_without_artifacts_says_how_to_compile(tmp_path: Path):
    with pytest.raises(
        ArtifactsNotFoundError, match=r"compiled_artifacts\.json\. Compile the product first"
    ):
        load_product_definitions("p", tmp_path)


def test_load_invalid_json(tmp_path: Path):
    (tmp_path / "compiled_artifacts.json").write_text("{not json")
    with pytest.raises(ValidationError, match=r"are not valid JSON \(Invalid JSON: key must"):
        load_product_definitions("p", tmp_path)


def test_load_refuses_another_products_artifacts(tmp_path: Path):
    (tmp_path / "compiled_artifacts.json").write_text(
        json.dumps(compiled_artifacts({"name": "a"}, product="other"))
    )
    with pytest.raises(ProductLoadError, match="of product 'other', not 'p'"):
        load_product_definitions("p", tmp_path)
