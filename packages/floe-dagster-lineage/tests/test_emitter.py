"""The emitter never fails a run, counts what it could not deliver, and costs nothing when idle."""

from __future__ import annotations

import json
import logging
import statistics
import threading
import time

import pytest

from floe_dagster_lineage import LineageEmitter, LineageError
from floe_dagster_lineage.testing import FailingTransport, InMemoryTransport


def test_a_failing_transport_never_raises_and_logs_one_warning_per_event(caplog, spool_path):
    transport = FailingTransport("Receiver down.")
    emitter = LineageEmitter(transport, namespace="floe")
    with caplog.at_level(logging.WARNING, logger="floe_dagster_lineage"):
        run_id = emitter.start("dbt_run_customers")
        emitter.fail("dbt_run_customers", run_id=run_id, error=ValueError("boom"))
    assert transport.attempts == 2  # the START, then its replay before the FAIL
    assert emitter.counters == {
        "delivered": 0,
        "dropped": 0,
        "dropped_spool_full": 0,
        "failures": 2,
        "replayed": 0,
        "spooled": 2,
    }
    warnings = [record for record in caplog.records if record.levelname == "WARNING"]
    assert len(warnings) == 2
    first = warnings[0].getMessage()
    assert first.startswith(
        f"OpenLineage START event of job floe/dbt_run_customers (run {run_id}) was not "
        "delivered by the failing transport after "
    )
    assert first.endswith(
        f"Receiver down. The run goes on; this event is spooled to {spool_path} for a later "
        "replay (1 spooled, 0 dropped, 1 undelivered so far)."
    )
    second = warnings[1].getMessage()
    assert "earlier events wait in the spool (Receiver down.), so this one queues behind them" in (
        second
    )
    assert [json.loads(line)["eventType"] for line in spool_path.read_text().splitlines()] == [
        "START",
        "FAIL",
    ]


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
    threads_before = set(threading.enumerate())
    emitter = LineageEmitter({"type": "file", "path": str(tmp_path / "lineage.jsonl")})
    durations = []
    for _ in range(200):
        started = time.perf_counter()
        emitter.emit("COMPLETE", "job")
        durations.append(time.perf_counter() - started)
    median = statistics.median(durations)
    # one send worker, reused for all 200 events; idle, two seconds cost (next to) no CPU
    (worker,) = set(threading.enumerate()) - threads_before
    assert worker.name == "floe-lineage-file"
    cpu_before = time.process_time()
    time.sleep(2)
    idle_cpu = time.process_time() - cpu_before
    print(
        f"file transport: median {median * 1000:.3f} ms per event over 200 events; "
        f"idle CPU {idle_cpu * 1000:.1f} ms over 2 s"
    )
    assert median < 0.05
    assert idle_cpu < 0.05


def test_a_receiver_that_keeps_failing_pauses_delivery_but_every_event_still_warns(caplog):
    transport = FailingTransport("Receiver down.", delay=0.05)
    emitter = LineageEmitter(transport, pause_after=3, pause_for=60)
    with caplog.at_level(logging.WARNING, logger="floe_dagster_lineage"):
        started = time.monotonic()
        for _ in range(20):
            emitter.emit("START", "job")
        elapsed = time.monotonic() - started
    assert transport.attempts == 3  # then paused: the other 17 cost nothing
    assert elapsed < 0.05 * 3 + 0.5
    ours = [r for r in caplog.records if r.name.startswith("floe_dagster_lineage")]
    assert len(ours) == 20
    assert emitter.failures == 20
    paused = ours[3].getMessage()
    assert "delivery is paused for 60 s more after 3 failures in a row (last: Receiver down.)" in (
        paused
    )


def test_delivery_resumes_after_the_pause_and_success_resets_it(caplog):
    class Flaky(InMemoryTransport):
        def __init__(self) -> None:
            super().__init__()
            self.down = True

        def send(self, event, payload):
            if self.down:
                raise OSError("down")
            super().send(event, payload)

    transport = Flaky()
    emitter = LineageEmitter(transport, pause_after=2, pause_for=0.2)
    with caplog.at_level(logging.WARNING, logger="floe_dagster_lineage"):
        emitter.emit("START", "job")
        emitter.emit("START", "job")  # pauses
        assert emitter.emit("START", "job")  # dropped while paused (returns the run id)
        time.sleep(0.25)
        transport.down = False
        emitter.emit("COMPLETE", "job")  # tried again: delivered, pause reset
    # the three spooled STARTs are replayed first, in order, then the COMPLETE is sent
    assert [e["eventType"] for e in transport.events] == ["START", "START", "START", "COMPLETE"]
    assert (emitter.delivered, emitter.replayed, emitter.failures) == (1, 3, 3)


def test_pausing_can_be_switched_off():
    transport = FailingTransport()
    emitter = LineageEmitter(transport, pause_after=0)
    for _ in range(5):
        emitter.emit("START", "job")
    assert transport.attempts == 5
