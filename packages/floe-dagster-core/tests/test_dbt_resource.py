"""The dbt resource knows the version of the dbt beside this Python without starting it."""

from __future__ import annotations

import stat
import sys
from importlib import metadata
from pathlib import Path

import pytest
from dagster_dbt import DbtCliResource
from packaging import version

from floe_dagster_core._dbt_resource import FloeDbtCliResource, installed_dbt_version

from .conftest import copy_shop

ASKS = hasattr(DbtCliResource, "_cli_version")  # dagster-dbt 0.28+ runs `dbt --version`
INSTALLED = version.parse(metadata.version("dbt-core"))


def test_the_dbt_beside_this_python_is_the_installed_dbt_core(monkeypatch):
    beside = Path(sys.executable).parent / "dbt"
    monkeypatch.setenv("PATH", str(beside.parent))
    assert installed_dbt_version("dbt") == INSTALLED
    assert installed_dbt_version(str(beside)) == INSTALLED


def test_another_dbt_is_not_taken_for_it(tmp_path):
    other = _fake_dbt(tmp_path, "2.0.0")
    assert installed_dbt_version(str(other)) is None
    assert installed_dbt_version(str(tmp_path / "missing" / "dbt")) is None


@pytest.mark.skipif(not ASKS, reason="dagster-dbt before 0.28 never runs `dbt --version`")
def test_the_resource_does_not_start_its_own_dbt_to_learn_the_version(tmp_path, monkeypatch):
    from dagster_dbt.core import resource as dagster_dbt_resource

    def refuse(*args, **kwargs):
        raise AssertionError(f"dbt was started for its version: {args}")

    monkeypatch.setattr(dagster_dbt_resource, "check_output", refuse)
    dbt = FloeDbtCliResource(
        project_dir=str(copy_shop(tmp_path)),
        dbt_executable=str(Path(sys.executable).parent / "dbt"),
    )
    assert dbt._cli_version == INSTALLED


@pytest.mark.skipif(not ASKS, reason="dagster-dbt before 0.28 never runs `dbt --version`")
def test_any_other_executable_is_asked_as_dagster_dbt_asks_it(tmp_path):
    fusion = _fake_dbt(tmp_path, "2.0.0")
    dbt = FloeDbtCliResource(project_dir=str(copy_shop(tmp_path)), dbt_executable=str(fusion))
    assert dbt._cli_version == version.parse("2.0.0")
    assert dbt._cli_version.major == 2  # dagster-dbt then skips its dbt-core adapter


def _fake_dbt(folder: Path, reported: str) -> Path:
    """An executable answering ``--version`` as a dbt of version ``reported`` does."""
    script = folder / "bin" / "dbt"
    script.parent.mkdir(parents=True)
    script.write_text(f"#!/bin/sh\necho 'dbt-fusion {reported}'\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script
