"""Fixtures shared by every package's tests and tests-integration/.

- ``clean_environ`` (autouse): no DAGSTER_*, OPENLINEAGE_* or FLOE_* variable from the developer's
  shell leaks into a test; a test that needs one sets it itself.
- ``spans``: the OpenTelemetry spans finished during the test, collected with the SDK's in-memory
  exporter (the SDK is a test-only dependency; the packages use the API alone).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

_EXPORTER = InMemorySpanExporter()
_LEAKY_PREFIXES = ("DAGSTER_", "OPENLINEAGE_", "FLOE_")


def pytest_configure(config: pytest.Config) -> None:
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(_EXPORTER))
    trace.set_tracer_provider(provider)


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith(_LEAKY_PREFIXES):
            monkeypatch.delenv(name)


class SpanRecorder:
    """The spans finished since the fixture started."""

    def __init__(self, exporter: InMemorySpanExporter) -> None:
        self._exporter = exporter

    @property
    def finished(self) -> tuple[ReadableSpan, ...]:
        return self._exporter.get_finished_spans()

    def names(self) -> list[str]:
        return [span.name for span in self.finished]

    def named(self, name: str) -> ReadableSpan:
        matches = [span for span in self.finished if span.name == name]
        assert len(matches) == 1, f"expected one span {name!r}, got {self.names()}"
        return matches[0]


@pytest.fixture
def spans() -> Iterator[SpanRecorder]:
    _EXPORTER.clear()
    yield SpanRecorder(_EXPORTER)
    _EXPORTER.clear()
