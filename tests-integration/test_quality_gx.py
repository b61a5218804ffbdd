"""floe's quality checks run by the real floe-quality-gx plugin (Great Expectations 1.x) on DuckDB.

The shop product is compiled by ``floe platform compile`` with ``plugins.quality: {provider:
great_expectations}`` in manifest.yaml and three checks in floe.yaml: on ``fct_orders`` a passing
critical check and a failing warning, on ``stg_customers`` a failing critical one. The product
job runs; the checks' results, the blocking behaviour and the quality scores are Dagster's and
the plugin's own.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import dagster as dg
import pytest

SHOP = Path(__file__).resolve().parents[1] / "packages/floe-dagster-core/tests/data/shop"

pytestmark = [
    pytest.mark.slow,
    # Great Expectations 1.x imports modules the standard library deprecates (sre_constants...)
    pytest.mark.filterwarnings("ignore::DeprecationWarning:great_expectations.*"),
]

CHECKS = {
    "  - name: fct_orders\n": """    qualityChecks:
      - name: order_id_not_null
        type: not_null
        column: order_id
        dimension: completeness
        severity: critical
      - name: amount_at_most_50
        type: values_between
        column: amount
        dimension: validity
        severity: warning
        parameters: {min_value: 0, max_value: 50}
""",
    "  - name: stg_customers\n": """    qualityChecks:
      - name: at_least_five_customers
        type: row_count_between
        dimension: completeness
        severity: critical
        parameters: {min_value: 5}
""",
}


@pytest.fixture(scope="module")
def quality_shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("quality") / "shop"
    shutil.copytree(SHOP, folder, ignore=shutil.ignore_patterns("target", "*.duckdb", "logs"))
    (folder / "compiled_artifacts.json").unlink()
    spec = folder / "floe.yaml"
    text = spec.read_text()
    for transform, checks in CHECKS.items():
        head, _, tail = text.partition(transform)
        block, sep, rest = tail.partition("  - name:")
        text = head + transform + block + checks + sep + rest
    spec.write_text(text)
    manifest = folder / "manifest.yaml"
    manifest.write_text(
        manifest.read_text().replace(
            "  orchestrator:\n", "  quality:\n    provider: great_expectations\n  orchestrator:\n"
        )
    )
    floe = Path(sys.executable).parent / "floe"
    done = subprocess.run(
        [str(floe), "platform", "compile", "--spec", "floe.yaml", "--manifest", "manifest.yaml",
         "--output", "compiled_artifacts.json", "--skip-contracts", "--no-lineage-emission"],
        cwd=folder, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return folder


class Listener:
    """Hears each model's quality results (what the lineage observer reads)."""

    def __init__(self) -> None:
        self.heard: list[Any] = []

    def started(self, info: Any) -> None:
        pass

    def succeeded(self, info: Any) -> None:
        pass

    def failed(self, info: Any, error: str) -> None:
        pass

    def checked(self, info: Any) -> None:
        self.heard.append(info)


@pytest.fixture(scope="module")
def quality_run(quality_shop: Path) -> tuple[Any, Any, Any, Listener]:
    from floe_orchestrator_dagster import _definitions
    from floe_orchestrator_dagster._lineage import LineageGateway
    from floe_orchestrator_dagster._lineage_settings import LineageSettings
    from floe_orchestrator_dagster._schedules import ScheduleBook

    listener = Listener()
    defs = _definitions.create_definitions(
        None,
        quality_shop / "compiled_artifacts.json",
        schedules=ScheduleBook(),
        lineage=LineageGateway(LineageSettings(enabled=False)),
        observers=[listener],
    )
    instance = dg.DagsterInstance.ephemeral()
    result = defs.resolve_job_def("shop_analytics_job").execute_in_process(
        instance=instance, raise_on_error=False
    )
    return defs, instance, result, listener


def evaluations(result: Any) -> dict[str, Any]:
    return {
        e.event_specific_data.check_name: e.event_specific_data
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
    }


def test_the_plugins_results_are_the_asset_checks_results(quality_run):
    _, _, result, _ = quality_run
    found = evaluations(result)
    assert found["order_id_not_null"].passed
    assert not found["amount_at_most_50"].passed
    assert found["amount_at_most_50"].severity == dg.AssetCheckSeverity.WARN
    assert found["amount_at_most_50"].metadata["floe/records_failed"].value == 1  # 99.9
    assert found["amount_at_most_50"].metadata["floe/records_checked"].value == 4
    assert not found["at_least_five_customers"].passed
    assert found["at_least_five_customers"].severity == dg.AssetCheckSeverity.ERROR


def test_a_failing_critical_check_is_blocking_and_fails_the_run(quality_run):
    defs, _, result, _ = quality_run
    specs = {s.name: s.blocking for c in defs.asset_checks or [] for s in c.check_specs}
    assert specs["at_least_five_customers"] is True
    assert specs["amount_at_most_50"] is False
    assert not result.success
    failures = [e.step_key for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert failures == ["floe_quality_duckdb"]


def test_each_models_score_is_its_asset_metadata(quality_run):
    _, _, result, _ = quality_run
    scores = {
        e.asset_key.to_user_string(): e.event_specific_data.asset_observation.metadata
        for e in result.all_events
        if e.event_type_value == "ASSET_OBSERVATION"
    }
    assert set(scores) == {"fct_orders", "stg_customers"}
    fct = scores["fct_orders"]
    assert 0 < fct["floe/quality_score"].value < 100
    assert fct["floe/quality_checks_passed"].value == 1
    assert fct["floe/quality_checks_failed"].value == 1
    assert scores["stg_customers"]["floe/quality_checks_failed"].value == 1


def test_the_products_score_is_recorded_after_the_run(quality_run):
    defs, instance, result, _ = quality_run
    sensor = defs.resolve_sensor_def("shop_analytics_quality_score_on_failure")
    failure = next(e for e in result.all_events if e.event_type_value == "PIPELINE_FAILURE")
    sensor(
        dg.build_run_status_sensor_context(
            sensor_name=sensor.name,
            dagster_event=failure,
            dagster_instance=instance,
            dagster_run=result.dagster_run,
        )
    )
    tags = instance.get_run_by_id(result.run_id).tags
    assert 0 < float(tags["floe/quality_score"]) < 100
    assert tags["floe/quality_checks_failed"] == "2"
    observed = instance.fetch_observations(dg.AssetKey("fct_orders"), limit=10).records
    product = [r.asset_observation.metadata for r in observed if r.run_id != result.run_id]
    assert product[0]["floe/product_quality_score"].value == float(tags["floe/quality_score"])


def test_observers_get_the_plugins_data_quality_assertions_facet(quality_run):
    _, _, _, listener = quality_run
    facets = {info.model: info.quality.facets for info in listener.heard}
    assertions = facets["fct_orders"]["dataQualityAssertions"]["assertions"]
    assert {(a["assertion"], a["success"]) for a in assertions} == {
        ("order_id_not_null", True),
        ("amount_at_most_50", False),
    }
