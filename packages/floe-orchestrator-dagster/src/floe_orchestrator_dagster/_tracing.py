"""OpenTelemetry spans for the plugin's public methods (NFR-004).

Only the OpenTelemetry *API* is used at runtime: with no SDK configured the spans are no-ops that
cost a few microseconds; a host that installs an SDK (floe does) receives them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from opentelemetry import trace

SPAN_PREFIX = "floe.orchestrator.dagster"
_TRACER_NAME = "floe_orchestrator_dagster"


@contextmanager
def plugin_span(method: str, **attributes: str | int | float | bool) -> Iterator[trace.Span]:
    """Open the span ``floe.orchestrator.dagster.<method>``; exceptions are recorded on it."""
    tracer = trace.get_tracer(_TRACER_NAME)
    with tracer.start_as_current_span(f"{SPAN_PREFIX}.{method}", attributes=attributes) as span:
        yield span
