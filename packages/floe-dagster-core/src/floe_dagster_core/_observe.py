"""Running dbt for an asset and telling the observers what each model does.

dbt's structured log (``DBT_LOG_FORMAT=json``, which dagster-dbt sets) carries a ``NodeStart`` and
a ``NodeFinished`` event for every node it runs, in order. ``run_dbt`` reads those raw events on
the way to dagster-dbt's own event conversion, calls each observer's ``started`` / ``succeeded``
/ ``failed`` for the models it knows, and raises a ``dagster.Failure`` carrying dbt's error
messages when the command fails. An observer that raises is logged as a warning and ignored.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from floe_dagster_core._observers import AssetObserver, AssetRunInfo

logger = logging.getLogger(__name__)

_FAILED = frozenset({"error", "fail", "runtime error"})


class ObserverDispatch:
    """Turns dbt's raw node events into observer calls for one Dagster step."""

    def __init__(
        self,
        observers: Sequence[AssetObserver],
        lookup: Callable[[str], AssetRunInfo | None],
    ) -> None:
        self._observers = tuple(observers)
        self._lookup = lookup  # dbt unique_id or model name -> the model's run info, or None
        self.errors: list[str] = []
        self._started: set[str] = set()
        self._finished: set[str] = set()
        self._pending: dict[str, tuple[AssetRunInfo, str]] = {}

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
        node = data.get("node_info") or {}
        uid = str(node.get("unique_id") or "")
        if not uid or not self._observers:
            return
        status = str(node.get("node_status") or "").lower()
        if status == "started" and uid not in self._started:
            run_info = self._info(uid, node)
            if run_info is not None:
                self._started.add(uid)
                self._call("started", run_info)
        elif name.startswith("Log") and name.endswith("Result") and uid not in self._finished:
            run_info = self._info(uid, node)
            if run_info is None:
                return
            self._finished.add(uid)
            if status in _FAILED:
                self._pending[uid] = (run_info, str(info.get("msg") or "dbt reported an error"))
            elif status in ("success", "pass"):
                self._call("succeeded", run_info)
        elif name == "RunResultError" and uid in self._pending:
            run_info, _ = self._pending.pop(uid)
            self._call("failed", run_info, str(data.get("msg") or info.get("msg") or ""))

    def finish(self) -> None:
        """Report the failures whose detailed message never came."""
        for run_info, message in self._pending.values():
            self._call("failed", run_info, message)
        self._pending.clear()

    def _info(self, uid: str, node: Mapping[str, Any]) -> AssetRunInfo | None:
        return self._lookup(uid) or self._lookup(str(node.get("node_name") or ""))

    def _call(self, method: str, *args: Any) -> None:
        for observer in self._observers:
            try:
                getattr(observer, method)(*args)
            except Exception as error:  # noqa: BLE001 - an observer must never fail a run
                logger.warning(
                    "floe asset observer %r raised in %s(%s): %s; the run goes on",
                    type(observer).__name__,
                    method,
                    getattr(args[0], "asset_key", "?"),
                    error,
                )


def watch(invocation: Any, dispatch: ObserverDispatch) -> None:
    """Route ``invocation``'s raw events through ``dispatch`` before dagster-dbt sees them."""
    original = invocation.stream_raw_events

    def stream_raw_events() -> Iterator[Any]:
        for event in original():
            dispatch.handle(event.raw_event)
            yield event
        dispatch.finish()

    # dagster-dbt 0.26-0.29 all read raw events through this method, on the instance.
    invocation.stream_raw_events = stream_raw_events


def failure_message(what: str, target: str, dispatch: ObserverDispatch, invocation: Any) -> str:
    """The message of the ``Failure`` raised when dbt fails: what ran, where, and dbt's errors."""
    errors = [e for e in dispatch.errors if e.strip()]
    if not errors:
        try:
            error = invocation.get_error()
        except Exception:  # noqa: BLE001 - only used to enrich the message
            error = None
        errors = [str(error)] if error else ["dbt exited with an error; see the step's logs"]
    return (
        f"dbt build of {what} failed on compute target {target!r}:\n"
        + "\n".join(errors[:20])
        + "\nFix the model's SQL or the dbt profile, then re-materialize the asset."
    )


@dataclass(frozen=True)
class ModelFacts:
    """What an ``AssetRunInfo`` says about a model, known before the run."""

    asset_key: str
    model: str
    upstream: tuple[str, ...]
    compute: str
    metadata: Mapping[str, Any]

    def run_info(self, context: Any) -> AssetRunInfo:
        """The ``AssetRunInfo`` of this model in the running step ``context``."""
        return AssetRunInfo(
            asset_key=self.asset_key,
            model=self.model,
            upstream=self.upstream,
            run_id=context.run.run_id,
            job_name=context.run.job_name or "",
            compute=self.compute,
            metadata=dict(self.metadata),
        )


def lookup_for(
    context: Any, facts: Mapping[str, ModelFacts]
) -> Callable[[str], AssetRunInfo | None]:
    """A lookup from dbt unique id or model name to run info, for ``ObserverDispatch``."""

    def lookup(node: str) -> AssetRunInfo | None:
        found = facts.get(node)
        return found.run_info(context) if found is not None else None

    return lookup
