"""Lineage through the real floe-lineage-marquez backend, from floe-compiled artifacts (FR-018).

floe's own compiler (``floe platform compile``) writes CompiledArtifacts naming Marquez as the
lineage backend, pointed at a local receiver; the plugin is loaded from floe-core's registry; the
backend is resolved from the same registry and its ``get_transport_config()`` delivers the events.
Every event received is checked against the official OpenLineage schemas.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import time
from pathlib import Path

import pytest

import ol_receiver  # a helper module of this folder (pythonpath in pyproject.toml)

pytestmark = pytest.mark.slow


MANIFEST = """\
apiVersion: floe.dev/v1
kind: Manifest
metadata:
  name: acme-platform
  version: "1.0.0"
  owner: platform-team@acme.com
plugins:
  compute:
    type: duckdb
  orchestrator:
    type: dagster
    config:
      lineage:
        namespace: acme
        timeout: 1.0
  lineage_backend:
    type: marquez
    config:
      url: {url}
      environment: test
"""
FLOE_YAML = """\
apiVersion: floe.dev/v1
kind: FloeSpec
metadata:
  name: customers
  version: "1.0.0"
transforms:
  - name: stg_customers
  - name: dim_customers
    dependsOn: [stg_customers]
"""
DAGSTER_RUN = "5d1f0e2c-7b3a-4e8d-9c6f-1a2b3c4d5e6f"


def _compile(tmp: Path, url: str) -> dict:
    (tmp / "manifest.yaml").write_text(MANIFEST.format(url=url))
    (tmp / "floe.yaml").write_text(FLOE_YAML)
    floe = Path(sys.executable).parent / "floe"
    result = subprocess.run(
        [str(floe), "platform", "compile", "--spec", "floe.yaml", "--manifest", "manifest.yaml",
         "--output", "compiled_artifacts.json", "--skip-contracts"],
        cwd=tmp, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    artifacts: dict = json.loads((tmp / "compiled_artifacts.json").read_text())
    return artifacts


@pytest.fixture(scope="module")
def marquez():
    with ol_receiver.running() as receiver:
        yield receiver


@pytest.fixture(scope="module")
def artifacts(marquez, tmp_path_factory) -> dict:
    return _compile(tmp_path_factory.mktemp("product"), marquez.base_url)


@pytest.fixture(scope="module")
def plugin(artifacts):
    """The orchestrator plugin as floe loads it: from the registry, configured by the artifacts."""
    from floe_core.plugin_registry import PluginRegistry
    from floe_core.plugin_types import PluginType

    registry = PluginRegistry()
    registry.discover_all()
    registry.configure(
        PluginType.ORCHESTRATOR, "dagster", artifacts["plugins"]["orchestrator"]["config"]
    )
    return registry.get(PluginType.ORCHESTRATOR, "dagster")


@pytest.fixture
def receiver(marquez):
    marquez.requests.clear()
    return marquez


def test_compiled_artifacts_name_marquez_as_the_backend(artifacts, marquez):
    backend = artifacts["plugins"]["lineage_backend"]
    assert backend["type"] == "marquez"
    assert backend["config"]["url"] == marquez.base_url


def test_asset_runs_reach_marquez_as_valid_events(plugin, artifacts, receiver):
    gateway = plugin._lineage_gateway()
    (observer,) = gateway.observers_for(artifacts)
    from floe_dagster_core import AssetRunInfo

    def info(model: str, upstream: tuple[str, ...] = ()) -> AssetRunInfo:
        return AssetRunInfo(model, model, upstream, DAGSTER_RUN, "customers_job", "duckdb")

    observer.started(info("stg_customers"))
    observer.succeeded(info("stg_customers"))
    observer.started(info("dim_customers", ("stg_customers",)))
    observer.failed(info("dim_customers", ("stg_customers",)), "Binder Error: no column x")
    receiver.assert_all_valid()
    assert {request.path for request in receiver.requests} == {"/api/v1/lineage"}
    # dbt-ol's job names: database.schema.model.build.run
    assert receiver.by_job() == {
        "memory.main.stg_customers.build.run": ["START", "COMPLETE"],
        "memory.main.dim_customers.build.run": ["START", "FAIL"],
    }
    start = receiver.events_of("memory.main.dim_customers.build.run")[0]
    assert start["job"]["namespace"] == "acme"
    # the compiled dbt profile is DuckDB in memory: namespace duckdb://:memory:, database memory
    (output,) = start["outputs"]
    assert (output["namespace"], output["name"]) == (
        "duckdb://:memory:",
        "memory.main.dim_customers",
    )
    assert "uri" not in output["facets"]["dataSource"]  # duckdb://:memory: is no valid URI
    assert start["inputs"][0]["name"] == "memory.main.stg_customers"
    fail = receiver.events_of("memory.main.dim_customers.build.run")[1]
    assert fail["run"]["facets"]["errorMessage"]["message"] == "Binder Error: no column x"


def test_emit_lineage_event_goes_through_marquez(plugin, artifacts, receiver):
    from floe_core.lineage import LineageDataset, RunState

    plugin._lineage_gateway().bind(artifacts)
    run_id = plugin.emit_lineage_event(
        RunState.COMPLETE,
        "dbt_run_customers",
        inputs=[LineageDataset(namespace="duckdb://:memory:", name="memory.raw.customers")],
        outputs=[LineageDataset(namespace="duckdb://:memory:", name="memory.main.stg_customers")],
    )
    receiver.assert_all_valid()
    (event,) = receiver.events
    assert event["run"]["runId"] == str(run_id)
    assert event["job"] == {**event["job"], "namespace": "acme", "name": "dbt_run_customers"}


@pytest.mark.parametrize(("status", "delay"), [(500, 0.0), (201, 30.0)])
def test_a_failing_or_hanging_marquez_leaves_the_caller_green(artifacts, caplog, status, delay):
    import copy

    from floe_orchestrator_dagster._config import DagsterPluginConfig
    from floe_orchestrator_dagster._plugin import DagsterOrchestratorPlugin

    with ol_receiver.running(status=status, delay=delay) as bad:
        artifacts = copy.deepcopy(artifacts)  # the compiled artifacts, pointed at this receiver
        artifacts["plugins"]["lineage_backend"]["config"]["url"] = bad.base_url
        plugin = DagsterOrchestratorPlugin()
        plugin.configure(
            DagsterPluginConfig.model_validate(artifacts["plugins"]["orchestrator"]["config"])
        )
        plugin._lineage_gateway().bind(artifacts)
        with caplog.at_level(logging.WARNING, logger="floe_dagster_lineage"):
            started = time.monotonic()
            plugin.emit_lineage_event("START", "dbt_run_customers")
            plugin.emit_lineage_event("FAIL", "dbt_run_customers")
            elapsed = time.monotonic() - started
        assert len(bad.requests) == 2  # one attempt per event: no retry storm
    warnings = [r for r in caplog.records if r.name == "floe_dagster_lineage"]
    assert len(warnings) == 2
    assert elapsed < 3.0, elapsed  # lineage.timeout: 1.0 per event
