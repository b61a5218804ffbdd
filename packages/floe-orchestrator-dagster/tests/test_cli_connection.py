"""``floe-dagster validate-connection``: exit codes and where its messages go."""

from __future__ import annotations

import inspect
import subprocess
import sys

import pytest
from click.testing import CliRunner

import dagster_server  # a helper module of this folder (pythonpath in pyproject.toml)
import fault_servers
from floe_orchestrator_dagster._cli import main

servers = fault_servers


def invoke(*args: str):
    if "mix_stderr" in inspect.signature(CliRunner).parameters:  # click < 8.2
        return CliRunner(mix_stderr=False).invoke(main, list(args))
    return CliRunner().invoke(main, list(args))


def closed_port_url() -> str:
    return f"http://127.0.0.1:{dagster_server.free_port()}"


def test_unreachable_exits_1_with_the_message_on_stderr():
    url = closed_port_url()
    result = invoke("validate-connection", "--url", url)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("error: Connection refused by 127.0.0.1 port ")
    assert f"nothing listens at {url} (URL from --url). Check that" in result.stderr
    assert "or set the right URL in --url." in result.stderr
    assert result.stderr.count("\n") == 1


def test_default_url_is_localhost_3000(monkeypatch):
    result = invoke("validate-connection")
    assert result.exit_code in (0, 1)
    assert "http://localhost:3000 (URL from the default)" in result.stdout + result.stderr


def test_a_malformed_url_exits_2():
    result = invoke("validate-connection", "--url", "localhost:3000")
    assert result.exit_code == 2
    assert result.stderr == (
        "error: 'localhost:3000' (from --url) is not a webserver URL: its scheme must be http or "
        "https. Give the base URL of dagster-webserver, e.g. http://localhost:3000.\n"
    )


def test_a_version_warning_goes_to_stderr_and_exits_0():
    with servers.ScriptedServer().running() as server:
        server.replies = servers.dagster_replies("1.9.0")
        result = invoke("validate-connection", "--url", server.url)
    assert result.exit_code == 0
    assert result.stdout.startswith(f"The Dagster webserver at {server.url} (URL from --url)")
    assert result.stderr.startswith(
        f"warning: The Dagster webserver at {server.url} runs Dagster 1.9.0, older than"
    )


def test_a_bad_environment_url_exits_2(monkeypatch):
    monkeypatch.setenv("FLOE_DAGSTER_URL", "ftp://dagster")
    result = invoke("validate-connection")
    assert result.exit_code == 2
    assert "'ftp://dagster' (from FLOE_DAGSTER_URL) is not a webserver URL" in result.stderr


def test_help_documents_the_option_and_the_environment():
    result = invoke("validate-connection", "--help")
    assert result.exit_code == 0
    assert "--url URL" in result.stdout
    assert "FLOE_DAGSTER_URL" in result.stdout
    assert "FLOE_DAGSTER_AUTH_TOKEN" in result.stdout


@pytest.mark.slow
def test_the_installed_command_prints_no_traceback():
    """The real console entry point, in a process of its own: one line on stderr, exit 1."""
    command = [sys.executable, "-c", "from floe_orchestrator_dagster._cli import main; main()"]
    done = subprocess.run(
        [*command, "validate-connection", "--url", closed_port_url()],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("error: Connection refused by 127.0.0.1 port ")
