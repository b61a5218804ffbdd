"""The probe's limits: one deadline that leaves no thread behind, one connection, a size cap.

The servers are real sockets on 127.0.0.1 (see fault_servers.py), whose threads are named
``fault-server...``: every other thread that a probe leaves alive is the probe's own.
"""

from __future__ import annotations

import json
import socket
import threading

import pytest

import dagster_server  # a helper module of this folder (pythonpath in pyproject.toml)
import fault_servers
from floe_orchestrator_dagster._connection import (
    ConnectionSettings,
    health_check,
    validate_connection,
)

servers = fault_servers
MIB = 1024 * 1024
TOO_BIG_FIX = (
    "where a Dagster webserver answers a few hundred bytes. Check that the URL points at "
    "dagster-webserver, not another service; set it in connection.url in the plugin config."
)


@pytest.fixture
def scripted():
    with servers.ScriptedServer().running() as server:
        yield server


@pytest.fixture(autouse=True)
def _no_proxy_from_the_environment(monkeypatch):
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


def probe(url: str, **settings):
    return validate_connection(ConnectionSettings(url=url, **settings))


def threads_started_since(before: set[threading.Thread]) -> list[str]:
    return sorted(
        t.name
        for t in threading.enumerate()
        if t not in before and t.is_alive() and not t.name.startswith("fault-server")
    )


# -- the deadline ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "server", [servers.silent_server, servers.dripping_server], ids=["silent", "dripping"]
)
@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"], ids=["address", "name"])
def test_no_thread_outlives_the_probe(server, host):
    with server() as url:
        before = set(threading.enumerate())
        result = probe(url.replace("127.0.0.1", host), timeout_seconds=0.5)
        left = threads_started_since(before)
    assert left == []
    assert not result.success
    assert "accepted the connection but did not answer GET /server_info within 0.5 s" in (
        result.message
    )


def test_no_thread_outlives_a_successful_probe(scripted):
    before = set(threading.enumerate())
    result = probe(scripted.url.replace("127.0.0.1", "localhost"))
    assert result.success, result.message
    assert [t for t in threads_started_since(before) if "process_request" not in t] == []


def test_a_hung_name_resolution_ends_at_the_deadline(monkeypatch):
    """getaddrinfo cannot be interrupted: its thread is left to finish, and the probe answers."""
    release = threading.Event()
    real_getaddrinfo = socket.getaddrinfo

    def hung(host, *args, **kwargs):
        if host == "hung-resolver.example":
            release.wait(30)
            raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", hung)
    before = set(threading.enumerate())
    health = health_check(
        ConnectionSettings(url="http://hung-resolver.example:3000"), "0.1.0", timeout=0.5
    )
    left = [t for t in threading.enumerate() if t not in before and t.is_alive()]
    release.set()
    assert health.details["outcome"] == "timeout"
    assert (
        "did not complete GET /server_info within 0.5 s (name resolution and connecting to "
        "hung-resolver.example port 3000)" in health.message
    )
    assert [t.name for t in left] == ["floe-dagster-probe-resolver"]
    left[0].join(timeout=5)
    assert not left[0].is_alive()


def test_no_network_operation_starts_after_the_deadline():
    import time

    import httpcore

    from floe_orchestrator_dagster._connection.transport import Deadline

    deadline = Deadline(time.monotonic() + 60)
    assert 59 < deadline.left(None, httpcore.ReadTimeout) <= 60
    assert deadline.left(1.5, httpcore.ReadTimeout) == 1.5
    with pytest.raises(httpcore.ReadTimeout, match="deadline of the connection check has passed"):
        Deadline(time.monotonic() - 0.001).left(5.0, httpcore.ReadTimeout)


def test_both_requests_share_one_connection(scripted):
    assert probe(scripted.url).success
    assert [(r.method, r.path) for r in scripted.received] == [
        ("GET", "/server_info"),
        ("POST", "/graphql"),
    ]
    assert scripted.connections == 1


# -- the size cap ---------------------------------------------------------------------------------


def server_info_of_size(size: int) -> str:
    """A /server_info answer that a Dagster webserver could give, padded to ``size`` bytes."""
    info = {"dagster_webserver_version": "1.12.22", "dagster_version": "1.12.22", "pad": ""}
    info["pad"] = "x" * (size - len(json.dumps(info)))
    return json.dumps(info)


def graphql_of_size(size: int) -> str:
    answer = {"data": {"version": "1.12.22"}, "pad": ""}
    answer["pad"] = "x" * (size - len(json.dumps(answer)))
    return json.dumps(answer)


@pytest.mark.parametrize(
    ("stage", "key", "body"),
    [
        ("GET /server_info", ("GET", "/server_info"), server_info_of_size),
        ("POST /graphql", ("POST", "/graphql"), graphql_of_size),
    ],
)
def test_an_answer_over_1_mib_is_refused(scripted, stage, key, body):
    scripted.replies[key] = servers.Reply(body=body(2 * MIB))
    result = probe(scripted.url)
    assert not result.success
    assert result.message == (
        f"The server at {scripted.url} (URL from connection.url) answered {stage} with more than "
        f"1 MiB (Content-Length: {2 * MIB} bytes), {TOO_BIG_FIX}"
    )


def test_an_answer_of_exactly_1_mib_is_read(scripted):
    scripted.replies[("GET", "/server_info")] = servers.Reply(body=server_info_of_size(MIB))
    result = probe(scripted.url)
    assert result.success, result.message


def test_an_endless_answer_is_cut_at_1_mib():
    with servers.flooding_server() as url:
        health = health_check(ConnectionSettings(url=url), "0.1.0", timeout=2)
    assert health.details["outcome"] == "too_large"
    assert (
        f"The server at {url} (URL from connection.url) answered GET /server_info with more than "
        f"1 MiB (the probe stopped reading there), {TOO_BIG_FIX}"
    ) in health.message


def test_a_large_error_page_is_still_an_http_error(scripted):
    scripted.replies[("GET", "/server_info")] = servers.Reply(
        502, "<html>" + "bad gateway " * 200_000 + "</html>", "text/html"
    )
    result = probe(scripted.url)
    assert "answered GET /server_info with HTTP 502 Bad Gateway: '<html>bad gateway" in (
        result.message
    )


def test_a_compressed_answer_is_not_dagster(scripted):
    """The probe asks for an uncompressed answer, so that the cap holds on what it stores."""
    scripted.replies[("GET", "/server_info")] = servers.Reply(
        body="\x1f\x8b", headers={"content-encoding": "gzip"}
    )
    result = probe(scripted.url)
    assert not result.success
    assert (
        "it is not a Dagster webserver: GET /server_info answered with Content-Encoding 'gzip' "
        "although the probe asked for an uncompressed answer (Accept-Encoding: identity)"
    ) in result.message
    assert scripted.received[0].headers["Accept-Encoding"] == "identity"


# -- proxies from the environment, as httpx and curl read them -------------------------------------


def test_a_proxy_from_the_environment_is_used(scripted, monkeypatch):
    target = "http://dagster-webserver.invalid:3000"
    replies = servers.dagster_replies()
    scripted.replies = {
        ("GET", f"{target}/server_info"): replies[("GET", "/server_info")],
        ("POST", f"{target}/graphql"): replies[("POST", "/graphql")],
    }
    monkeypatch.setenv("HTTP_PROXY", scripted.url)
    result = probe(target)
    assert result.success, result.message
    assert result.message.startswith(
        f"The Dagster webserver at {target} (URL from connection.url, through the proxy "
        f"{scripted.url} from HTTP_PROXY) answers: Dagster 1.12.22"
    )


def test_no_proxy_bypasses_the_proxy(scripted, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{dagster_server.free_port()}")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    assert probe(scripted.url).success


def test_an_unreachable_proxy_is_named(monkeypatch):
    proxy_port = dagster_server.free_port()
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy_port}")
    result = probe("http://dagster-webserver.invalid:3000")
    assert not result.success
    assert result.message.startswith(
        f"Connection refused by 127.0.0.1 port {proxy_port}: nothing listens at "
        "http://dagster-webserver.invalid:3000 (URL from connection.url, through the proxy "
        f"http://127.0.0.1:{proxy_port} from HTTP_PROXY)."
    )
