"""OpenTelemetry spans for the plugin's public methods (NFR-004).

Only the OpenTelemetry *API* is used at runtime: with no SDK configured the spans are no-ops that
cost a few microseconds; a host that installs an SDK (floe does) receives them. The API is
imported on the first span, not when the plugin is loaded.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from opentelemetry.trace import Span

SPAN_PREFIX = "floe.orchestrator.dagster"
_TRACER_NAME = "floe_orchestrator_dagster"


@contextmanager
def plugin_span(method: str, **attributes: str | int | float | bool) -> Iterator[Span]:
    """Open the span ``floe.orchestrator.dagster.<method>``; exceptions are recorded on it."""
    from opentelemetry import trace

    tracer = trace.get_tracer(_TRACER_NAME)
    with tracer.start_as_current_span(f"{SPAN_PREFIX}.{method}", attributes=attributes) as span:
        yield span
