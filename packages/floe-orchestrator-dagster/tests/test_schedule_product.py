"""The product's own schedule: where it is read, which source wins, and the Definitions it gives."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import dagster as dg
import pytest

import floe_dagster_core
from floe_dagster_core import ScheduleSpec
from floe_dagster_core.testing import compiled_artifacts
from floe_orchestrator_dagster import DagsterPluginConfig
from floe_orchestrator_dagster._artifacts import read_artifacts
from floe_orchestrator_dagster._schedules import ScheduleBook

JOB = "shop_analytics_job"


def artifacts(orchestrator_config: dict[str, Any] | None = None) -> dict[str, Any]:
    """CompiledArtifacts as floe-core 0.1.0a1's compiler writes them, two models."""
    return compiled_artifacts(
        {"name": "stg_orders", "depends_on": ["raw_orders"]},
        {"name": "fct_orders", "depends_on": ["stg_orders"]},
        orchestrator_config=orchestrator_config,
    )


def config(**settings: Any) -> DagsterPluginConfig:
    return DagsterPluginConfig.model_validate(settings)


def write_product(folder: Path, schedule_block: str, orchestrator: dict[str, Any] | None) -> Path:
    """A product folder: floe.yaml with ``schedule_block`` and compiled_artifacts.json."""
    (folder / "floe.yaml").write_text(
        "apiVersion: floe.dev/v1\nkind: FloeSpec\n"
        "metadata:\n  name: shop-analytics\n  version: '1.0.0'\n"
        "transforms:\n  - name: stg_orders\n  - name: fct_orders\n" + schedule_block
    )
    path = folder / "compiled_artifacts.json"
    path.write_text(json.dumps(artifacts(orchestrator)))
    return path


def product(
    settings: DagsterPluginConfig, found: dict[str, Any], path: Path | None = None
) -> list[ScheduleSpec]:
    return ScheduleBook().specs_for(settings, loaded(found, path))


def loaded(found: dict[str, Any], path: Path | None = None) -> Any:
    """The validated artifacts, as if read from ``path``."""
    return dataclasses.replace(read_artifacts(found), path=path)


def test_no_cron_anywhere_means_no_product_schedule(tmp_path: Path) -> None:
    path = write_product(tmp_path, "", None)
    assert product(config(), artifacts(), path) == []
    assert product(config(schedule={"timezone": "Europe/London"}), artifacts(), None) == []


def test_the_upstream_default_schedule_in_the_artifacts_is_used() -> None:
    found = artifacts({"default_schedule": "*/10 * * * *"})
    assert product(config(), found) == [ScheduleSpec(JOB, "*/10 * * * *", "UTC")]


def test_the_artifacts_schedule_block_beats_their_default_schedule() -> None:
    found = artifacts(
        {
            "default_schedule": "*/10 * * * *",
            "schedule": {"cron": "0 6 * * *", "timezone": "Asia/Tokyo", "enabled": False},
        }
    )
    assert product(config(), found) == [ScheduleSpec(JOB, "0 6 * * *", "Asia/Tokyo", False)]


def test_the_plugin_config_beats_the_artifacts() -> None:
    found = artifacts({"default_schedule": "*/10 * * * *"})
    assert product(config(default_schedule="0 5 * * *"), found) == [
        ScheduleSpec(JOB, "0 5 * * *", "UTC")
    ]
    settings = config(default_schedule="0 5 * * *", schedule={"cron": "0 7 * * *"})
    assert product(settings, found) == [ScheduleSpec(JOB, "0 7 * * *", "UTC")]


def test_a_config_time_zone_applies_to_its_default_schedule() -> None:
    settings = config(default_schedule="0 5 * * *", schedule={"timezone": "Europe/London"})
    assert product(settings, artifacts()) == [ScheduleSpec(JOB, "0 5 * * *", "Europe/London")]


def test_floe_yaml_beats_the_plugin_config_and_the_artifacts(tmp_path: Path) -> None:
    path = write_product(
        tmp_path,
        "schedule:\n  cron: '0 8 * * *'\n  timezone: America/New_York\n",
        {"default_schedule": "*/10 * * * *"},
    )
    settings = config(schedule={"cron": "0 7 * * *", "timezone": "Europe/London"})
    found = json.loads(path.read_text())
    assert product(settings, found, path) == [ScheduleSpec(JOB, "0 8 * * *", "America/New_York")]


def test_floe_yaml_without_cron_still_sets_time_zone_and_enabled(tmp_path: Path) -> None:
    path = write_product(
        tmp_path,
        "schedule:\n  timezone: Australia/Sydney\n  enabled: false\n",
        {"default_schedule": "0 2 * * *"},
    )
    found = json.loads(path.read_text())
    assert product(config(), found, path) == [
        ScheduleSpec(JOB, "0 2 * * *", "Australia/Sydney", enabled=False)
    ]


def test_floe_yaml_is_also_found_in_the_project_dir(tmp_path: Path) -> None:
    write_product(tmp_path, "schedule:\n  cron: '@daily'\n", None)
    settings = config(project_dir=str(tmp_path))
    assert product(settings, artifacts(), None) == [ScheduleSpec(JOB, "0 0 * * *", "UTC")]


def test_an_invalid_cron_names_where_it_was_read(tmp_path: Path) -> None:
    path = write_product(tmp_path, "schedule:\n  cron: '0 8 * *'\n", None)
    with pytest.raises(ValueError, match="product schedule's cron") as caught:
        product(config(), artifacts(), path)
    message = str(caught.value)
    assert message.startswith(
        f"The product schedule's cron (schedule.cron in {tmp_path / 'floe.yaml'}) is invalid. "
        "Invalid cron expression '0 8 * *': it has 4 fields"
    )
    assert "Example: '0 8 * * *'" in message


def test_an_invalid_time_zone_in_the_artifacts_names_where_it_was_read() -> None:
    found = artifacts({"schedule": {"cron": "0 8 * * *", "timezone": "America/NewYork"}})
    with pytest.raises(ValueError, match="did you mean 'America/New_York'") as caught:
        product(config(), found)
    assert str(caught.value).startswith(
        "The product schedule's time zone (schedule.timezone in the compiled artifacts' "
        "plugins.orchestrator.config) is invalid. Unknown time zone 'America/NewYork'"
    )


def test_a_non_boolean_enabled_is_refused() -> None:
    found = artifacts({"schedule": {"cron": "0 8 * * *", "enabled": "no"}})
    with pytest.raises(ValueError, match=r"enabled .* must be true or false, got 'no'"):
        product(config(), found)


def test_a_typo_in_the_floe_yaml_schedule_names_the_key(tmp_path: Path) -> None:
    path = write_product(tmp_path, "schedule:\n  crn: '0 8 * * *'\n", None)
    with pytest.raises(ValueError, match=r"Invalid schedule in .*floe\.yaml: schedule\.crn: Extra"):
        product(config(), artifacts(), path)


def test_unreadable_floe_yaml_is_reported(tmp_path: Path) -> None:
    path = write_product(tmp_path, "schedule: [unclosed\n", None)
    with pytest.raises(ValueError, match=r"Cannot read the product schedule from .*floe\.yaml"):
        product(config(), artifacts(), path)


def test_schedule_job_for_the_product_job_replaces_the_product_schedule() -> None:
    book = ScheduleBook()
    book.add("audit", "0 1 * * *", "UTC")
    book.add(JOB, "0 9 * * *", "Europe/London")
    found = artifacts({"default_schedule": "*/10 * * * *"})
    assert book.specs_for(config(), loaded(found)) == [
        ScheduleSpec(JOB, "0 9 * * *", "Europe/London"),
        ScheduleSpec("audit", "0 1 * * *", "UTC"),
    ]


def test_the_specs_become_schedule_definitions_in_core_create_definitions(tmp_path: Path) -> None:
    """With floe-dagster-core's create_definitions: the product job gets the product schedule."""
    path = write_product(
        tmp_path,
        "schedule:\n  cron: '0 8 * * *'\n  timezone: America/New_York\n  enabled: false\n",
        None,
    )
    book = ScheduleBook()
    book.add("audit", "@hourly", "Europe/London")
    found = json.loads(path.read_text())
    definitions = floe_dagster_core.create_definitions(
        found, schedules=book.specs_for(config(), loaded(found, path)), assets="per_transform"
    )
    repository = definitions.get_repository_def()
    product_schedule = repository.get_schedule_def(f"{JOB}_schedule")
    assert isinstance(product_schedule, dg.ScheduleDefinition)
    assert product_schedule.job_name == JOB
    assert product_schedule.cron_schedule == "0 8 * * *"
    assert product_schedule.execution_timezone == "America/New_York"
    assert product_schedule.default_status == dg.DefaultScheduleStatus.STOPPED
    audit = repository.get_schedule_def("audit_schedule")
    assert (audit.cron_schedule, audit.execution_timezone) == ("0 * * * *", "Europe/London")
    assert audit.default_status == dg.DefaultScheduleStatus.RUNNING
    assert {job.name for job in repository.get_all_jobs()} >= {JOB, "audit"}
