"""Secrets are never printed: planted secrets, every failure path, every message grepped.

Secrets are planted where users put them: the plugin config (a connection token, a typo'd key
holding one, a lineage transport's credentials), the lineage backend config, deploy database
params, and dbt profile outputs. Each failure is driven through a public entry point (plugin
methods, the ``floe-dagster`` CLI, ``load_product_definitions``, core's own functions) and
everything it says is grepped: the exception and its chain, returned messages, log records of
every logger (caplog, DEBUG) and what reached the terminal (capfd: Python and file-descriptor
output, structlog's included).
"""

from __future__ import annotations

import inspect
import json
import logging
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pydantic import ValidationError

import dagster_server  # a helper module of this folder (pythonpath in pyproject.toml)
from floe_dagster_core import create_definitions as core_create_definitions
from floe_dagster_core import load_artifacts
from floe_dagster_core.testing import compiled_artifacts
from floe_orchestrator_dagster import (
    DagsterOrchestratorPlugin,
    DagsterPluginConfig,
    LineageBackendError,
    ProductLoadError,
    load_product_definitions,
)
from floe_orchestrator_dagster._cli import main

# Short, and grepped by their last six letters too: pydantic shortens a long input to its first
# and last characters, so a truncated secret still shows its tail. No hex digits: no run id or
# hash can contain them by chance.
TOKEN = "tok-QzWxRv"
PASSWORD = "pw-KjHgFd"
API_KEY = "key-MnBvCx"
PLANTED = (TOKEN, PASSWORD, API_KEY)
GREPPED = (*PLANTED, *(secret[-6:] for secret in PLANTED))
DATA = Path(__file__).parent / "data"


class Said:
    """What a test's failure paths said: what it collects, the log records and the terminal."""

    def __init__(self, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]):
        self._caplog = caplog
        self._capfd = capfd
        self.texts: list[str] = []

    def __iadd__(self, texts: list[str]) -> Said:
        self.texts += texts
        return self

    def append(self, text: str) -> None:
        self.texts.append(text)

    def assert_no_secret(self) -> None:
        assert self.texts, "the test collected nothing to check"
        out, err = self._capfd.readouterr()
        everything = [*self.texts, self._caplog.text, out, err]
        everything += [str(record.args) for record in self._caplog.records]
        for text in everything:
            for secret in GREPPED:
                assert secret not in text, f"{secret!r} shown in:\n{text}"


@pytest.fixture
def said(caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]):
    """The ``Said`` of the test, with every logger captured at DEBUG."""
    caplog.set_level(logging.DEBUG)
    return Said(caplog, capfd)


def error_texts(error: BaseException) -> list[str]:
    """What a traceback shows: the exception and its chain (``raise ... from None`` ends it)."""
    texts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        texts += [str(current), repr(current), type(current).__name__]
        if current.__cause__ is not None:
            current = current.__cause__
        else:
            current = None if current.__suppress_context__ else current.__context__
    return texts


def raised(call: Any, *args: Any, **kwargs: Any) -> BaseException:
    with pytest.raises(Exception) as caught:  # noqa: PT011 - the type is asserted by the caller
        call(*args, **kwargs)
    return caught.value


def url_with_password(host: str = "127.0.0.1:9") -> str:
    return f"http://admin:{PASSWORD}@{host}"


# -- the plugin config, validated by the plugin and by floe -------------------------------------

CONFIGS = {
    "a typo'd key holding a token": {"connection": {"auth_tokn": TOKEN}},
    "a token of the wrong type": {"connection": {"auth_token": [TOKEN]}},
    "a section that is a secret": {"lineage": TOKEN},
    "a typo'd lineage key with credentials": {
        "lineage": {"transprt": {"type": "http", "url": "http://m", "auth": {"apiKey": API_KEY}}}
    },
    "a lineage timeout that is no number": {
        "lineage": {"transport": {"type": "http", "url": url_with_password()}, "timeout": "abc"}
    },
    "a database password": {
        "deploy": {"database": {"host": "pg", "password_secret": "pg", "password": PASSWORD}}
    },
    "a password in database params": {
        "deploy": {
            "database": {"host": "pg", "password_secret": "pg", "params": {"password": PASSWORD}}
        }
    },
    "an sslpassword in database params": {
        "deploy": {
            "database": {"host": "pg", "password_secret": "pg", "params": {"sslpassword": PASSWORD}}
        }
    },
    "a compute target with a password and a typo": {
        "compute_targets": {"spark": {"output": {"type": "spark", "password": PASSWORD}, "x": 1}}
    },
}


@pytest.mark.parametrize("config", CONFIGS.values(), ids=CONFIGS)
def test_plugin_config_errors_never_show_a_secret(config, said):
    error = raised(DagsterPluginConfig.model_validate, config)
    assert isinstance(error, ValidationError)
    said += error_texts(error)
    # the field is still named, so the message stays useful
    assert ".".join(str(part) for part in error.errors()[0]["loc"]) in str(error)
    said.assert_no_secret()


@pytest.mark.parametrize("config", CONFIGS.values(), ids=CONFIGS)
def test_artifacts_carrying_a_bad_plugin_config_never_show_a_secret(config, said):
    artifacts = compiled_artifacts({"name": "stg_a"})
    artifacts["plugins"]["orchestrator"]["config"] = config
    error = raised(DagsterOrchestratorPlugin().create_definitions, artifacts)
    assert isinstance(error, ValidationError)
    said += error_texts(error)
    said.assert_no_secret()


# -- lineage configuration that fails while definitions load (a warning, never a secret) ----------

LINEAGE = {
    "a backend that is not installed": {
        "backend": "nope",
        "backend_config": {"url": url_with_password("marquez:5000"), "note": API_KEY},
    },
    "a backend config the backend refuses": {
        "backend": "marquez",
        "backend_config": {"url": url_with_password("marquez:5000"), "bogus": API_KEY},
    },
    "a transport key no transport knows": {
        "transport": {"type": "http", "url": url_with_password(), "sasl": {"x": PASSWORD}}
    },
    "a transport type that does not exist": {"transport": {"type": "nope", "sasl": PASSWORD}},
    "a kafka transport with a sasl password": {
        "transport": {
            "type": "kafka",
            "topic": "lineage",
            "config": {"bootstrap.servers": "kafka:9092", "sasl.password": PASSWORD},
        }
    },
}


@pytest.mark.parametrize("lineage", LINEAGE.values(), ids=LINEAGE)
def test_lineage_errors_while_definitions_load_never_show_a_secret(lineage, said):
    artifacts = compiled_artifacts({"name": "stg_a"})
    artifacts["plugins"]["orchestrator"]["config"] = {"lineage": lineage}
    defs = DagsterOrchestratorPlugin().create_definitions(artifacts)
    said.append(repr(defs.resolve_job_def("shop_analytics_job")))
    said.assert_no_secret()


def test_emitting_through_a_transport_that_fails_never_shows_a_secret(said):
    plugin = DagsterOrchestratorPlugin()
    url = url_with_password(f"127.0.0.1:{dagster_server.free_port()}")
    plugin.configure(
        DagsterPluginConfig.model_validate(
            {
                "lineage": {
                    "transport": {
                        "type": "http",
                        "url": url,
                        "auth": {"type": "api_key", "apiKey": API_KEY},
                    },
                    "timeout": 1,
                }
            }
        )
    )
    said.append(str(plugin.emit_lineage_event("START", "stg_a")))  # delivery never raises
    said.assert_no_secret()


def test_a_lineage_backend_that_is_not_installed_never_shows_its_config(said):
    plugin = DagsterOrchestratorPlugin()
    config = {"lineage": {"backend": "nope", "backend_config": {"api_key": API_KEY}}}
    plugin.configure(DagsterPluginConfig.model_validate(config))
    error = raised(plugin.emit_lineage_event, "START", "stg_a")
    assert isinstance(error, LineageBackendError)
    said += error_texts(error)
    said.assert_no_secret()


# -- the connection probe -----------------------------------------------------------------------


def test_connection_failures_never_show_the_token_or_the_password(said):
    plugin = DagsterOrchestratorPlugin()
    url = url_with_password(f"127.0.0.1:{dagster_server.free_port()}")
    settings = {"connection": {"url": url, "auth_token": TOKEN, "timeout_seconds": 2}}
    plugin.configure(DagsterPluginConfig.model_validate(settings))
    result = plugin.validate_connection()
    assert not result.success
    health = plugin.health_check(timeout=2)
    said += [result.message, *result.warnings, str(health.message), repr(health)]
    said.assert_no_secret()


# -- dbt profile outputs ------------------------------------------------------------------------


def profiles(**output: Any) -> dict[str, Any]:
    return {"shop_analytics": {"target": "dev", "outputs": {"dev": output}}}


def test_a_profile_password_is_never_shown_by_floes_own_check(said):
    artifacts = compiled_artifacts(
        {"name": "stg_a"}, dbt_profiles=profiles(type="postgres", password=PASSWORD)
    )
    error = raised(DagsterOrchestratorPlugin().create_definitions, artifacts)
    assert isinstance(error, ValidationError)
    said += error_texts(error)
    said.assert_no_secret()


@pytest.mark.parametrize(
    "models",
    [
        [{"name": "stg-a"}],  # an invalid name: an error about the whole document
        [{"name": "a", "depends_on": ["b"]}, {"name": "b", "depends_on": ["a"]}],  # a cycle
        [{"name": "a", "compute": "a-b"}, {"name": "b", "compute": "a_b"}],  # resource keys
    ],
)
def test_core_errors_never_show_the_profiles(models, said):
    """pydantic printed the tail of the artifacts' repr beside such errors: dbt_profiles."""
    artifacts = compiled_artifacts(
        *models, dbt_profiles=profiles(type="postgres", user="u", password=PASSWORD)
    )
    error = raised(load_artifacts, artifacts)
    assert isinstance(error, ValidationError)
    said += error_texts(error)
    said.assert_no_secret()


def test_core_project_errors_never_show_the_profiles(tmp_path: Path, said):
    (tmp_path / "dbt_project.yml").write_text("name: shop\nprofile: shop_analytics\n")
    artifacts = compiled_artifacts(
        {"name": "stg_a", "compute": "spark"},  # a compute no profile target defines
        dbt_profiles=profiles(type="postgres", user="u", password=PASSWORD),
    )
    error = raised(core_create_definitions, artifacts, project_dir=tmp_path)
    assert isinstance(error, ValidationError)
    assert "spark" in str(error)
    said += error_texts(error)
    (tmp_path / "dbt_project.yml").write_text("name: shop\nprofile: another_profile\n")
    error = raised(core_create_definitions, artifacts, project_dir=tmp_path)
    said += error_texts(error)
    said.assert_no_secret()


# -- load_product_definitions (what a generated definitions.py calls) ---------------------------


def write_artifacts(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "compiled_artifacts.json").write_text(text, encoding="utf-8")
    return folder


def test_load_product_definitions_failures_never_show_a_secret(tmp_path: Path, said):
    artifacts = compiled_artifacts({"name": "stg_a"})
    artifacts["plugins"]["orchestrator"]["config"] = {
        "lineage": {"transport": {"type": "http", "url": url_with_password()}},
        "connection": {"auth_tokn": TOKEN},
    }
    text = json.dumps(artifacts)
    cases = [
        ("another-product", write_artifacts(tmp_path / "typo", text)),
        ("shop-analytics", write_artifacts(tmp_path / "typo-ok-name", text)),
        ("shop-analytics", write_artifacts(tmp_path / "truncated", text[: text.index(TOKEN) + 8])),
        ("shop-analytics", write_artifacts(tmp_path / "not-an-object", json.dumps([TOKEN]))),
    ]
    for name, folder in cases:
        error = raised(load_product_definitions, name, folder)
        assert isinstance(error, (ValidationError, ProductLoadError)), error
        said += error_texts(error)
    said.assert_no_secret()


# -- the floe-dagster command line --------------------------------------------------------------


def invoke(*args: str, env: dict[str, str] | None = None) -> Any:
    if "mix_stderr" in inspect.signature(CliRunner).parameters:  # click < 8.2
        return CliRunner(mix_stderr=False).invoke(main, list(args), env=env)
    return CliRunner().invoke(main, list(args), env=env)


def cli_texts(result: Any) -> list[str]:
    texts = [result.stdout, result.stderr]
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        texts += error_texts(result.exception)
    return texts


MANIFEST_BLOCKS = {
    "a typo'd key holding a token": f"      connection:\n        auth_tokn: {TOKEN}\n",
    "a section that is a secret": f"      lineage: {TOKEN}\n",
    "a database password": (
        "      deploy:\n        database: {host: pg, password_secret: pg, "
        f"password: {PASSWORD}}}\n"
    ),
    "a password in database params": (
        "      deploy:\n        database: {host: pg, password_secret: pg, "
        f"params: {{password: {PASSWORD}}}}}\n"
    ),
    "a URL with a password": f"      connection:\n        url: '{url_with_password()}:99999'\n",
}


@pytest.mark.parametrize("block", MANIFEST_BLOCKS.values(), ids=MANIFEST_BLOCKS)
def test_cli_commands_on_a_bad_manifest_never_show_a_secret(block, tmp_path: Path, said):
    manifest = tmp_path / "manifest.yaml"
    manifest.write_text(
        (DATA / "manifest.yaml")
        .read_text()
        .replace(
            "  orchestrator:\n    type: dagster\n",
            f"  orchestrator:\n    type: dagster\n    config:\n{block}",
        )
    )
    check = invoke("check", str(manifest))
    assert check.exit_code == 2, check.output
    helm = invoke("helm-values", "--manifest", str(manifest))
    said += cli_texts(check) + cli_texts(helm)
    said.assert_no_secret()


def test_validate_connection_on_the_cli_never_shows_the_token_or_the_password(said):
    port = dagster_server.free_port()
    env = {"FLOE_DAGSTER_AUTH_TOKEN": TOKEN}
    refused = invoke(
        "validate-connection", "--url", url_with_password(f"127.0.0.1:{port}"), env=env
    )
    assert refused.exit_code == 1
    malformed = invoke("validate-connection", "--url", url_with_password("dagster:99999"), env=env)
    assert malformed.exit_code == 2
    said += cli_texts(refused) + cli_texts(malformed)
    said.assert_no_secret()
