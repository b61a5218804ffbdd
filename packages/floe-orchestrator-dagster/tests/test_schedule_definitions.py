"""Schedules reach the Definitions ``DagsterOrchestratorPlugin.create_definitions`` returns."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import dagster as dg

from floe_dagster_core.testing import compiled_artifacts
from floe_orchestrator_dagster import DagsterOrchestratorPlugin, DagsterPluginConfig

JOB = "shop_analytics_job"


def artifacts(orchestrator_config: dict[str, Any] | None = None) -> dict[str, Any]:
    """CompiledArtifacts as floe-core 0.1.0a1's compiler writes them, two models."""
    return compiled_artifacts(
        {"name": "stg_orders", "depends_on": ["raw_orders"]},
        {"name": "fct_orders", "depends_on": ["stg_orders"]},
        orchestrator_config=orchestrator_config,
    )


def schedules_of(definitions: Any) -> dict[str, dg.ScheduleDefinition]:
    repository = definitions.get_repository_def()
    return {schedule.name: schedule for schedule in repository.schedule_defs}


def test_schedule_job_then_create_definitions_gives_the_schedule() -> None:
    plugin = DagsterOrchestratorPlugin()
    plugin.schedule_job(JOB, "0 8 * * *", "America/New_York")
    plugin.schedule_job(JOB, "0 8 * * *", "America/New_York")  # idempotent

    schedules = schedules_of(plugin.create_definitions(artifacts()))

    assert list(schedules) == [f"{JOB}_schedule"]
    schedule = schedules[f"{JOB}_schedule"]
    assert isinstance(schedule, dg.ScheduleDefinition)
    assert schedule.job_name == JOB
    assert schedule.cron_schedule == "0 8 * * *"
    assert schedule.execution_timezone == "America/New_York"
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING


def test_the_upstream_default_schedule_becomes_the_product_schedule() -> None:
    plugin = DagsterOrchestratorPlugin()
    definitions = plugin.create_definitions(artifacts({"default_schedule": "*/10 * * * *"}))
    schedule = schedules_of(definitions)[f"{JOB}_schedule"]
    assert (schedule.cron_schedule, schedule.execution_timezone) == ("*/10 * * * *", "UTC")
    assert definitions.get_repository_def().get_job(JOB).name == JOB


def test_the_floe_yaml_schedule_beside_the_artifacts_file_is_used(tmp_path: Path) -> None:
    (tmp_path / "floe.yaml").write_text(
        "apiVersion: floe.dev/v1\nkind: FloeSpec\n"
        "metadata:\n  name: shop-analytics\n  version: '1.0.0'\n"
        "transforms:\n  - name: stg_orders\n  - name: fct_orders\n"
        "schedule:\n  cron: '0 8 * * *'\n  timezone: America/New_York\n  enabled: false\n"
    )
    path = tmp_path / "compiled_artifacts.json"
    path.write_text(json.dumps(artifacts({"default_schedule": "*/10 * * * *"})))
    plugin = DagsterOrchestratorPlugin()
    plugin.configure(DagsterPluginConfig.model_validate({"schedule": {"timezone": "UTC"}}))
    plugin.schedule_job("audit", "@hourly", "Europe/London")

    schedules = schedules_of(plugin.create_definitions(str(path)))

    product = schedules[f"{JOB}_schedule"]
    assert (product.cron_schedule, product.execution_timezone) == ("0 8 * * *", "America/New_York")
    assert product.default_status == dg.DefaultScheduleStatus.STOPPED
    audit = schedules["audit_schedule"]
    assert (audit.cron_schedule, audit.execution_timezone) == ("0 * * * *", "Europe/London")
