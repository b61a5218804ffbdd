"""``generate_entry_point_code(..., iceberg_enabled=True)``: the code location that exports.

The wiring is read from compiled_artifacts.json when the code location loads, so the program is
the one without Iceberg; the file says that it exports, and a missing ``iceberg`` extra is refused
when the file is generated. tests-integration/test_lakehouse_flow.py compiles a product with floe
and runs the generated file.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from floe_orchestrator_dagster import DagsterOrchestratorPlugin, LakehouseError
from floe_orchestrator_dagster._lakehouse import _plugins


def test_iceberg_enabled_writes_a_code_location_that_says_it_exports(tmp_path: Path):
    path = DagsterOrchestratorPlugin().generate_entry_point_code(
        "jaffle-shop", str(tmp_path), lineage_enabled=True, iceberg_enabled=True
    )
    text = Path(path).read_text()
    tree = ast.parse(text)
    assert "written to an Iceberg table through the catalog and storage" in ast.get_docstring(tree)
    assert "PRODUCT_NAME = 'jaffle-shop'" in text
    assert "load_product_definitions(" in text
    plain = DagsterOrchestratorPlugin().generate_entry_point_code(
        "jaffle-shop", str(tmp_path / "plain"), lineage_enabled=True, iceberg_enabled=False
    )
    # the same program: only the docstring differs
    assert ast.dump(ast.parse(Path(plain).read_text()).body[1]) == ast.dump(tree.body[1])
    assert "Iceberg" not in Path(plain).read_text()


def test_iceberg_enabled_without_the_extra_is_refused_before_writing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    # the workspace always has the extra: only a module name that cannot exist shows the refusal
    monkeypatch.setattr(_plugins, "EXTRA_MODULES", ("no_such_module_xyz",))
    with pytest.raises(LakehouseError, match=r"pip install 'floe-orchestrator-dagster\[iceberg\]'"):
        DagsterOrchestratorPlugin().generate_entry_point_code(
            "p", str(tmp_path), iceberg_enabled=True
        )
    assert not (tmp_path / "definitions.py").exists()
