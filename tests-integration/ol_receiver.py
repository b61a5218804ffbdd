"""A local OpenLineage HTTP receiver that records events and checks them against the schemas.

For integration tests: a real HTTP endpoint on 127.0.0.1 (``floe_dagster_lineage.testing``'s
``LineageReceiver``) whose events are validated against the official OpenLineage JSON Schemas
shipped in floe-dagster-lineage, offline.

This folder is on pytest's ``pythonpath`` (pyproject.toml), so tests ``import ol_receiver``::

    with ol_receiver.running(status=201) as receiver:
        ...  # point a transport or floe-lineage-marquez at receiver.base_url
        receiver.assert_all_valid()
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

from floe_dagster_lineage.testing import LineageReceiver, SchemaValidator


@cache
def schema_validator() -> SchemaValidator:
    """The validator of the official schemas shipped in floe-dagster-lineage."""
    return SchemaValidator()


class CheckingReceiver(LineageReceiver):
    """A ``LineageReceiver`` that can say which of the events it got break the schemas."""

    def problems(self) -> list[str]:
        """Every schema error of every POSTed body, prefixed with the event's position."""
        validator = schema_validator()
        found = []
        for index, request in enumerate(r for r in self.requests if r.method == "POST"):
            found.extend(f"event {index}: {problem}" for problem in validator.errors(request.body))
        return found

    def assert_all_valid(self) -> None:
        """Fail listing the schema errors of any event received."""
        problems = self.problems()
        assert not problems, "events departing from the OpenLineage schemas:\n" + "\n".join(
            problems
        )

    def by_job(self) -> dict[str, list[str]]:
        """Job name -> its event types, in arrival order."""
        grouped: dict[str, list[str]] = {}
        for event in self.events:
            grouped.setdefault(event["job"]["name"], []).append(event["eventType"])
        return grouped

    def events_of(self, job_name: str) -> list[dict[str, Any]]:
        """The events of one job, in arrival order."""
        return [event for event in self.events if event["job"]["name"] == job_name]


@contextmanager
def running(*, status: int = 201, delay: float = 0.0) -> Iterator[CheckingReceiver]:
    """A started ``CheckingReceiver`` answering ``status`` after ``delay`` seconds."""
    with CheckingReceiver(status=status, delay=delay) as receiver:
        yield receiver
