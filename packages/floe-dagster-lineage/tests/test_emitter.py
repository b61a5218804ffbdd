"""The emitter never fails a run, counts what it could not deliver, and costs nothing when idle."""

from __future__ import annotations

import logging
import statistics
import threading
import time

import pytest

from floe_dagster_lineage import LineageEmitter, LineageError
from floe_dagster_lineage.testing import FailingTransport, InMemoryTransport


def test_a_failing_transport_never_raises_and_logs_one_warning_per_event(caplog):
    transport = FailingTransport("receiver down")
    emitter = LineageEmitter(transport, namespace="floe")
    with caplog.at_level(logging.WARNING, logger="floe_dagster_lineage"):
        run_id = emitter.start("dbt_run_customers")
        emitter.fail("dbt_run_customers", run_id=run_id, error=ValueError("boom"))
    assert transport.attempts == 2
    assert emitter.failures == 2
    assert emitter.delivered == 0
    assert [record.levelname for record in caplog.records] == ["WARNING", "WARNING"]
    first = caplog.records[0].getMessage()
    assert first.startswith(
        f"OpenLineage START event of job floe/dbt_run_customers (run {run_id}) was not "
        "delivered by the failing transport after "
    )
    assert first.endswith(
        "receiver down. The run goes on; this event is dropped (1 undelivered so far)."
    )


def test_bad_input_is_refused_before_anything_is_sent():
    memory = InMemoryTransport()
    with pytest.raises(LineageError):
        LineageEmitter(memory).emit("DONE", "job")
    assert memory.payloads == []


def test_convenience_methods_emit_their_event_types():
    memory = InMemoryTransport()
    emitter = LineageEmitter(memory)
    run_id = emitter.start("job")
    emitter.running("job", run_id=run_id)
    emitter.complete("job", run_id=run_id)
    emitter.abort("job", run_id=run_id)
    emitter.fail("job", run_id=run_id)
    assert [event["eventType"] for event in memory.events] == [
        "START",
        "RUNNING",
        "COMPLETE",
        "ABORT",
        "FAIL",
    ]
    assert {event["run"]["runId"] for event in memory.events} == {str(run_id)}
    assert emitter.delivered == 5


def test_closing_a_failing_transport_is_logged_not_raised(caplog):
    class Broken(InMemoryTransport):
        def close(self) -> None:
            raise OSError("disk gone")

    with caplog.at_level(logging.WARNING, logger="floe_dagster_lineage"):
        LineageEmitter(Broken()).close()
    assert caplog.records[0].getMessage() == (
        "closing the memory lineage transport failed: disk gone"
    )


def test_file_transport_time_per_event_and_idle_cost(tmp_path):
    threads_before = threading.active_count()
    emitter = LineageEmitter({"type": "file", "path": str(tmp_path / "lineage.jsonl")})
    durations = []
    for _ in range(200):
        started = time.perf_counter()
        emitter.emit("COMPLETE", "job")
        durations.append(time.perf_counter() - started)
    median = statistics.median(durations)
    # idle: no thread was started, and two seconds of waiting cost (next to) no CPU
    assert threading.active_count() == threads_before
    cpu_before = time.process_time()
    time.sleep(2)
    idle_cpu = time.process_time() - cpu_before
    print(
        f"file transport: median {median * 1000:.3f} ms per event over 200 events; "
        f"idle CPU {idle_cpu * 1000:.1f} ms over 2 s"
    )
    assert median < 0.05
    assert idle_cpu < 0.05
