"""Durable delivery: an outage loses nothing, delays no run beyond the bound, duplicates nothing."""

from __future__ import annotations

import json
import logging
import time

import pytest

from floe_dagster_lineage import (
    LineageEmitter,
    Spool,
    TransportConfigError,
    replay_spool,
)
from floe_dagster_lineage.testing import FailingTransport, InMemoryTransport, LineageReceiver


def _emit_run(emitter: LineageEmitter, models: int) -> list[tuple[str, str]]:
    """START and COMPLETE per model; the (event type, run id) pairs in emission order."""
    emitted = []
    for index in range(models):
        run_id = emitter.start(f"model_{index}")
        emitted.append(("START", str(run_id)))
        emitter.complete(f"model_{index}", run_id=run_id)
        emitted.append(("COMPLETE", str(run_id)))
    return emitted


def _received(receiver: LineageReceiver) -> list[tuple[str, str]]:
    return [(event["eventType"], event["run"]["runId"]) for event in receiver.events]


@pytest.mark.slow
def test_an_outage_of_a_whole_run_is_spooled_then_delivered_in_order_exactly_once(
    spool_path, caplog, validator
):
    with LineageReceiver(status=503) as receiver:
        emitter = LineageEmitter(
            {"type": "http", "url": receiver.base_url, "timeout": 1}, pause_for=0.3
        )
        started = time.monotonic()
        outage = _emit_run(emitter, 5)
        elapsed = time.monotonic() - started
        assert elapsed < 10  # ten 503 answers, then a pause: nowhere near 10 deadlines
        assert emitter.counters["spooled"] == 10
        spooled = spool_path.read_text().splitlines()
        assert [(json.loads(p)["eventType"], json.loads(p)["run"]["runId"]) for p in spooled] == (
            outage
        )
        receiver.status = 201
        receiver.requests.clear()
        time.sleep(0.35)  # the pause ends
        with caplog.at_level(logging.INFO, logger="floe_dagster_lineage"):
            after = _emit_run(emitter, 1)
        assert _received(receiver) == outage + after  # in order, nothing lost, nothing twice
        # the replayed events are the very bytes spooled: same ids and eventTime
        assert [request.body for request in receiver.requests[:10]] == spooled
        for request in receiver.requests:
            validator.assert_valid(request.body)
    assert emitter.counters == {
        "delivered": 2,
        "dropped": 0,
        "dropped_spool_full": 0,
        "failures": 10,
        "replayed": 10,
        "spooled": 10,
    }
    assert spool_path.read_bytes() == b""
    replayed = [r.getMessage() for r in caplog.records if r.getMessage().startswith("replayed")]
    assert replayed == [
        f"replayed 10 spooled OpenLineage event(s) from {spool_path} through the http transport "
        "(10 replayed so far); the spool is empty"
    ]


@pytest.mark.slow
def test_a_hanging_receiver_delays_a_run_by_at_most_a_few_deadlines(spool_path):
    with LineageReceiver(delay=30) as receiver:
        emitter = LineageEmitter({"type": "http", "url": receiver.base_url, "timeout": 0.5})
        started = time.monotonic()
        emitted = _emit_run(emitter, 10)
        elapsed = time.monotonic() - started
        print(
            f"20 events against a hanging receiver (timeout 0.5 s, pause after 3): the run "
            f"waited {elapsed:.2f} s for lineage"
        )
        # bound: pause_after (3) deadlines (+ grace), then the pause: not 20 deadlines
        assert elapsed < 3 * (0.5 + 0.2) + 2
        assert emitter.counters["spooled"] == 20
        receiver.delay = 0
        receiver.requests.clear()
        summary = replay_spool(transport={"type": "http", "url": receiver.base_url})
    assert (summary.delivered, summary.remaining, summary.failed) == (20, 0, None)
    assert _received(receiver) == emitted
    assert str(summary) == f"replayed 20 lineage event(s) from {spool_path}; 0 remain."


def test_the_replay_bound_queues_the_new_event_behind_the_spool(tmp_path):
    transport = FailingTransport("Down.")
    spool = Spool(tmp_path / "spool.jsonl")
    failing = LineageEmitter(transport, spool=spool, pause_after=0)
    for index in range(5):
        failing.emit("START", f"job_{index}")
    memory = InMemoryTransport()
    emitter = LineageEmitter(memory, spool=spool, replay_max_events=2)
    assert emitter.emit("START", "job_new")
    assert [event["job"]["name"] for event in memory.events] == ["job_0", "job_1"]
    queued = [json.loads(line)["job"]["name"] for line in spool.path.read_text().splitlines()]
    assert queued == ["job_2", "job_3", "job_4", "job_new"]
    for _ in range(2):
        emitter.emit("START", "job_later")
    assert [event["job"]["name"] for event in memory.events] == [
        *("job_0", "job_1", "job_2", "job_3", "job_4", "job_new"),
    ]
    assert emitter.counters["replayed"] == 6
    # while the backlog drains, new events queue behind it: order over immediacy
    assert emitter.counters["spooled"] == 3
    assert [json.loads(line)["job"]["name"] for line in spool.path.read_text().splitlines()] == [
        "job_later",
        "job_later",
    ]


def test_a_full_spool_drops_the_newest_and_counts_it(tmp_path, caplog):
    spool = Spool(tmp_path / "spool.jsonl", max_bytes=1500)
    emitter = LineageEmitter(FailingTransport("Down."), spool=spool, pause_after=0)
    with caplog.at_level(logging.WARNING, logger="floe_dagster_lineage"):
        for index in range(5):
            emitter.emit("START", f"job_{index}")
    counters = emitter.counters
    assert counters["spooled"] + counters["dropped_spool_full"] == 5
    assert counters["dropped_spool_full"] >= 1
    assert counters["dropped"] == counters["dropped_spool_full"]
    last = [r for r in caplog.records if r.name.startswith("floe_dagster_lineage")][-1].getMessage()
    assert f"this event is dropped: the spool {spool.path} is full (" in last
    assert "max_bytes 1500; a full spool refuses the newest events and keeps the oldest)" in last
    assert f"({counters['dropped']} by a full spool)" in last
    kept = [json.loads(line)["job"]["name"] for line in spool.path.read_text().splitlines()]
    assert kept == [f"job_{index}" for index in range(counters["spooled"])]  # the oldest


def test_with_spooling_off_an_undelivered_event_is_dropped_and_counted(caplog):
    emitter = LineageEmitter(FailingTransport("Down."), spool=False)
    with caplog.at_level(logging.WARNING, logger="floe_dagster_lineage"):
        emitter.emit("START", "job")
    assert emitter.spool is None
    assert emitter.counters["dropped"] == 1
    assert (
        caplog.records[0]
        .getMessage()
        .endswith(
            "Down. The run goes on; this event is dropped (spooling is off) "
            "(0 spooled, 1 dropped, 1 undelivered so far)."
        )
    )


def test_the_variable_can_switch_spooling_off(monkeypatch):
    monkeypatch.setenv("FLOE_DAGSTER_LINEAGE_SPOOL", "off")
    emitter = LineageEmitter(FailingTransport("Down."))
    emitter.emit("START", "job")
    assert emitter.spool is None
    assert emitter.counters["dropped"] == 1


def test_an_unusable_spool_drops_the_event_with_the_reason(tmp_path, caplog):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    emitter = LineageEmitter(FailingTransport("Down."), spool=blocker / "spool.jsonl")
    with caplog.at_level(logging.WARNING, logger="floe_dagster_lineage"):
        emitter.emit("START", "job")
    assert emitter.counters["dropped"] == 1
    assert "this event is dropped: Cannot create the lineage spool" in caplog.text


def test_replay_through_an_openlineage_transport_rebuilds_the_events(tmp_path, spool_path):
    LineageEmitter(FailingTransport("Down.")).emit("START", "job")
    spooled = spool_path.read_text().splitlines()
    target = tmp_path / "ol.jsonl"
    config = {
        "type": "composite",
        "transports": [{"type": "file", "log_file_path": str(target), "append": True}],
    }
    summary = replay_spool(spool_path, transport=config)
    assert summary.delivered == 1
    assert target.read_text().splitlines() == spooled  # openlineage re-serialized the same JSON


def test_replay_stops_at_a_failure_and_reports_it(spool_path):
    LineageEmitter(FailingTransport("Down.")).emit("START", "job")
    summary = replay_spool(transport=FailingTransport("Still down."))
    assert (summary.delivered, summary.remaining, summary.failed) == (0, 1, "Still down.")
    assert str(summary) == (
        f"replayed 0 lineage event(s) from {spool_path}; 1 remain (stopped: Still down.)."
    )


def test_replay_refuses_the_noop_transport_and_a_switched_off_spool(monkeypatch):
    with pytest.raises(TransportConfigError, match="into the noop transport would discard"):
        replay_spool(transport={"type": "noop"})
    monkeypatch.setenv("FLOE_DAGSTER_LINEAGE_SPOOL", "off")
    with pytest.raises(TransportConfigError) as caught:
        replay_spool(transport=InMemoryTransport())
    assert str(caught.value) == (
        "Lineage spooling is switched off (FLOE_DAGSTER_LINEAGE_SPOOL=off), so there is no spool "
        "to replay; pass the spool's path (--spool PATH)."
    )


def test_two_receivers_never_share_a_default_spool(monkeypatch, tmp_path):
    monkeypatch.delenv("FLOE_DAGSTER_LINEAGE_SPOOL")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    down_a = LineageEmitter({"type": "http", "url": "http://127.0.0.1:9/a", "timeout": 1})
    down_a.emit("START", "job_a")
    with LineageReceiver() as receiver:
        b = LineageEmitter({"type": "http", "url": receiver.base_url})
        b.emit("START", "job_b")
        # b replayed nothing of a's: a's event waits in a's own spool
        assert [event["job"]["name"] for event in receiver.events] == ["job_b"]
    assert down_a.spool.path != b.spool.path
    assert down_a.spool.count() == 1
    assert list((tmp_path / "state" / "floe-dagster").glob("lineage-spool-http-*.jsonl"))
