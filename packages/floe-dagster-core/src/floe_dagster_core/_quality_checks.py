"""floe's quality checks as Dagster asset checks, and the product's quality score after each run.

The checks a ``ModelChecker`` declares become one subsettable ``multi_asset_check`` per compute
target (``floe_quality_<compute>``). Dagster executes it after the models it checks: it reads
their tables through the checker (the dbt step has exited, so the warehouse file is free), yields
one ``AssetCheckResult`` per check, and records the model's quality metadata (its score) as an
``AssetObservation`` of the model. A ``blocking`` check that fails (severity ERROR) stops the
assets downstream of its model in later steps of the run; models built by the same dbt command
as the checked one were built before any check could run (a dbt test with ``severity: error`` is
what gates a model inside one dbt build).

After each run of the product, success or failure, a run-status sensor
(``<product>_quality_score`` / ``<product>_quality_score_on_failure``) gathers the run's results
of these checks, has the checker compute the product's score, and records it on the run (tags
``floe/quality_*``) and as an ``AssetObservation`` of each model checked in the run
(``floe/product_quality_*`` metadata).
"""

# No `from __future__ import annotations`: Dagster reads the check bodies' annotations (the
# context type) at definition time, so they must be objects, not strings.

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, Literal

import dagster as dg

from floe_dagster_core import _specs
from floe_dagster_core._dbt_events import _guarded
from floe_dagster_core._errors import validation_error
from floe_dagster_core._graph import TransformGraph
from floe_dagster_core._model_checks import CheckOutcome, ModelCheck, ModelChecker, QualityInfo
from floe_dagster_core._observer_protocol import AssetRunInfo

#: Metadata key marking a floe quality check's results (the score sensor reads them back).
CHECK_MARKER = "floe/quality_check"


def build_quality_checks(
    checker: ModelChecker,
    graph: TransformGraph,
    *,
    default_compute: str,
    manifest: Mapping[str, Any] | None = None,
    observers: Sequence[Any] = (),
) -> list[Any]:
    """One ``multi_asset_check`` per compute target holding the checks ``checker`` declares.

    Raises:
        pydantic.ValidationError: A check names a model that is not a transform of the product.
    """
    declared = list(checker.checks())
    models = _manifest_models(manifest)
    by_compute: dict[str, list[ModelCheck]] = {}
    for index, check in enumerate(declared):
        transform = graph.by_name.get(check.model)
        if transform is None:
            raise validation_error(
                "CompiledArtifacts",
                "quality_check_model",
                f"Quality check {check.name!r} is declared on {check.model!r}, which is not a "
                "transform of the product. Declare it on one of the transforms in floe.yaml.",
                ("transforms", "models", index, "quality_checks"),
                check.model,
            )
        by_compute.setdefault(transform.compute or default_compute, []).append(check)
    relations = {
        name: _relation(name, models.get(name), graph.by_name[name].schema_name)
        for name in {check.model for check in declared}
    }
    return [
        _target_checks(compute, checks, checker, relations, tuple(observers))
        for compute, checks in sorted(by_compute.items())
    ]


def _manifest_models(manifest: Mapping[str, Any] | None) -> dict[str, Mapping[str, Any]]:
    nodes = (manifest or {}).get("nodes", {}).values()
    return {node["name"]: node for node in nodes if node.get("resource_type") == "model"}


def _relation(name: str, node: Mapping[str, Any] | None, schema: str) -> dict[str, Any]:
    """Where the model's table is, as far as known before the run (no database: the target's)."""
    if node is None:
        return {"schema": schema or None, "alias": name}
    config = node.get("config") or {}
    return {
        "database": config.get("database"),
        "schema": node.get("schema"),
        "alias": node.get("alias") or name,
    }


def _target_checks(
    compute: str,
    checks: list[ModelCheck],
    checker: ModelChecker,
    relations: Mapping[str, Mapping[str, Any]],
    observers: tuple[Any, ...],
) -> Any:
    declared = {(check.model, check.name): check for check in checks}
    specs = [
        dg.AssetCheckSpec(
            check.name,
            asset=dg.AssetKey(_specs.key_path(check.model)),
            description=check.description or None,
            blocking=check.blocking,
            metadata={CHECK_MARKER: True},
        )
        for check in checks
    ]

    @dg.multi_asset_check(
        specs=specs,
        name=f"floe_quality_{_specs.resource_key(compute)[4:]}",
        can_subset=True,
        description=f"floe quality checks of the models on compute target {compute}.",
    )
    def _check(context: dg.AssetCheckExecutionContext) -> Any:
        wanted: dict[str, list[ModelCheck]] = {}
        for key in sorted(context.selected_asset_check_keys, key=str):
            model = key.asset_key.path[-1]
            wanted.setdefault(model, []).append(declared[(model, key.name)])
        run = context.run
        for model, model_checks in wanted.items():
            info = AssetRunInfo(
                asset_key="/".join(_specs.key_path(model)),
                model=model,
                upstream=(),
                run_id=run.run_id,
                job_name=run.job_name or "",
                compute=compute,
                metadata={},
                relation=relations.get(model),
                attempt=int(context.op_execution_context.retry_number) + 1,
                root_run_id=run.root_run_id,
            )
            quality = _run(checker, info, model_checks)
            yield from _results(model, model_checks, quality)
            if quality.metadata:
                context.op_execution_context.log_event(
                    dg.AssetObservation(
                        asset_key=dg.AssetKey(_specs.key_path(model)),
                        metadata=_plain(quality.metadata),
                    )
                )
            checked = replace(info, quality=quality)
            for observer in observers:
                _guarded(observer, "checked", checked)

    return _check


def _run(checker: ModelChecker, info: AssetRunInfo, checks: list[ModelCheck]) -> QualityInfo:
    """The checker's results; a checker that raises fails every check of the model, saying why."""
    try:
        return checker.run(info, checks)
    except Exception as error:  # noqa: BLE001 - reported as the checks' failure, with the cause
        message = (
            f"the quality checks of model {info.model!r} could not run: "
            f"{type(error).__name__}: {error}"
        )
        return QualityInfo(
            [CheckOutcome(c.name, False, "error", message) for c in checks],
            metadata={},
        )


def _results(model: str, checks: list[ModelCheck], quality: QualityInfo) -> Any:
    outcomes = {outcome.name: outcome for outcome in quality.outcomes}
    for check in checks:
        outcome = outcomes.get(check.name) or CheckOutcome(
            check.name,
            False,
            "error",
            f"the quality plugin returned no result for check {check.name!r} of model "
            f"{model!r}; see the step's logs",
        )
        yield dg.AssetCheckResult(
            asset_key=dg.AssetKey(_specs.key_path(model)),
            check_name=check.name,
            passed=outcome.passed,
            severity=(
                dg.AssetCheckSeverity.ERROR
                if outcome.severity == "error"
                else dg.AssetCheckSeverity.WARN
            ),
            description=outcome.description or None,
            metadata=_plain({**check.metadata, **outcome.metadata, CHECK_MARKER: True}),
        )


def _plain(metadata: Mapping[str, Any]) -> dict[str, Any]:
    """Metadata Dagster takes as is: no None values."""
    return {key: value for key, value in metadata.items() if value is not None}


def build_score_sensors(checker: ModelChecker, job_name: str) -> list[Any]:
    """The two run-status sensors recording the product's quality score (module docstring)."""
    base = job_name[: -len("_job")] if job_name.endswith("_job") else job_name

    def record(context: Any) -> Any:
        return _record_product_score(checker, context)

    sensors = []
    for status, name in (
        (dg.DagsterRunStatus.SUCCESS, f"{base}_quality_score"),
        (dg.DagsterRunStatus.FAILURE, f"{base}_quality_score_on_failure"),
    ):
        sensors.append(
            dg.run_status_sensor(
                run_status=status,
                name=name,
                description=(
                    "Computes the product's quality score from the floe quality checks of each "
                    "finished run, and records it on the run and its checked assets."
                ),
                default_status=dg.DefaultSensorStatus.RUNNING,
            )(record)
        )
    return sensors


def _record_product_score(checker: ModelChecker, context: Any) -> Any:
    run = context.dagster_run
    outcomes = run_outcomes(context.instance, run.run_id)
    if not outcomes:
        return dg.SkipReason(f"run {run.run_id} executed no floe quality check")
    summary = _plain(checker.summarize(outcomes))
    if not summary:
        return dg.SkipReason(f"the quality plugin gave no product score for run {run.run_id}")
    context.instance.add_run_tags(
        run.run_id,
        {_tag_key(key): _tag_value(value) for key, value in summary.items()},
    )
    product = {_product_key(key): value for key, value in summary.items()}
    product["floe/product_quality_run"] = run.run_id
    for model in sorted(outcomes):
        context.instance.report_runless_asset_event(
            dg.AssetObservation(asset_key=dg.AssetKey(_specs.key_path(model)), metadata=product)
        )
    return None


def run_outcomes(instance: Any, run_id: str) -> dict[str, list[CheckOutcome]]:
    """The floe quality check results of a run, by model (the latest result of each check)."""
    records = instance.all_logs(run_id, of_type={dg.DagsterEventType.ASSET_CHECK_EVALUATION})
    latest: dict[tuple[str, str], CheckOutcome] = {}
    for record in records:
        evaluation: Any = record.dagster_event.event_specific_data if record.dagster_event else None
        if evaluation is None:
            continue
        metadata = {k: getattr(v, "value", v) for k, v in (evaluation.metadata or {}).items()}
        if not metadata.get(CHECK_MARKER):
            continue
        severity: Literal["error", "warn"] = (
            "error" if evaluation.severity == dg.AssetCheckSeverity.ERROR else "warn"
        )
        model = evaluation.asset_key.path[-1]
        latest[(model, evaluation.check_name)] = CheckOutcome(
            evaluation.check_name,
            bool(evaluation.passed),
            severity,
            str(evaluation.description or ""),
            {k: v for k, v in metadata.items() if k != CHECK_MARKER},
        )
    found: dict[str, list[CheckOutcome]] = {}
    for (model, _), outcome in sorted(latest.items()):
        found.setdefault(model, []).append(outcome)
    return found


def _tag_key(key: str) -> str:
    return key if key.startswith("floe/") else f"floe/{key}"


def _product_key(key: str) -> str:
    name = key.split("/", 1)[1] if key.startswith("floe/") else key
    return f"floe/product_{name}"


def _tag_value(value: Any) -> str:
    import json

    return value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)
