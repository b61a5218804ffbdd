"""The floe-dagster command line: plugins and check."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from floe_orchestrator_dagster import DagsterOrchestratorPlugin
from floe_orchestrator_dagster._cli import main

VERSION = DagsterOrchestratorPlugin().version


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def test_plugins_table_lists_dagster():
    result = invoke("plugins")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["NAME", "VERSION", "FLOE", "API", "COMPATIBLE"]
    assert ["dagster", VERSION, "1.0", "yes"] in [line.split() for line in lines]


def test_plugins_json():
    result = invoke("plugins", "--json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["platform_api_version"] == "1.0"
    ours = {"name": "dagster", "version": VERSION, "floe_api_version": "1.0", "compatible": True}
    assert ours in data["plugins"]


def test_check_resolves_dagster(manifest_path: Path):
    result = invoke("check", str(manifest_path))
    assert result.exit_code == 0
    assert f"orchestrator dagster {VERSION}" in result.output


def test_check_unknown_orchestrator_exits_2_with_options(write_manifest):
    path = write_manifest("  orchestrator:\n    type: airflow\n")
    result = invoke("check", str(path))
    assert result.exit_code == 2
    assert "Unknown orchestrator 'airflow'" in result.output
    assert f"Valid options: dagster {VERSION}" in result.output


def test_check_missing_file_exits_2_one_line(tmp_path: Path):
    result = invoke("check", str(tmp_path / "missing.yaml"))
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0
    assert "Manifest not found" in result.output
    assert "Traceback" not in result.output


def test_check_invalid_yaml_exits_2_one_line(tmp_path: Path):
    path = tmp_path / "bad.yaml"
    path.write_text("plugins: {orchestrator: [\n")
    result = invoke("check", str(path))
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0
    assert "is not valid YAML" in result.output


def test_check_invalid_config_exits_2_naming_the_field(write_manifest):
    path = write_manifest("  orchestrator:\n    type: dagster\n    config:\n      bogus: 1\n")
    result = invoke("check", str(path))
    assert result.exit_code == 2
    assert "bogus" in result.output


def test_console_script_is_installed():
    """The real console script, in a subprocess: stdout carries only the table."""
    script = Path(sys.executable).with_name("floe-dagster")
    out = subprocess.run([str(script), "plugins", "--json"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["plugins"][0]["name"] == "dagster"
