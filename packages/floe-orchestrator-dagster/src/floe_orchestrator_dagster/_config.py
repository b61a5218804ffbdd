"""The plugin's configuration model: what ``plugins.orchestrator.config`` in manifest.yaml may set.

Each capability owns one section, defined beside its code; this module only composes them. The
model forbids unknown keys so that a typo in manifest.yaml is an error naming the key, not a
silently ignored setting.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from floe_orchestrator_dagster._compute_targets import ComputeTarget
from floe_orchestrator_dagster._connection import ConnectionSettings
from floe_orchestrator_dagster._deploy_settings import DeploySettings
from floe_orchestrator_dagster._freshness_settings import FreshnessSettings
from floe_orchestrator_dagster._lineage_settings import LineageSettings
from floe_orchestrator_dagster._retry_settings import RetrySettings
from floe_orchestrator_dagster._schedule_settings import ScheduleSettings


class DagsterPluginConfig(BaseModel):
    """Configuration of the Dagster orchestrator plugin.

    Examples:
        >>> DagsterPluginConfig.model_validate({"connection": {"url": "http://dagster:3000"}})
        DagsterPluginConfig(...)
    """

    # defer_build: the validators are built on first use, not when the plugin is loaded (NFR-001)
    # hide_input_in_errors: pydantic prints each error's input, and the outermost model decides;
    # a typo'd key (connection.auth_tokn: <token>) or a section of the wrong type would print
    # the secret in it. The messages still name the field and what is wrong.
    model_config = ConfigDict(
        extra="forbid", frozen=True, defer_build=True, hide_input_in_errors=True
    )

    project_dir: Path | None = Field(
        default=None,
        description=(
            "The data product's dbt project folder. Defaults to the folder of the "
            "compiled_artifacts.json file when the artifacts are given as a path."
        ),
    )
    compute_targets: dict[str, str | ComputeTarget] | None = Field(
        default=None,
        description=(
            "Compute targets the platform defines beyond the compiled profile: a target name "
            "of the compiled profile ({spark: prod_spark}), a whole dbt output ({analytics: "
            "{output: {type: duckdb, path: analytics.duckdb}}}), or a floe compute plugin to ask "
            "for one ({analytics: {plugin: duckdb, config: {path: analytics.duckdb}}})."
        ),
    )
    connection: ConnectionSettings = Field(default_factory=ConnectionSettings)
    lineage: LineageSettings = Field(default_factory=LineageSettings)
    deploy: DeploySettings = Field(default_factory=DeploySettings)
    schedule: ScheduleSettings = Field(default_factory=ScheduleSettings)
    retry: RetrySettings = Field(default_factory=RetrySettings)
    freshness: FreshnessSettings = Field(default_factory=FreshnessSettings)
    default_schedule: str | None = Field(
        default=None,
        description=(
            "Cron expression of the product's schedule, as floe's upstream manifests set it; "
            "the same as schedule.cron."
        ),
    )
