"""Running dbt for an asset and telling the observers what each model does, as dbt says it.

dbt's structured log (``DBT_LOG_FORMAT=json``, which dagster-dbt sets) carries a start line and a
result line (``Log*Result``) for every node it runs, in order, with dbt's own timing. ``watch``
reads those raw events on the way to dagster-dbt's own event conversion and turns them into
observer calls (``started`` / ``succeeded`` / ``failed``).

The reading happens on a thread of its own (``floe-dbt-events``): observers hear of a model the
moment dbt reports it, not when Dagster has finished storing the previous model's events, and a
slow observer (a lineage receiver) never holds up the step. The step's own thread takes the same
events, in the same order, from a queue. An interrupt of the step is forwarded to dbt (SIGINT),
as dagster-dbt itself does.

An observer that raises is logged as a warning and ignored. ``step_scope`` tells observers that
define ``step_started`` / ``step_finished`` (``StepObserver``) when a dbt step starts and ends.
"""

from __future__ import annotations

import logging
import queue
import signal
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from floe_dagster_core._errors import dbt_error_text
from floe_dagster_core._observer_protocol import (
    AssetObserver,
    AssetRunInfo,
    DbtTestResult,
    StepInfo,
)

logger = logging.getLogger(__name__)

_FAILED = frozenset({"error", "fail", "runtime error"})
_DONE = object()


class ObserverDispatch:
    """Turns dbt's raw node events into observer calls for one Dagster step."""

    def __init__(
        self,
        observers: Sequence[AssetObserver],
        lookup: Callable[[str], AssetRunInfo | None],
        tests: Mapping[str, Any] | None = None,
    ) -> None:
        self._observers = tuple(observers)
        self._lookup = lookup  # dbt unique_id or model name -> the model's run info, or None
        self._tests = tests or {}  # dbt unique_id of a test -> DbtTestFacts
        self.errors: list[str] = []
        self.built: dict[str, AssetRunInfo] = {}  # the models dbt built, in its order
        self.target_path: Any = None  # the invocation's target folder (compiled SQL is there)
        self._invocation: str | None = None
        self._started: dict[str, AssetRunInfo] = {}
        self._by_model: dict[str, AssetRunInfo] = {}
        self._finished: set[str] = set()
        self._pending: dict[str, tuple[AssetRunInfo, str]] = {}
        self._results: dict[str, list[DbtTestResult]] = {}
        self._test_started: dict[str, str | None] = {}

    def handle(self, raw_event: Mapping[str, Any]) -> None:
        """Look at one raw dbt event; notify observers of model starts and finishes.

        dbt logs ``node_status: started`` when a node begins and a ``Log*Result`` event when it
        ends; a failure's full message comes later, in ``RunResultError``, so ``failed`` waits
        for it (or for the end of the stream).
        """
        info = raw_event.get("info") or {}
        data = raw_event.get("data") or {}
        name = str(info.get("name") or "")
        if info.get("level") == "error" and info.get("msg"):
            self.errors.append(str(info["msg"]))
        if self._invocation is None and info.get("invocation_id"):
            self._invocation = str(info["invocation_id"])
        node = data.get("node_info") or {}
        uid = str(node.get("unique_id") or "")
        if not uid:
            return
        status = str(node.get("node_status") or "").lower()
        if uid in self._tests:
            self._test_event(uid, name, status, node, data)
            return
        if status == "started" and uid not in self._started:
            run_info = self._info(uid, node)
            if run_info is not None:
                run_info = replace(
                    run_info,
                    started_at=_utc(node.get("node_started_at")),
                    relation=_relation(node),
                    invocation_id=self._invocation,
                )
                self._started[uid] = run_info
                self._by_model[run_info.model] = run_info
                self._call("started", run_info)
        elif name.startswith("Log") and name.endswith("Result") and uid not in self._finished:
            run_info = self._started.get(uid) or self._info(uid, node)
            if run_info is None:
                return
            self._finished.add(uid)
            run_info = replace(
                run_info,
                started_at=run_info.started_at or _utc(node.get("node_started_at")),
                finished_at=_utc(node.get("node_finished_at")),
                execution_time=_seconds(data.get("execution_time")),
                status=status or None,
                relation=_relation(node) or run_info.relation,
                invocation_id=run_info.invocation_id or self._invocation,
            )
            self._by_model[run_info.model] = run_info
            if status in _FAILED:
                self._pending[uid] = (run_info, str(info.get("msg") or "dbt reported an error"))
            elif status in ("success", "pass"):
                run_info = replace(run_info, compiled_sql=self._compiled_sql(run_info))
                self.built[run_info.model] = run_info
                self._call("succeeded", run_info)
        elif name == "RunResultError" and uid in self._pending:
            run_info, _ = self._pending.pop(uid)
            self._call("failed", run_info, str(data.get("msg") or info.get("msg") or ""))

    def finish(self) -> None:
        """Report the failures whose detailed message never came, then each model's tests."""
        for run_info, message in self._pending.values():
            self._call("failed", run_info, message)
        self._pending.clear()
        for model, results in self._results.items():
            model_info = self._by_model.get(model) or self._lookup(model)
            if model_info is not None:
                self._call("tests_finished", model_info, tuple(results))
        self._results.clear()

    def _test_event(
        self,
        uid: str,
        name: str,
        status: str,
        node: Mapping[str, Any],
        data: Mapping[str, Any],
    ) -> None:
        facts = self._tests[uid]
        if status == "started":
            self._test_started[uid] = _utc(node.get("node_started_at"))
            return
        if name != "LogTestResult" or not status:
            return
        self._results.setdefault(facts.model, []).append(
            DbtTestResult(
                name=facts.name,
                assertion=facts.assertion,
                column=facts.column,
                severity=facts.severity,
                status=status,
                success=status == "pass",
                started_at=self._test_started.get(uid) or _utc(node.get("node_started_at")),
                finished_at=_utc(node.get("node_finished_at")),
                failures=_count(data.get("num_failures")),
            )
        )

    def _compiled_sql(self, run_info: AssetRunInfo) -> str | None:
        relative = run_info.metadata.get("compiled_path")
        if not relative or self.target_path is None:
            return None
        try:
            from pathlib import Path

            return (Path(self.target_path) / str(relative)).read_text(encoding="utf-8")
        except OSError:
            return None

    def _info(self, uid: str, node: Mapping[str, Any]) -> AssetRunInfo | None:
        return self._lookup(uid) or self._lookup(str(node.get("node_name") or ""))

    def _call(self, method: str, *args: Any) -> None:
        for observer in self._observers:
            _guarded(observer, method, *args)


def _guarded(observer: Any, method: str, *args: Any) -> None:
    """Call ``observer.method(*args)`` if it exists; an exception is a warning, never a failure."""
    function = getattr(observer, method, None)
    if function is None:
        return
    try:
        function(*args)
    except Exception as error:  # noqa: BLE001 - an observer must never fail a run
        subject = getattr(args[0], "asset_key", None) or getattr(args[0], "step_key", "?")
        logger.warning(
            "floe asset observer %r raised in %s(%s): %s; the run goes on",
            type(observer).__name__,
            method,
            subject,
            error,
        )


def _utc(value: Any) -> str | None:
    """dbt's naive UTC timestamps (``2026-12-02T06:28:56.857488``) with their zone, or None."""
    if not isinstance(value, str) or not value:
        return None
    return value if value.endswith(("Z", "+00:00")) else f"{value}+00:00"


def _relation(node: Mapping[str, Any]) -> dict[str, Any] | None:
    relation = node.get("node_relation")
    return dict(relation) if isinstance(relation, Mapping) and relation else None


def _count(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _seconds(value: Any) -> float | None:
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def watch(invocation: Any, dispatch: ObserverDispatch) -> None:
    """Route ``invocation``'s raw events through ``dispatch`` before dagster-dbt sees them.

    dagster-dbt 0.26-0.29 all read raw events through ``stream_raw_events``, on the instance;
    the replacement reads dbt's output on a thread of its own (see the module docstring).
    """
    original = invocation.stream_raw_events

    def stream_raw_events() -> Iterator[Any]:
        events: queue.SimpleQueue[Any] = queue.SimpleQueue()

        def pump() -> None:
            try:
                for event in original():
                    dispatch.handle(event.raw_event)
                    events.put(event)
                dispatch.finish()
                events.put(_DONE)
            except BaseException as error:  # noqa: BLE001 - handed over to the step's thread
                events.put(_Raised(error))

        reader = threading.Thread(target=pump, name="floe-dbt-events", daemon=True)
        reader.start()
        try:
            while True:
                item = events.get()
                if item is _DONE:
                    break
                if isinstance(item, _Raised):
                    raise item.error
                yield item
        except BaseException:
            _interrupt(invocation)
            raise
        finally:
            reader.join(timeout=5)

    invocation.stream_raw_events = stream_raw_events


@dataclass(frozen=True)
class _Raised:
    error: BaseException


def _interrupt(invocation: Any) -> None:
    """Forward an interrupt of the step to dbt, as dagster-dbt does, and wait for it to stop."""
    process = getattr(invocation, "process", None)
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=getattr(invocation, "termination_timeout_seconds", 25))
    except Exception:  # noqa: BLE001 - the step is failing anyway; dbt is killed below
        process.kill()


@contextmanager
def step_scope(
    observers: Sequence[Any], step: StepInfo, context: Any = None
) -> Iterator[list[bool]]:
    """Tell ``StepObserver`` observers that ``step`` starts, and when it ends.

    Yields a one-item list; set its item to False when the step fails (an exception leaving the
    block counts as a failure too). When the step ends, an observer's ``run_tags(step)`` (if it
    has one) are added to the Dagster run's tags through ``context``'s instance.
    """
    outcome = [True]
    for observer in observers:
        _guarded(observer, "step_started", step)
    try:
        yield outcome
    except BaseException:
        outcome[0] = False
        raise
    finally:
        for observer in observers:
            _guarded(observer, "step_finished", step, outcome[0])
        if context is not None:
            _add_run_tags(observers, step, context)


def _add_run_tags(observers: Sequence[Any], step: StepInfo, context: Any) -> None:
    tags: dict[str, str] = {}
    for observer in observers:
        function = getattr(observer, "run_tags", None)
        if function is None:
            continue
        try:
            tags.update({str(k): str(v) for k, v in function(step).items()})
        except Exception as error:  # noqa: BLE001 - an observer must never fail a run
            logger.warning("floe asset observer %r raised in run_tags: %s", observer, error)
    if tags:
        try:
            context.instance.add_run_tags(step.run_id, tags)
        except Exception as error:  # noqa: BLE001 - tags are information, not the run
            logger.warning("the run tags %s were not added: %s", sorted(tags), error)


def step_info(
    context: Any, compute: str, models: Sequence[str], reused: Sequence[str] = ()
) -> StepInfo:
    """The ``StepInfo`` of the running Dagster step."""
    return StepInfo(
        run_id=context.run.run_id,
        job_name=context.run.job_name or "",
        step_key=_step_key(context),
        compute=compute,
        models=tuple(models),
        attempt=int(context.retry_number) + 1,
        run_started_at=_run_started_at(context),
        root_run_id=context.run.root_run_id,
        reused=tuple(reused),
    )


def _run_started_at(context: Any) -> float | None:
    try:
        record = context.instance.get_run_record_by_id(context.run.run_id)
    except Exception:  # noqa: BLE001 - only a timestamp for observers
        return None
    started = getattr(record, "start_time", None) if record is not None else None
    return float(started) if started is not None else None


def _step_key(context: Any) -> str:
    # every supported Dagster (1.10-1.13) has get_step_execution_context on both context types
    return str(context.get_step_execution_context().step.key)


def failure_message(what: str, target: str, dispatch: ObserverDispatch, invocation: Any) -> str:
    """The message of the ``Failure`` raised when dbt fails: what ran, where, and dbt's errors."""
    errors = [e for e in dispatch.errors if e.strip()]
    if not errors:
        errors = [dbt_error_text(invocation) or "dbt exited with an error; see the step's logs"]
    return (
        f"`dbt build` of {what} failed on compute target {target!r}:\n"
        + "\n".join(errors[:20])
        + "\nFix the model's SQL or the dbt profile, then re-materialize the asset."
    )


def raise_step_failure(
    outcome: list[bool],
    what: str,
    target: str,
    dispatch: ObserverDispatch,
    invocation: Any,
    exports: Any,
) -> None:
    """Fail the step with one ``dagster.Failure`` when dbt failed, an export failed, or both.

    Both are said, dbt's first; ``outcome[0]`` becomes False for the step's observers.
    """
    problems = []
    if not invocation.is_successful():
        problems.append(failure_message(what, target, dispatch, invocation))
    if exports:
        problems.append(exports.message())
    if problems:
        import dagster as dg

        outcome[0] = False
        raise dg.Failure(description="\n\n".join(problems))


@dataclass(frozen=True)
class ModelFacts:
    """What an ``AssetRunInfo`` says about a model, known before the run."""

    asset_key: str
    model: str
    upstream: tuple[str, ...]
    compute: str
    metadata: Mapping[str, Any]


def lookup_for(
    context: Any, facts: Mapping[str, ModelFacts]
) -> Callable[[str], AssetRunInfo | None]:
    """A lookup from dbt unique id or model name to run info, for ``ObserverDispatch``.

    The run's ids are read here, on the step's thread: the lookup runs on the reader thread.
    """
    run_id = context.run.run_id
    job_name = context.run.job_name or ""
    attempt = int(context.retry_number) + 1
    root_run_id = context.run.root_run_id

    def lookup(node: str) -> AssetRunInfo | None:
        found = facts.get(node)
        if found is None:
            return None
        return AssetRunInfo(
            asset_key=found.asset_key,
            model=found.model,
            upstream=found.upstream,
            run_id=run_id,
            job_name=job_name,
            compute=found.compute,
            metadata=dict(found.metadata),
            attempt=attempt,
            root_run_id=root_run_id,
        )

    return lookup
