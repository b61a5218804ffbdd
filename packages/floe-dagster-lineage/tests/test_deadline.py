"""One overall deadline per event, whatever the transport: a bounded, reused send worker."""

from __future__ import annotations

import logging
import socket
import threading
import time

import pytest

from floe_dagster_lineage import (
    DeliveryError,
    LineageEmitter,
    OpenLineageTransport,
    TransportConfigError,
    transport_from_config,
    validate_timeout,
)
from floe_dagster_lineage._deadline import SendWorker
from floe_dagster_lineage.testing import InMemoryTransport


@pytest.mark.parametrize("value", [0.5, 5, "2.5", " 30 ", 30])
def test_valid_timeouts(value):
    assert validate_timeout(value) == float(value)


@pytest.mark.parametrize(
    "value", [0, -1, 30.5, 31, float("nan"), float("inf"), float("-inf"), "abc", "", None, True]
)
def test_invalid_timeouts_name_the_setting_and_the_range(value):
    with pytest.raises(TransportConfigError) as caught:
        validate_timeout(value, setting="lineage.timeout")
    assert str(caught.value) == (
        f"`lineage.timeout` must be a number of seconds > 0 and <= 30, got {value!r}; "
        "set it to e.g. 5."
    )


def test_a_pass_through_timeout_is_validated():
    config = {"type": "composite", "transports": [{"type": "console"}], "timeout": "abc"}
    with pytest.raises(TransportConfigError) as caught:
        transport_from_config(config)
    assert str(caught.value) == (
        "Lineage transport 'composite' timeout must be a number of seconds > 0 and <= 30, got "
        "'abc'; set it to e.g. 5."
    )


def test_the_emitter_deadline_is_validated():
    with pytest.raises(TransportConfigError, match="Lineage deadline must be a number of seconds"):
        LineageEmitter(InMemoryTransport(), deadline=float("nan"))


def test_one_worker_thread_is_reused_for_every_send():
    worker = SendWorker("reuse-test")
    threads = []
    for _ in range(20):
        worker.run(lambda: threads.append(threading.current_thread()), deadline=1)
    assert len(set(threads)) == 1
    assert threads[0].name == "floe-lineage-reuse-test"
    assert [t.name for t in threading.enumerate()].count("floe-lineage-reuse-test") == 1
    worker.close()


def test_an_idle_worker_ends_and_a_later_send_starts_a_new_one(monkeypatch):
    from floe_dagster_lineage import _deadline

    monkeypatch.setattr(_deadline, "IDLE_EXIT", 0.05)
    worker = SendWorker("idle-test")
    threads = []
    worker.run(lambda: threads.append(threading.current_thread()), deadline=1)
    threads[0].join(5)
    assert not threads[0].is_alive()
    worker.run(lambda: threads.append(threading.current_thread()), deadline=1)
    assert threads[1] is not threads[0]
    worker.close()


def test_a_send_error_reaches_the_caller_unchanged():
    worker = SendWorker("error-test")

    def fail() -> None:
        raise DeliveryError("Receiver said no.")

    with pytest.raises(DeliveryError, match=r"^Receiver said no\.$"):
        worker.run(fail, deadline=1)
    worker.run(lambda: None, deadline=1)  # the worker goes on
    worker.close()


def test_an_overrun_send_is_abandoned_and_never_more_than_one_is_stuck():
    release = threading.Event()
    worker = SendWorker("slow")
    started = time.monotonic()
    with pytest.raises(DeliveryError) as overrun:
        worker.run(lambda: release.wait(30), deadline=0.3)
    waited = time.monotonic() - started
    assert str(overrun.value) == (
        "The slow transport did not deliver within the deadline of 0.3 s; the send was abandoned."
    )
    assert waited < 5  # bounded by the deadline, not by the 30 s the send would take
    assert worker.stuck
    # while the abandoned send runs, the next ones fail at once, without a second thread
    with pytest.raises(DeliveryError) as stuck:
        worker.run(lambda: None, deadline=5)
    assert str(stuck.value).startswith(
        "The previous send through the slow transport is still running after "
    )
    assert str(stuck.value).endswith(
        " s (abandoned at its deadline); this event is not attempted, so that no more than one "
        "send is ever stuck."
    )
    assert [t.name for t in threading.enumerate()].count("floe-lineage-slow") == 1
    release.set()
    for _ in range(100):
        if not worker.stuck:
            break
        time.sleep(0.02)
    worker.run(lambda: None, deadline=1)  # free again
    worker.close()


def test_a_second_caller_waits_for_a_send_under_way_within_its_own_deadline():
    worker = SendWorker("shared")
    gate = threading.Event()
    done: list[str] = []
    first = threading.Thread(target=lambda: worker.run(lambda: gate.wait(5), deadline=5))
    first.start()
    time.sleep(0.1)
    second = threading.Thread(target=lambda: worker.run(lambda: done.append("second"), deadline=5))
    second.start()
    time.sleep(0.1)
    gate.set()
    first.join(5)
    second.join(5)
    assert done == ["second"]
    worker.close()


@pytest.fixture
def silent_server():
    """A TCP server that accepts connections and never answers (nor closes them)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    listener.settimeout(0.1)
    stop = threading.Event()
    held: list[socket.socket] = []

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                continue
            held.append(connection)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join(2)
    for connection in held:
        connection.close()
    listener.close()


def _timed_emit(emitter: LineageEmitter) -> float:
    started = time.monotonic()
    emitter.emit("START", "job")
    return time.monotonic() - started


@pytest.mark.slow
def test_a_silent_receiver_costs_the_http_transport_about_its_deadline(silent_server, caplog):
    emitter = LineageEmitter({"type": "http", "url": f"http://{silent_server}", "timeout": 1})
    with caplog.at_level(logging.WARNING, logger="floe_dagster_lineage"):
        elapsed = _timed_emit(emitter)
    print(f"http transport, silent receiver, timeout 1 s: the event took {elapsed:.2f} s")
    assert 0.8 < elapsed < 5, elapsed
    (warning,) = [r for r in caplog.records if r.name == "floe_dagster_lineage"]
    assert "did not answer within 1 s" in warning.getMessage()
    assert emitter.counters["spooled"] == 1


@pytest.mark.slow
def test_a_silent_receiver_costs_a_pass_through_transport_about_its_deadline(silent_server, caplog):
    """openlineage-python's own http transport (5 retries with backoff) inside a composite."""
    config = {
        "type": "composite",
        "timeout": 1,
        "transports": [{"type": "http", "url": f"http://{silent_server}", "timeout": 5}],
    }
    emitter = LineageEmitter(config)
    assert isinstance(emitter.transport, OpenLineageTransport)
    assert emitter.deadline == 1.0
    with caplog.at_level(logging.WARNING, logger="floe_dagster_lineage"):
        elapsed = _timed_emit(emitter)
        # the abandoned send is still retrying: the next event fails at once, no second thread
        second = _timed_emit(emitter)
    print(
        f"composite(openlineage http) transport, silent receiver, deadline 1 s: the event took "
        f"{elapsed:.2f} s (unbounded: ~39 s), the next one {second:.3f} s"
    )
    assert 0.8 < elapsed < 5, elapsed
    assert second < 1
    warnings = [r.getMessage() for r in caplog.records if r.name == "floe_dagster_lineage"]
    assert "did not deliver within the deadline of 1 s; the send was abandoned" in warnings[0]
    assert emitter.counters["spooled"] == 2
    assert [t.name for t in threading.enumerate()].count("floe-lineage-composite") == 1


def test_a_dns_look_up_that_hangs_is_inside_the_deadline(monkeypatch, caplog):
    """getaddrinfo takes no timeout; the fault is injected because no real resolver hangs here."""
    release = threading.Event()

    def hanging_getaddrinfo(*args, **kwargs):
        release.wait(30)
        raise socket.gaierror("name resolution released by the test")

    monkeypatch.setattr(socket, "getaddrinfo", hanging_getaddrinfo)
    emitter = LineageEmitter({"type": "http", "url": "http://marquez.invalid:5000", "timeout": 0.5})
    with caplog.at_level(logging.WARNING, logger="floe_dagster_lineage"):
        elapsed = _timed_emit(emitter)
    release.set()
    assert elapsed < 5, elapsed
    (warning,) = [r for r in caplog.records if r.name == "floe_dagster_lineage"]
    assert "The http transport did not deliver within the deadline of 0.5 s" in warning.getMessage()
