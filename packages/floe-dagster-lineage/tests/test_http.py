"""The HTTP transport against a real local receiver: delivery, bearer token, bounded failures."""

from __future__ import annotations

import logging
import statistics
import time

import pytest

from floe_dagster_lineage import (
    DeliveryError,
    HttpTransport,
    LineageEmitter,
    Secret,
    TransportConfigError,
)
from floe_dagster_lineage.testing import LineageReceiver

pytestmark = pytest.mark.slow
TOKEN = "tok-3f5e6c1a-never-logged"


@pytest.fixture(scope="module")
def receiver():
    with LineageReceiver() as running:
        yield running


@pytest.fixture
def emitter(receiver):
    receiver.requests.clear()
    return LineageEmitter({"type": "http", "url": receiver.base_url, "api_key": TOKEN})


def test_events_are_posted_to_the_lineage_endpoint_with_the_bearer_token(
    emitter, receiver, validator
):
    for event_type in ("START", "RUNNING", "COMPLETE", "ABORT", "FAIL"):
        emitter.emit(event_type, "dbt_run_customers")
    assert [event["eventType"] for event in receiver.events] == [
        "START",
        "RUNNING",
        "COMPLETE",
        "ABORT",
        "FAIL",
    ]
    for request in receiver.requests:
        assert request.path == "/api/v1/lineage"
        assert request.headers["authorization"] == f"Bearer {TOKEN}"
        assert request.headers["content-type"] == "application/json"
        validator.assert_valid(request.body)
    assert (emitter.delivered, emitter.failures) == (5, 0)


def test_gzip_and_custom_headers(receiver):
    receiver.requests.clear()
    LineageEmitter(
        {
            "type": "http",
            "url": receiver.url,
            "compression": "gzip",
            "custom_headers": {"X-Team": "data"},
        }
    ).emit("START", "job")
    (request,) = receiver.requests
    assert request.headers["content-encoding"] == "gzip"
    assert request.headers["x-team"] == "data"
    assert request.event["eventType"] == "START"


def test_per_event_time_is_small(emitter, receiver):
    durations = []
    for _ in range(30):
        started = time.perf_counter()
        emitter.emit("COMPLETE", "job")
        durations.append(time.perf_counter() - started)
    median = statistics.median(durations)
    print(f"HTTP transport: median {median * 1000:.2f} ms per event over 30 events")
    assert median < 0.1


@pytest.mark.parametrize("status", [500, 404])
def test_an_error_answer_logs_one_warning_per_event_and_never_raises(status, caplog):
    with LineageReceiver(status=status) as failing:
        emitter = LineageEmitter({"type": "http", "url": failing.base_url, "api_key": TOKEN})
        with caplog.at_level(logging.WARNING, logger="floe_dagster_lineage"):
            emitter.emit("START", "job")
            emitter.emit("FAIL", "job", error="boom")
    warnings = [r for r in caplog.records if r.name == "floe_dagster_lineage"]
    assert len(warnings) == 2
    # one attempt per event, no retries: the second emission's attempt is the replay of the first
    # event, which fails, so the second event queues behind it unattempted
    assert len(failing.requests) == 2
    assert [r.event["eventType"] for r in failing.requests] == ["START", "START"]
    message = warnings[0].getMessage()
    assert "OpenLineage START event of job default/job" in message
    assert f"answered HTTP {status}" in message
    assert "The run goes on; this event is spooled to " in message
    assert "(1 spooled, 0 dropped, 1 undelivered so far)" in message
    assert "(2 spooled, 0 dropped, 2 undelivered so far)" in warnings[1].getMessage()
    assert emitter.failures == 2
    assert all(TOKEN not in record.getMessage() for record in caplog.records)


def test_a_hanging_receiver_costs_at_most_the_timeout(caplog):
    with LineageReceiver(delay=30) as hanging:
        emitter = LineageEmitter({"type": "http", "url": hanging.base_url, "timeout": 0.5})
        with caplog.at_level(logging.WARNING, logger="floe_dagster_lineage"):
            started = time.monotonic()
            run_id = emitter.emit("START", "job")
            elapsed = time.monotonic() - started
    assert run_id is not None
    assert 0.4 < elapsed < 1.5, elapsed
    (warning,) = [r for r in caplog.records if r.name == "floe_dagster_lineage"]
    assert "did not answer within 0.5 s" in warning.getMessage()


def test_an_unreachable_receiver_fails_fast(caplog):
    with LineageReceiver() as gone:
        url = gone.base_url
    emitter = LineageEmitter({"type": "http", "url": url, "timeout": 1})
    with caplog.at_level(logging.WARNING, logger="floe_dagster_lineage"):
        started = time.monotonic()
        emitter.emit("START", "job")
        assert time.monotonic() - started < 1.5
    (warning,) = [r for r in caplog.records if r.name == "floe_dagster_lineage"]
    assert f"Cannot POST to {url}/api/v1/lineage" in warning.getMessage()


def test_send_raises_delivery_error_directly():
    with LineageReceiver(status=503) as failing:
        transport = HttpTransport(failing.url, timeout=2)
        with pytest.raises(DeliveryError, match=r"answered HTTP 503 Service Unavailable \(\{"):
            transport.send(None, "{}")


@pytest.mark.parametrize(
    ("config", "url"),
    [
        ({"url": "http://m:5000"}, "http://m:5000/api/v1/lineage"),
        ({"url": "http://m:5000/"}, "http://m:5000/api/v1/lineage"),
        # floe-lineage-marquez's get_transport_config(): the path is already there
        (
            {"url": "http://m:5000/api/v1/lineage", "drain_timeout": 30.0},
            "http://m:5000/api/v1/lineage",
        ),
        ({"url": "http://m:5000", "endpoint": "api/v2/events"}, "http://m:5000/api/v2/events"),
        ({"url": "https://h/base", "endpoint": "/lineage"}, "https://h/base/lineage"),
    ],
)
def test_url_and_endpoint(config, url):
    assert HttpTransport.from_config({"type": "http", **config}).url == url


def test_token_sources(monkeypatch, tmp_path):
    assert HttpTransport.from_config({"url": "http://m"}).token is None
    auth = {"type": "api_key", "apiKey": TOKEN}
    assert HttpTransport.from_config({"url": "http://m", "auth": auth}).token.reveal() == TOKEN
    monkeypatch.setenv("FLOE_LINEAGE_TOKEN", TOKEN)
    from_env = HttpTransport.from_config({"url": "http://m", "token_env": "FLOE_LINEAGE_TOKEN"})
    assert from_env.token.reveal() == TOKEN
    secret_file = tmp_path / "token"
    secret_file.write_text(TOKEN + "\n")
    from_file = HttpTransport.from_config({"url": "http://m", "token_file": str(secret_file)})
    assert from_file.token.reveal() == TOKEN
    assert TOKEN not in repr(from_file)
    assert TOKEN not in str(Secret(TOKEN))


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({}, "Lineage transport 'http' needs 'url'"),
        ({"url": "marquez:5000"}, "needs an http(s) URL with a host, got 'marquez:5000'"),
        (
            {"url": "http://m", "timeout": -1},
            "Lineage transport 'http' timeout must be a number of seconds > 0 and <= 30, got -1; "
            "set it to e.g. 5.",
        ),
        ({"url": "http://m", "timeout": "abc"}, "timeout must be a number of seconds > 0 and "),
        ({"url": "http://m", "timeout": float("nan")}, "<= 30, got nan; set it to e.g. 5."),
        ({"url": "http://m", "timeout": float("inf")}, "<= 30, got inf; set it to e.g. 5."),
        ({"url": "http://m", "timeout": 31}, "<= 30, got 31; set it to e.g. 5."),
        ({"url": "http://m", "timeout": True}, "<= 30, got True; set it to e.g. 5."),
        ({"url": "http://m", "retries": 3}, "does not know the key(s) retries; valid keys:"),
        ({"url": "http://m", "compression": "zstd"}, "compression must be 'gzip' or absent"),
        ({"url": "http://m", "auth": {"type": "jwt"}}, "supports auth type 'api_key'"),
        ({"url": "http://m", "token_env": "NOPE_UNSET"}, "environment variable 'NOPE_UNSET'"),
        ({"url": "http://m", "token_file": "/nonexistent/t"}, "cannot read its bearer token file"),
    ],
)
def test_invalid_http_configs_say_what_to_fix(config, message):
    with pytest.raises(TransportConfigError) as caught:
        HttpTransport.from_config(config)
    assert message in str(caught.value)


def test_user_info_in_the_url_never_shows(caplog):
    with LineageReceiver(status=500) as failing:
        url = failing.base_url.replace("http://", "http://user:pw-secret@")
        emitter = LineageEmitter({"type": "http", "url": url})
        with caplog.at_level(logging.WARNING, logger="floe_dagster_lineage"):
            emitter.emit("START", "job")
    assert "pw-secret" not in caplog.text
    assert "pw-secret" not in repr(emitter.transport)


def test_https_without_verification_builds_an_unverified_context():
    transport = HttpTransport("https://127.0.0.1:9/api/v1/lineage", verify=False, timeout=0.5)
    connection = transport._connection("https", "127.0.0.1", 9)
    assert connection._context.verify_mode.name == "CERT_NONE"  # type: ignore[attr-defined]
    with pytest.raises(
        DeliveryError, match=r"Cannot POST to https://127\.0\.0\.1:9/api/v1/lineage"
    ):
        transport.send(None, "{}")


@pytest.fixture
def dripping_url():
    """A receiver that answers one byte every 0.1 s, forever (defeats per-read timeouts)."""
    import socket
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    stop = threading.Event()

    def serve() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)
            answer = b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 10_000
            for byte in answer:
                if stop.wait(0.1):
                    return
                try:
                    connection.sendall(bytes([byte]))
                except OSError:
                    return

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join(timeout=2)
    listener.close()


def test_a_dripping_receiver_cannot_stretch_the_budget(dripping_url, caplog):
    emitter = LineageEmitter({"type": "http", "url": dripping_url, "timeout": 0.5})
    with caplog.at_level(logging.WARNING, logger="floe_dagster_lineage"):
        started = time.monotonic()
        emitter.emit("START", "job")
        elapsed = time.monotonic() - started
    assert 0.4 < elapsed < 1.0, elapsed
    (warning,) = [r for r in caplog.records if r.name == "floe_dagster_lineage"]
    assert "did not answer within 0.5 s" in warning.getMessage()
