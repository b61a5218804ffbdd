"""Telemetry of runs: every dbt step exported as spans to the artifacts' OTLP collector.

When the artifacts' ``observability.telemetry`` is enabled, the first dbt step of a run process
initialises OpenTelemetry through floe-core's own ``TelemetryProvider`` with that configuration:
the OTLP endpoint and protocol (gRPC or HTTP), the resource attributes (``service.name`` = the
product), sampling, batching and authentication. Each dbt step is a span
``floe.dagster.dbt_step`` with a child span ``floe.dbt.model`` per model, timed by dbt; the step
span ends when dbt has exited and is flushed then, before the run process can exit.

A collector that is missing or hung never fails a run, and delays it by a bounded time:

- missing (nothing listens at the endpoint): found by one TCP connect of at most
  ``PROBE_TIMEOUT`` (0.25 s) when the process initialises telemetry; the process then exports
  nothing, with one warning;
- hung (it accepts but does not answer): each step's flush waits at most ``FLUSH_TIMEOUT``
  (2 s), and each export attempt at most ``EXPORT_TIMEOUT`` (2 s, set through
  ``OTEL_EXPORTER_OTLP_TIMEOUT`` unless the operator set it), so a run's end is delayed by at
  most about 2 s per dbt step plus 2 s at process exit.

floe-core 0.1.0a1 also looks up the "Layer 3" telemetry backend plugin the artifacts name
(``backend``, ``console`` by default) although the SDK side never uses it, and ships none; when
that plugin is not installed, spans are exported all the same (the backend configures the
collector, not the SDK).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from typing import Any
from urllib.parse import urlsplit

logger = logging.getLogger("floe_orchestrator_dagster")

PROBE_TIMEOUT = 0.25
FLUSH_TIMEOUT = 2.0
EXPORT_TIMEOUT = 2.0
STEP_SPAN = "floe.dagster.dbt_step"
MODEL_SPAN = "floe.dbt.model"
_TRACER = "floe_orchestrator_dagster.runs"

_lock = threading.Lock()
_state: dict[str, Any] = {}  # "provider": the initialised TelemetryProvider, "off": the reason


def telemetry_observers(artifacts: Any) -> list[Any]:
    """The run-telemetry observer of a product, or none when its telemetry is disabled.

    Examples:
        >>> from floe_dagster_core.testing import compiled_artifacts
        >>> from floe_orchestrator_dagster._artifacts import read_artifacts
        >>> telemetry_observers(read_artifacts(compiled_artifacts()))  # telemetry off
        []
    """
    config = artifacts.model.observability.telemetry
    if not config.enabled:
        return []
    return [TelemetryObserver(config, artifacts.product_name)]


def ensure_provider(config: Any) -> Any:
    """floe-core's ``TelemetryProvider``, initialised once per process; None when off."""
    with _lock:
        if "provider" in _state or "off" in _state:
            return _state.get("provider")
        reason = _unreachable(str(config.otlp_endpoint))
        if reason:
            _state["off"] = reason
            logger.warning(
                "Run telemetry is off in this process: %s. The run goes on without spans.", reason
            )
            return None
        os.environ.setdefault("OTEL_EXPORTER_OTLP_TIMEOUT", str(EXPORT_TIMEOUT))
        try:
            provider = _provider(config)
            provider.initialize()
        except Exception as error:  # noqa: BLE001 - telemetry must never fail a run
            _state["off"] = str(error)
            logger.warning("Run telemetry is off in this process: %s", error)
            return None
        _state["provider"] = provider
        return provider


def _provider(config: Any) -> Any:
    from floe_core.telemetry import TelemetryProvider

    try:
        return TelemetryProvider(config)
    except ValueError:
        # floe-core's constructor looks up the Layer-3 backend plugin only to name it in a log
        # line; built disabled it skips that lookup, and the real configuration is then put
        # back, so initialize() sets up the SDK from exactly the artifacts' configuration.
        provider = TelemetryProvider(config.model_copy(update={"enabled": False}))
        provider._config = config
        return provider


def _unreachable(endpoint: str) -> str | None:
    """Why nothing can take spans at ``endpoint`` (one quick TCP connect), or None."""
    parts = urlsplit(endpoint if "://" in endpoint else f"http://{endpoint}")
    host = parts.hostname
    if not host:
        return f"the OTLP endpoint {endpoint!r} has no host"
    port = parts.port or (443 if parts.scheme == "https" else 4317)
    try:
        with socket.create_connection((host, port), timeout=PROBE_TIMEOUT):
            return None
    except OSError as error:
        return (
            f"no OpenTelemetry collector answers at {parts.scheme}://{host}:{port} "
            f"(observability.telemetry.otlp_endpoint): {error.strerror or error}"
        )


class TelemetryObserver:
    """A floe-dagster-core observer exporting each dbt step and model as spans (never raises)."""

    def __init__(self, config: Any, product: str) -> None:
        self._config = config
        self._product = product
        self._steps: dict[str, tuple[Any, Any]] = {}  # step key -> (span, its context)
        self._models: dict[tuple[str, str], Any] = {}  # (run id, asset key) -> span
        self._lock = threading.Lock()

    def step_started(self, step: Any) -> None:
        """Open the step's span (initialising telemetry in this process first)."""
        if ensure_provider(self._config) is None:
            return
        from opentelemetry import trace

        span = trace.get_tracer(_TRACER).start_span(
            STEP_SPAN,
            attributes={
                "floe.product_name": self._product,
                "floe.compute": step.compute,
                "dagster.run_id": step.run_id,
                "dagster.job_name": step.job_name,
                "dagster.step_key": step.step_key,
                "dagster.attempt": step.attempt,
                "floe.models": len(step.models),
            },
        )
        with self._lock:
            self._steps[step.run_id + step.step_key] = (span, trace.set_span_in_context(span))

    def started(self, info: Any) -> None:
        """Open a model's span under its step's."""
        parent = self._parent(info.run_id)
        if parent is None:
            return
        from opentelemetry import trace

        span = trace.get_tracer(_TRACER).start_span(
            MODEL_SPAN,
            context=parent,
            attributes={
                "floe.dbt.model": info.model,
                "floe.dagster.asset": info.asset_key,
                "floe.compute": info.compute,
            },
        )
        with self._lock:
            self._models[(info.run_id, info.asset_key)] = span

    def succeeded(self, info: Any) -> None:
        """End a model's span, with dbt's timing."""
        self._end_model(info, None)

    def failed(self, info: Any, error: str) -> None:
        """End a model's span as an error, with dbt's message."""
        self._end_model(info, error or f"dbt model {info.model} failed")

    def step_finished(self, step: Any, success: bool) -> None:
        """End the step's span and flush it, within ``FLUSH_TIMEOUT``."""
        with self._lock:
            found = self._steps.pop(step.run_id + step.step_key, None)
        if found is None:
            return
        from opentelemetry.trace import Status, StatusCode

        span, _ = found
        if not success:
            span.set_status(Status(StatusCode.ERROR, "the dbt step failed"))
        span.end()
        provider = _state.get("provider")
        if provider is not None:
            provider.force_flush(timeout_millis=int(FLUSH_TIMEOUT * 1000))

    def _parent(self, run_id: str) -> Any:
        with self._lock:
            for key, (_, context) in self._steps.items():
                if key.startswith(run_id):
                    return context
        return None

    def _end_model(self, info: Any, error: str | None) -> None:
        with self._lock:
            span = self._models.pop((info.run_id, info.asset_key), None)
        if span is None:
            return
        from opentelemetry.trace import Status, StatusCode

        if info.execution_time is not None:
            span.set_attribute("floe.dbt.execution_time_s", float(info.execution_time))
        if info.status:
            span.set_attribute("floe.dbt.status", str(info.status))
        if error is not None:
            span.set_status(Status(StatusCode.ERROR, error[:500]))
        span.end()
