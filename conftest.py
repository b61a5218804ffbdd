"""Fixtures shared by every package's tests and tests-integration/.

- ``clean_environ`` (autouse): no DAGSTER_*, OPENLINEAGE_*, FLOE_* or proxy variable from the
  developer's shell leaks into a test; a test that needs one sets it itself. The lineage spool
  (``FLOE_DAGSTER_LINEAGE_SPOOL``) is a file in the test's own ``tmp_path``.
- ``spans``: the OpenTelemetry spans finished during the test, collected with the SDK's in-memory
  exporter (the SDK is a test-only dependency; the packages use the API alone).
- ``schema_validator`` (session): the official OpenLineage schemas shipped in floe-dagster-lineage,
  offline.
- ``error_style`` (autouse): every error the packages raise on purpose during a test, and every
  ``error:`` line of the CLI, is in one style (issue 18): a capital first letter (or a quoted
  name), a period at the end, no traceback text. A test that triggers one that is not fails at
  teardown, naming the message.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

_EXPORTER = InMemorySpanExporter()
_LEAKY_PREFIXES = ("DAGSTER_", "OPENLINEAGE_", "FLOE_")
# httpx honours *_PROXY variables: no developer proxy may sit between a test and 127.0.0.1
_PROXIES = {"HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"}


def pytest_configure(config: pytest.Config) -> None:
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(_EXPORTER))
    trace.set_tracer_provider(provider)


COVERAGE_FLOOR = 85.0
_PACKAGES = ("floe-dagster-core", "floe-dagster-lineage", "floe-dagster-deploy")
_PACKAGES += ("floe-orchestrator-dagster",)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Line coverage per package (the README's test command reports it; CI enforces the floor)."""
    plugin = terminalreporter.config.pluginmanager.getplugin("_cov")
    controller = getattr(plugin, "cov_controller", None)
    cov = getattr(controller, "cov", None)
    if cov is None:  # --no-cov, or pytest-cov absent
        return
    root = Path(__file__).parent
    terminalreporter.section("line coverage per package")
    for package in _PACKAGES:
        pattern = str(root / "packages" / package / "src" / "*")
        try:
            percent = cov.report(include=[pattern], file=io.StringIO())
        except Exception as exc:  # noqa: BLE001 - coverage raises NoDataError and friends
            terminalreporter.write_line(f"{package:28} no data ({exc})")
            continue
        flag = "" if percent >= COVERAGE_FLOOR else f"  BELOW the {COVERAGE_FLOOR:.0f}% floor"
        terminalreporter.write_line(f"{package:28} {percent:5.1f}%{flag}")


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith(_LEAKY_PREFIXES) or name in _PROXIES:
            monkeypatch.delenv(name)
    # undelivered lineage events are spooled and replayed by the next emitter: each test gets a
    # spool of its own, never the developer's (or CI's) ~/.local/state
    monkeypatch.setenv("FLOE_DAGSTER_LINEAGE_SPOOL", str(tmp_path / "lineage-spool.jsonl"))


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


@pytest.fixture(scope="session")
def schema_validator() -> Any:
    """The validator of the OpenLineage schemas shipped in floe-dagster-lineage (offline)."""
    from floe_dagster_lineage.testing import SchemaValidator

    return SchemaValidator()


# -- one error style (issue 18) ------------------------------------------------------------------

_MESSAGES: list[tuple[str, str]] = []  # (where, message) raised or printed during the test
_ERROR_BASES = (
    ("floe_orchestrator_dagster._errors", "FloeDagsterError"),
    ("floe_dagster_core._errors", "ArtifactsNotFoundError"),
    ("floe_dagster_core._errors", "DbtProjectError"),
    ("floe_dagster_lineage._errors", "LineageError"),
    ("floe_dagster_deploy._errors", "DeployError"),
)


_RECORDING: list[bool] = []


def _record_error_messages() -> None:
    """Wrap our error bases' ``__init__`` and the CLI's ``error:`` line to remember each message.

    Done at the first test, not at import, so coverage sees the packages' modules load.
    """
    if _RECORDING:
        return
    _RECORDING.append(True)
    from importlib import import_module
    from types import SimpleNamespace

    for module_name, class_name in _ERROR_BASES:
        cls = getattr(import_module(module_name), class_name)
        original = cls.__init__

        def recording(self: BaseException, *args: Any, _init: Any = original, **kw: Any) -> None:
            _init(self, *args, **kw)
            _MESSAGES.append((type(self).__name__, str(self)))

        cls.__init__ = recording

    from floe_orchestrator_dagster import _cli_exit

    click = _cli_exit.click

    def echo(message: Any = None, *args: Any, **kw: Any) -> None:
        if isinstance(message, str) and message.startswith("error: "):
            _MESSAGES.append(("floe-dagster", message.removeprefix("error: ")))
        click.echo(message, *args, **kw)

    _cli_exit.click = SimpleNamespace(echo=echo)  # type: ignore[assignment]


def style_problems(message: str) -> list[str]:
    """What breaks the error style in ``message`` (empty: none)."""
    text = message.strip()
    problems = []
    if not text:
        return ["it is empty"]
    if not (text[0].isupper() or text[0] in "`'\"" or text[0].isdigit()):
        problems.append("it does not start with a capital letter")
    if not text.endswith((".", ".)", '."', ".'", ".`")):
        problems.append("it does not end with a period")
    if "Traceback (most recent call last)" in text:
        problems.append("it holds a traceback")
    return problems


@pytest.fixture(autouse=True)
def error_style() -> Iterator[None]:
    _record_error_messages()
    _MESSAGES.clear()
    yield
    bad = [(where, message, style_problems(message)) for where, message in _MESSAGES]
    bad = [item for item in bad if item[2]]
    _MESSAGES.clear()
    if bad:
        lines = [f"{where}: {message!r}: {', '.join(problems)}" for where, message, problems in bad]
        pytest.fail("Error messages out of style (issue 18):\n" + "\n".join(lines), pytrace=False)
