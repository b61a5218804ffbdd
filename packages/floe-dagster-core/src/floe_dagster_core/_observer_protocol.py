"""The observer protocol: how code outside core learns that an asset started, succeeded or failed.

Core knows nothing of lineage or telemetry; the facade hands ``create_definitions`` observers (for
example an adapter that emits OpenLineage events) and core's asset bodies call them from dbt's
event stream, as soon as dbt reports it, once per dbt model: ``started`` when the model begins,
then ``succeeded`` or ``failed``, with dbt's own timing. An observer may also define
``step_started(step)`` and ``step_finished(step, success)``, called around each dbt step in the
run process (``StepObserver``), and ``checked(info)`` once floe's quality checks of a model ran
(``info.quality``; see ``_model_checks``). An observer must never raise; core guards each call
anyway and logs a warning if one does.

Retries: ``attempt`` counts the attempts of the Dagster step within its run (1, 2...), and
``root_run_id`` names the first run of a re-execution chain ("re-execute from failure"), so an
observer can present a retry as a new attempt of the same product run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from floe_dagster_core._model_checks import QualityInfo


@dataclass(frozen=True)
class AssetRunInfo:
    """One asset's execution inside one Dagster run.

    Attributes:
        asset_key: The asset key as a slash-joined string (e.g. ``"marts/fct_orders"``).
        model: The dbt model / floe transform name (e.g. ``"fct_orders"``).
        upstream: Asset keys (slash-joined) this asset reads from, sources included.
        run_id: The Dagster run id.
        job_name: The Dagster job name.
        compute: The compute target (dbt target) the model runs on.
        metadata: Extra facts (schema, database, materialization, columns when known).
        started_at: When dbt started the model (ISO 8601, UTC), when dbt said so.
        finished_at: When dbt finished it (on ``succeeded`` / ``failed``).
        execution_time: dbt's own execution time of the model, in seconds.
        status: dbt's status of the node (``success``, ``error``...), when finished.
        adapter_response: dbt's adapter response (e.g. ``rows_affected``), when dbt sent it.
        relation: Where dbt built the model, as dbt reports it for this run (``database``,
            ``schema``, ``alias``, ``relation_name``), on the compute target it ran on.
        attempt: The attempt of the Dagster step that runs the model (1 for the first, 2 for
            its first retry...).
        root_run_id: The first run of the re-execution chain this run belongs to (Dagster's
            ``root_run_id``); None when the run is not a re-execution.
        quality: The results of floe's quality checks of the model (on ``checked`` only).
    """

    asset_key: str
    model: str
    upstream: Sequence[str]
    run_id: str
    job_name: str
    compute: str
    metadata: Mapping[str, Any] = field(default_factory=dict)
    started_at: str | None = None
    finished_at: str | None = None
    execution_time: float | None = None
    status: str | None = None
    adapter_response: Mapping[str, Any] | None = None
    relation: Mapping[str, Any] | None = None
    attempt: int = 1
    root_run_id: str | None = None
    quality: QualityInfo | None = None
    compiled_sql: str | None = None
    invocation_id: str | None = None


@dataclass(frozen=True)
class DbtTestResult:
    """One dbt test of a model, as dbt ran it in this step.

    Attributes:
        name: The test's name (``unique_dim_customers_customer_id``).
        assertion: The generic test (``unique``, ``not_null``...) or the test's name.
        column: The column it tests, if any.
        severity: ``error`` or ``warn``, as configured.
        status: dbt's status (``pass``, ``fail``, ``warn``, ``error``, ``skipped``).
        success: Whether the test passed.
        started_at: When dbt started it (ISO 8601, UTC).
        finished_at: When dbt finished it.
        failures: How many rows failed it, when dbt said.
    """

    name: str
    assertion: str
    column: str | None
    severity: str
    status: str
    success: bool
    started_at: str | None = None
    finished_at: str | None = None
    failures: int | None = None


@dataclass(frozen=True)
class StepInfo:
    """One dbt step (one Dagster step running one dbt command) inside one Dagster run.

    Attributes:
        run_id: The Dagster run id.
        job_name: The Dagster job name.
        step_key: The Dagster step key.
        compute: The compute target the step's dbt command runs on.
        models: The dbt models the step selected (asset keys, slash-joined).
        attempt: The step's attempt number (1 for the first, more on retries).
        run_started_at: When the Dagster run started (seconds since the epoch), if known.
        root_run_id: The first run of the re-execution chain (None: not a re-execution).
        reused: The models whose materializations from earlier attempts (of this run, or of the
            failed runs this run re-executes) stand: dbt does not build them again.
    """

    run_id: str
    job_name: str
    step_key: str
    compute: str
    models: Sequence[str]
    attempt: int = 1
    run_started_at: float | None = None
    root_run_id: str | None = None
    reused: Sequence[str] = ()


@runtime_checkable
class AssetObserver(Protocol):
    """Receives the start and end of every asset execution."""

    def started(self, info: AssetRunInfo) -> None:
        """The asset's dbt model started."""

    def succeeded(self, info: AssetRunInfo) -> None:
        """The asset's dbt model finished successfully."""

    def failed(self, info: AssetRunInfo, error: str) -> None:
        """The asset's dbt model failed; ``error`` is dbt's message."""


@runtime_checkable
class DbtTestObserver(Protocol):
    """Optionally, an observer also hears of each model's dbt tests, once the step has run them."""

    def tests_finished(self, info: AssetRunInfo, tests: Sequence[DbtTestResult]) -> None:
        """dbt ran ``tests`` of the model ``info`` in this step (called when the step ends)."""


@runtime_checkable
class StepObserver(Protocol):
    """Optionally, an observer also hears of each dbt step (e.g. to open and export a span)."""

    def step_started(self, step: StepInfo) -> None:
        """A dbt step starts, in the run process, before dbt runs."""

    def step_finished(self, step: StepInfo, success: bool) -> None:
        """The dbt step ended (dbt has exited); ``success`` is whether every model succeeded."""


@runtime_checkable
class QualityObserver(Protocol):
    """Optionally, an observer also hears of the quality checks of each model (e.g. for lineage)."""

    def checked(self, info: AssetRunInfo) -> None:
        """floe's quality checks of ``info.model`` ran; ``info.quality`` holds their results."""
