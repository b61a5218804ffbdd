"""The main job end to end with real parts (DESIGN.md's data flow).

The shipped demo product, its manifest pointing the real floe-lineage-marquez backend at a local
OpenLineage receiver -> floe's real compiler -> the plugin as floe's registry loads it ->
Definitions -> every asset materialized on DuckDB by dbt -> every lineage event received and
valid against the official schemas -> Helm values from the same plugin pass Helm's strict lint
and render manifests that Kubernetes' schemas accept.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import helm_python as helm
import kubernetes_validate
import pytest
import yaml

import ol_receiver  # a helper module of this folder (pythonpath in pyproject.toml)
from floe_orchestrator_dagster._demo import compile_product, prepare_folder

pytestmark = pytest.mark.slow

CHART = Path(__file__).resolve().parents[1] / "charts" / "floe-dagster"
KUBE_VERSION = "1.35.0"
MODELS = 8


@pytest.fixture(scope="module")
def marquez():
    with ol_receiver.running() as receiver:
        yield receiver


@pytest.fixture(scope="module")
def product(marquez, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("flow") / "jaffle-shop"
    prepare_folder(folder)
    manifest = folder / "manifest.yaml"
    manifest.write_text(
        manifest.read_text().replace(
            "  lineage_backend:\n    type: marquez\n",
            f"  lineage_backend:\n    type: marquez\n    config:\n      url: {marquez.base_url}\n",
        )
    )
    compile_product(folder)
    return folder


@pytest.fixture(scope="module")
def plugin(product: Path) -> Any:
    """The plugin as floe loads it: discovered and configured through floe-core's registry."""
    from floe_core.plugin_registry import PluginRegistry
    from floe_core.plugin_types import PluginType

    registry = PluginRegistry()
    registry.discover_all()
    registry.configure(PluginType.ORCHESTRATOR, "dagster", {"project_dir": str(product)})
    return registry.get(PluginType.ORCHESTRATOR, "dagster")


@pytest.fixture(scope="module")
def run(plugin: Any, product: Path, marquez) -> Any:
    from dagster import DagsterInstance

    defs = plugin.create_definitions(product / "compiled_artifacts.json")
    resolve = getattr(defs, "resolve_job_def", None) or defs.get_job_def
    with DagsterInstance.ephemeral() as instance:
        return resolve("jaffle_shop_job").execute_in_process(instance=instance)


def test_compiled_artifacts_route_lineage_to_the_local_marquez(product: Path, marquez):
    artifacts = json.loads((product / "compiled_artifacts.json").read_text())
    assert artifacts["plugins"]["lineage_backend"]["type"] == "marquez"
    assert artifacts["plugins"]["lineage_backend"]["config"]["url"] == marquez.base_url


def test_every_asset_materializes_on_duckdb(run):
    assert run.success
    materialized = {
        event.asset_key.to_user_string()
        for event in run.all_events
        if event.event_type_value == "ASSET_MATERIALIZATION"
    }
    assert len([key for key in materialized if not key.startswith("raw_")]) == MODELS


def test_lineage_reaches_marquez_and_every_event_is_valid(run, marquez):
    assert run.success
    marquez.assert_all_valid()
    jobs = marquez.by_job()
    model_runs = {job: types for job, types in jobs.items() if job.endswith(".build.run")}
    assert len(model_runs) == MODELS
    assert all(types == ["START", "COMPLETE"] for types in model_runs.values()), jobs
    # the product run opened by its first step (in-process: no daemon closes it here)
    assert jobs["jaffle_shop_job"] == ["START"]
    tests = {job for job in jobs if job.endswith(".build.test")}
    assert len(tests) == 5  # the models with dbt tests
    counts = Counter(event["eventType"] for event in marquez.events)
    assert counts == {"START": 1 + MODELS + 5, "COMPLETE": MODELS + 5}
    (complete,) = [
        e
        for e in marquez.events
        if e["eventType"] == "COMPLETE"
        and e["job"]["name"] == "jaffle_shop.main_marts.jaffle_shop.fct_orders.build.run"
    ]
    assert [i["name"] for i in complete["inputs"]] == [
        "jaffle_shop.main_intermediate.int_order_payments"
    ]


def test_helm_values_from_the_same_plugin_pass_the_chart_checks(plugin):
    values = yaml.safe_load(yaml.safe_dump(plugin.get_helm_values()))
    report = helm.lint(str(CHART), values, strict=True, kube_version=f"v{KUBE_VERSION}")
    assert [m for m in report["messages"] if m["severity"] >= 2] == []
    with helm.Chart.load(str(CHART)) as chart:
        files = chart.render(values, name="floe", namespace="data")
    objects = [
        doc
        for path, text in files.items()
        if not path.endswith("NOTES.txt")
        for doc in yaml.safe_load_all(text)
        if doc
    ]
    assert objects
    for obj in objects:
        kubernetes_validate.validate(obj, KUBE_VERSION, strict=True)
