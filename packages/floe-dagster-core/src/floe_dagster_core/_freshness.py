"""dbt source freshness as Dagster asset checks on the source assets.

Every dbt source with a ``freshness`` block (a ``warn_after`` or ``error_after`` threshold) and a
``loaded_at_field`` gets an asset check ``dbt_source_freshness`` on its asset
(``[source_name, table]``). One ``multi_asset_check`` holds them all; it runs ``dbt source
freshness --select source:<name>.<table> ...`` on the product's default compute target and reads
dbt's own verdict from ``sources.json``: ``pass`` passes, ``warn`` (past ``warn_after``) fails
with severity WARN, ``error`` (past ``error_after``) and ``runtime error`` fail with severity
ERROR. The thresholds are dbt's, never recomputed here.

When the checks run is the plugin config's choice (``SourceFreshness.evaluate``):

- ``before_run`` (default): the checks are part of the product's job, as blocking checks, so
  Dagster evaluates them before the dbt steps that read the sources; a source past its
  ``error_after`` stops those steps (with ``blocking=False`` they are reported, never waited for);
- ``schedule``: a job of their own (``<product>_source_freshness_job``) on a cron schedule;
- ``sensor``: the same job, requested by a sensor every ``interval_seconds``;
- ``off``: no freshness checks.
"""

# No `from __future__ import annotations`: Dagster reads the check body's annotations (the
# context type) at definition time, so they must be objects, not strings.

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import dagster as dg

from floe_dagster_core import _specs
from floe_dagster_core._dbt_args import selection_args
from floe_dagster_core._parse_state import per_target_state
from floe_dagster_core._retry import target_path_for

logger = logging.getLogger("floe_dagster_core")

CHECK_NAME = "dbt_source_freshness"
Evaluate = Literal["before_run", "schedule", "sensor", "off"]


@dataclass(frozen=True)
class SourceFreshness:
    """When and how dbt source freshness is checked.

    Attributes:
        evaluate: ``before_run`` (in the product's job, before its dbt steps), ``schedule``,
            ``sensor`` or ``off``.
        blocking: In ``before_run``, a source past ``error_after`` stops the dbt steps that read
            it; False only reports it.
        cron: The schedule's cron expression (``schedule``).
        timezone: The schedule's IANA time zone.
        interval_seconds: How often the sensor requests a check run (``sensor``).

    Examples:
        >>> SourceFreshness().evaluate
        'before_run'
    """

    evaluate: Evaluate = "before_run"
    blocking: bool = True
    cron: str | None = None
    timezone: str = "UTC"
    interval_seconds: int = 3600


@dataclass
class FreshnessDefinitions:
    """What ``build_freshness`` adds to the Definitions.

    Attributes:
        checks: The asset checks definitions (none when no source declares freshness).
        in_product_job: Whether the product's jobs must select them (``before_run``).
        jobs: The freshness job (``schedule`` / ``sensor``).
        schedules: Its schedule.
        sensors: Its sensor.
    """

    checks: list[Any] = field(default_factory=list)
    in_product_job: bool = False
    jobs: list[Any] = field(default_factory=list)
    schedules: list[Any] = field(default_factory=list)
    sensors: list[Any] = field(default_factory=list)


def watched_sources(manifest: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The manifest's sources with a freshness threshold and a ``loaded_at_field``."""
    found = []
    for node in manifest.get("sources", {}).values():
        rules = _rules(node)
        if not rules:
            continue
        if not (node.get("loaded_at_field") or (node.get("config") or {}).get("loaded_at_field")):
            logger.warning(
                "dbt source %s.%s declares freshness but no loaded_at_field, so floe does not "
                "check it; set loaded_at_field on the source in its sources.yml.",
                node.get("source_name"),
                node.get("name"),
            )
            continue
        found.append(node)
    return sorted(found, key=lambda node: str(node["unique_id"]))


def _rules(node: Mapping[str, Any]) -> dict[str, str]:
    """``{"warn_after": "12 hours", ...}``: the thresholds the source sets."""
    freshness = node.get("freshness") or (node.get("config") or {}).get("freshness") or {}
    rules = {}
    for level in ("warn_after", "error_after"):
        rule = freshness.get(level) or {}
        if rule.get("count") and rule.get("period"):
            rules[level] = f"{rule['count']} {rule['period']}(s)"
    return rules


def build_freshness(
    manifest: Mapping[str, Any],
    settings: SourceFreshness,
    *,
    compute: str,
    job_name: str,
) -> FreshnessDefinitions:
    """The freshness checks of ``manifest``'s sources and what evaluates them (module docstring).

    Args:
        manifest: The dbt manifest.
        settings: When the checks run.
        compute: The compute target whose dbt resource runs ``dbt source freshness``.
        job_name: The product's job name (``<product>_job``), the freshness job's stem.
    """
    sources = watched_sources(manifest) if settings.evaluate != "off" else []
    if not sources:
        return FreshnessDefinitions()
    blocking = settings.evaluate == "before_run" and settings.blocking
    checks = _freshness_checks(sources, compute, blocking=blocking)
    if settings.evaluate == "before_run":
        return FreshnessDefinitions([checks], in_product_job=True)
    base = job_name[: -len("_job")] if job_name.endswith("_job") else job_name
    job = dg.define_asset_job(
        f"{base}_source_freshness_job",
        dg.AssetSelection.checks(checks),
        description="Evaluates the dbt source freshness checks of the product's sources.",
    )
    result = FreshnessDefinitions([checks], jobs=[job])
    if settings.evaluate == "schedule":
        result.schedules.append(
            dg.ScheduleDefinition(
                name=f"{base}_source_freshness_schedule",
                job=job,
                cron_schedule=settings.cron or "0 * * * *",
                execution_timezone=settings.timezone,
                default_status=dg.DefaultScheduleStatus.RUNNING,
            )
        )
    else:

        def request(context: dg.SensorEvaluationContext) -> Any:
            return dg.RunRequest()

        result.sensors.append(
            dg.sensor(
                name=f"{base}_source_freshness_sensor",
                job=job,
                minimum_interval_seconds=settings.interval_seconds,
                default_status=dg.DefaultSensorStatus.RUNNING,
                description="Requests a run of the source freshness checks at a fixed interval.",
            )(request)
        )
    return result


def _freshness_checks(sources: list[Mapping[str, Any]], compute: str, *, blocking: bool) -> Any:
    resource_key = _specs.resource_key(compute)
    by_key = {}
    specs = []
    for node in sources:
        key = dg.AssetKey([node["source_name"], node["name"]])
        by_key[key] = node
        rules = ", ".join(f"{level.replace('_', ' ')} {n}" for level, n in _rules(node).items())
        specs.append(
            dg.AssetCheckSpec(
                CHECK_NAME,
                asset=key,
                blocking=blocking,
                description=f"dbt source freshness: {rules}.",
            )
        )

    @dg.multi_asset_check(
        specs=specs,
        name=f"dbt_source_freshness_{resource_key[4:]}",
        can_subset=True,
        required_resource_keys={resource_key},
        description="dbt source freshness of the product's sources, with dbt's thresholds.",
    )
    def _check(context: dg.AssetCheckExecutionContext) -> Any:
        keys = sorted(context.selected_asset_check_keys, key=str)
        nodes = [by_key[key.asset_key] for key in keys]
        dbt = getattr(context.resources, resource_key)
        selectors = [f"source:{n['source_name']}.{n['name']}" for n in nodes]
        target_path = target_path_for(context.op_execution_context)
        with per_target_state(dbt, target_path):
            invocation = dbt.cli(
                ["source", "freshness", *selection_args("--select", selectors)],
                raise_on_error=False,
                target_path=target_path,
            )
            invocation.wait()
        results = _results_by_id(invocation)
        for node in nodes:
            yield _check_result(node, results.get(str(node["unique_id"])), invocation)

    return _check


def _results_by_id(invocation: Any) -> dict[str, Mapping[str, Any]]:
    try:
        document = invocation.get_artifact("sources.json")
    except Exception:  # noqa: BLE001 - dbt failed before writing it; each check says so
        return {}
    return {str(r.get("unique_id")): r for r in document.get("results") or []}


def _check_result(
    node: Mapping[str, Any], result: Mapping[str, Any] | None, invocation: Any
) -> Any:
    key = dg.AssetKey([node["source_name"], node["name"]])
    name = f"{node['source_name']}.{node['name']}"
    if result is None:
        error = _error_of(invocation)
        return dg.AssetCheckResult(
            asset_key=key,
            check_name=CHECK_NAME,
            passed=False,
            severity=dg.AssetCheckSeverity.ERROR,
            description=(
                f"dbt source freshness gave no result for source {name}: {error}. Check that "
                "the source table exists on the compute target and that dbt can connect."
            ),
        )
    status = str(result.get("status") or "")
    metadata: dict[str, Any] = {"dbt/freshness_status": status}
    for field_name in ("max_loaded_at", "snapshotted_at"):
        if result.get(field_name):
            metadata[f"dbt/{field_name}"] = str(result[field_name])
    if result.get("max_loaded_at_time_ago_in_s") is not None:
        metadata["dbt/age_seconds"] = float(result["max_loaded_at_time_ago_in_s"])
    criteria = result.get("criteria") or {}
    metadata["dbt/criteria"] = {k: v for k, v in criteria.items() if v}
    if status == "pass":
        return dg.AssetCheckResult(
            asset_key=key, check_name=CHECK_NAME, passed=True, metadata=metadata
        )
    if status == "warn":
        description = f"source {name} is past its warn_after threshold ({_age(result)} old)"
        severity = dg.AssetCheckSeverity.WARN
    elif status == "error":
        description = f"source {name} is past its error_after threshold ({_age(result)} old)"
        severity = dg.AssetCheckSeverity.ERROR
    else:
        description = (
            f"dbt could not compute the freshness of source {name}: "
            f"{result.get('error') or status}. Check the source's loaded_at_field and table."
        )
        severity = dg.AssetCheckSeverity.ERROR
    return dg.AssetCheckResult(
        asset_key=key,
        check_name=CHECK_NAME,
        passed=False,
        severity=severity,
        description=description,
        metadata=metadata,
    )


def _age(result: Mapping[str, Any]) -> str:
    seconds = float(result.get("max_loaded_at_time_ago_in_s") or 0)
    if seconds >= 86400:
        return f"{seconds / 86400:.1f} days"
    return f"{seconds / 3600:.1f} hours"


def _error_of(invocation: Any) -> str:
    try:
        error = invocation.get_error()
    except Exception:  # noqa: BLE001 - only used to enrich the message
        error = None
    return str(error) if error else "dbt wrote no sources.json"
