"""``floe-dagster helm-values``: values on stdout or in a file; one-line errors, exit 2."""

from __future__ import annotations

import inspect

import yaml
from click.testing import CliRunner

from floe_orchestrator_dagster._cli import main
from floe_orchestrator_dagster._deploy import helm_values
from floe_orchestrator_dagster._deploy_settings import DeploySettings

# click < 8.2 (the Dagster 1.10 lock) mixes stderr into stdout unless told not to; 8.2 removed
# the switch and always keeps them apart
_SEPARATE = {"mix_stderr": False} if "mix_stderr" in inspect.signature(CliRunner).parameters else {}


def invoke(*args: str):
    return CliRunner(**_SEPARATE).invoke(main, ["helm-values", *args])


def test_medium_values_on_stdout():
    result = invoke("--size", "medium")
    assert result.exit_code == 0, result.output
    values = yaml.safe_load(result.stdout)
    assert values == helm_values(DeploySettings(workload_size="medium"))
    assert values["dagster-user-code"]["resources"]["requests"] == {"cpu": "500m", "memory": "1Gi"}


def test_default_size_is_medium():
    result = invoke()
    assert result.exit_code == 0
    assert yaml.safe_load(result.stdout) == helm_values(DeploySettings())


def test_output_file(tmp_path):
    target = tmp_path / "values.yaml"
    result = invoke("--size", "large", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert f"wrote Helm values (large) to {target}" in result.stderr
    values = yaml.safe_load(target.read_text())
    assert values["dagster-webserver"]["resources"]["limits"]["cpu"] == "2000m"


def test_unknown_size_exits_2_with_one_line():
    result = invoke("--size", "extra-large")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "error: Unknown workload size 'extra-large' for --size. "
        "Valid options: small, medium, large."
    ]


def test_unwritable_output_exits_2(tmp_path):
    target = tmp_path / "missing-dir" / "values.yaml"
    result = invoke("-o", str(target))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: Cannot write {target}")
    assert len(result.stderr.splitlines()) == 1


def test_settings_from_a_manifest(write_manifest):
    manifest = write_manifest(
        "  orchestrator:\n"
        "    type: dagster\n"
        "    config:\n"
        "      deploy:\n"
        "        workload_size: small\n"
        "        replicas: {webserver: 2}\n"
        "        database: {host: pg.internal, password_secret: dagster-pg}\n"
    )
    result = invoke("--manifest", str(manifest))
    assert result.exit_code == 0, result.output
    values = yaml.safe_load(result.stdout)
    assert values["dagster-webserver"]["replicaCount"] == 2
    assert values["dagster-webserver"]["resources"]["limits"]["cpu"] == "500m"
    assert values["postgresql"]["host"] == "pg.internal"
    bigger = invoke("--manifest", str(manifest), "--size", "large")
    assert yaml.safe_load(bigger.stdout)["dagster-webserver"]["resources"]["limits"]["cpu"] == (
        "2000m"
    )


def test_bad_manifest_settings_exit_2_naming_the_field(write_manifest):
    manifest = write_manifest(
        "  orchestrator:\n"
        "    type: dagster\n"
        "    config:\n"
        "      deploy:\n"
        "        replicas: {webserver: -2}\n"
    )
    result = invoke("--manifest", str(manifest))
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith(
        f"error: The manifest {manifest} has an invalid "
        "plugins.orchestrator.config.deploy.replicas.webserver: "
    )
    assert "greater than or equal to 0" in line


def test_missing_or_broken_manifest_exits_2(tmp_path):
    missing = tmp_path / "nope.yaml"
    result = invoke("--manifest", str(missing))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: Cannot read {missing}")
    broken = tmp_path / "broken.yaml"
    broken.write_text("plugins: [unclosed\n")
    result = invoke("--manifest", str(broken))
    assert result.exit_code == 2
    assert f"The manifest {broken} is not valid YAML" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_manifest_without_deploy_section_uses_defaults(manifest_path):
    result = invoke("--manifest", str(manifest_path), "--size", "small")
    assert result.exit_code == 0
    assert yaml.safe_load(result.stdout) == helm_values(DeploySettings(workload_size="small"))


def test_a_password_in_database_params_exits_2_naming_the_key(write_manifest):
    manifest = write_manifest(
        "  orchestrator:\n"
        "    type: dagster\n"
        "    config:\n"
        "      deploy:\n"
        "        database:\n"
        "          host: pg.internal\n"
        "          password_secret: dagster-pg\n"
        "          params: {sslmode: require, password: hunter2}\n"
    )
    result = invoke("--manifest", str(manifest))
    assert result.exit_code == 2
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith(
        f"error: The manifest {manifest} has an invalid "
        "plugins.orchestrator.config.deploy.database.params: "
        "`deploy.database.params.password` looks like a password"
    )
    assert "hunter2" not in result.stderr
