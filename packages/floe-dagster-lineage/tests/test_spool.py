"""The spool: bounded, ordered, shared safely between processes, replayed oldest first."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from floe_dagster_lineage import (
    Spool,
    SpoolError,
    SpoolSummary,
    build_run_event,
    default_spool_path,
    to_json,
)


def _payload(index: int) -> str:
    return to_json(build_run_event("START", f"job_{index}", job_namespace="floe"))


def _jobs(payloads: list[str]) -> list[str]:
    return [json.loads(payload)["job"]["name"] for payload in payloads]


def test_events_are_replayed_oldest_first_and_leave_the_spool(tmp_path):
    spool = Spool(tmp_path / "spool.jsonl")
    payloads = [_payload(index) for index in range(5)]
    for payload in payloads:
        assert spool.append(payload)
    assert spool.count() == 5
    sent: list[str] = []
    summary = spool.replay(sent.append)
    assert sent == payloads  # exactly the bytes spooled: ids and eventTime kept
    assert summary == SpoolSummary(spool.path, delivered=5, remaining=0)
    assert str(summary) == f"replayed 5 lineage event(s) from {spool.path}; 0 remain."
    assert spool.path.read_bytes() == b""
    assert not spool.has_events()


def test_a_replay_stops_at_the_first_failure_and_keeps_the_order(tmp_path):
    spool = Spool(tmp_path / "spool.jsonl")
    payloads = [_payload(index) for index in range(4)]
    for payload in payloads:
        spool.append(payload)
    sent: list[str] = []

    def send(payload: str) -> None:
        if len(sent) == 2:
            raise ConnectionError("receiver went away")
        sent.append(payload)

    summary = spool.replay(send)
    assert (summary.delivered, summary.remaining, summary.failed) == (2, 2, "receiver went away")
    assert str(summary).endswith("; 2 remain (stopped: receiver went away).")
    assert _jobs(spool.path.read_text().splitlines()) == ["job_2", "job_3"]
    assert spool.replay(sent.append).delivered == 2
    assert sent == payloads


def test_a_replay_is_bounded_in_events_and_in_time(tmp_path):
    spool = Spool(tmp_path / "spool.jsonl")
    for index in range(250):  # more than one batch of 100
        spool.append(_payload(index))
    summary = spool.replay(lambda payload: None, max_events=130)
    assert (summary.delivered, summary.remaining) == (130, 120)
    assert summary.failed == "at most 130 event(s) per replay"
    timed = spool.replay(lambda payload: None, max_seconds=0)
    assert (timed.delivered, timed.remaining, timed.failed) == (0, 120, "at most 0 s per replay")
    assert _jobs(spool.path.read_text().splitlines())[0] == "job_130"


def test_a_full_spool_refuses_the_newest_event(tmp_path):
    first = _payload(0)
    spool = Spool(tmp_path / "spool.jsonl", max_bytes=len(first) * 2 + 2)
    assert spool.append(first)
    assert spool.append(_payload(1))
    assert not spool.append(_payload(2))  # refused: the oldest are kept
    assert _jobs(spool.path.read_text().splitlines()) == ["job_0", "job_1"]


def test_a_line_cut_short_by_a_crash_is_skipped_and_swallows_nothing(tmp_path, caplog):
    spool = Spool(tmp_path / "spool.jsonl")
    spool.path.write_text('{"eventType": "START", "job": {"na')  # a crash mid-write
    spool.append(_payload(1))
    sent: list[str] = []
    with caplog.at_level(logging.WARNING, logger="floe_dagster_lineage"):
        summary = spool.replay(sent.append)
    assert (summary.delivered, summary.skipped, summary.remaining) == (1, 1, 0)
    assert _jobs(sent) == ["job_1"]
    assert "skipped an unreadable line of the lineage spool" in caplog.records[0].getMessage()
    assert "skipped 1 unreadable line(s)" in str(summary)


def test_the_spool_file_is_private(tmp_path):
    spool = Spool(tmp_path / "state" / "spool.jsonl")
    spool.append(_payload(0))
    assert spool.path.stat().st_mode & 0o777 == 0o600


def test_a_locked_spool_gives_up_after_its_timeout_with_the_path(tmp_path):
    import fcntl

    spool = Spool(tmp_path / "spool.jsonl", lock_timeout=0.2)
    lock = os.open(tmp_path / "spool.jsonl.lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(lock, fcntl.LOCK_EX)
    try:
        with pytest.raises(SpoolError) as caught:
            spool.append(_payload(0))
    finally:
        os.close(lock)
    assert str(caught.value) == (
        f"The lineage spool {spool.path} is locked by another process (spool.jsonl.lock) for "
        "more than 0.2 s."
    )


def test_a_second_replayer_returns_at_once(tmp_path):
    spool = Spool(tmp_path / "spool.jsonl")
    spool.append(_payload(0))
    inner: list[SpoolSummary] = []
    spool.replay(lambda payload: inner.append(spool.replay(lambda p: None)))
    (summary,) = inner
    assert (summary.delivered, summary.failed) == (0, "another process is replaying it")


def test_an_unwritable_spool_says_how_to_fix_it(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(SpoolError) as caught:
        Spool(blocker / "spool.jsonl").append(_payload(0))
    message = str(caught.value)
    assert message.startswith(f"Cannot create the lineage spool {blocker / 'spool.jsonl'}: ")
    assert message.endswith(
        "make its folder writable or set FLOE_DAGSTER_LINEAGE_SPOOL to a writable file ('off' "
        "to disable spooling)."
    )


def test_max_bytes_is_validated():
    with pytest.raises(SpoolError, match="max_bytes must be a positive number of bytes, got 0"):
        Spool("x.jsonl", max_bytes=0)


_WORKER = """
import sys, time
from floe_dagster_lineage import Spool, build_run_event, to_json
spool = Spool(sys.argv[1])
for index in range(int(sys.argv[3])):
    payload = to_json(build_run_event("START", f"{sys.argv[2]}_{index}", job_namespace="floe"))
    assert spool.append(payload)
"""

_REPLAYER = """
import sys, time
from floe_dagster_lineage import Spool
spool = Spool(sys.argv[1])
out = open(sys.argv[2], "a")
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    summary = spool.replay(lambda payload: (out.write(payload + "\\n"), out.flush()))
    if open(sys.argv[3]).read() == "done" and not spool.has_events():
        break
    time.sleep(0.005)
"""


@pytest.mark.slow
def test_processes_appending_and_replaying_at_once_lose_and_duplicate_nothing(tmp_path):
    path = tmp_path / "spool.jsonl"
    delivered = tmp_path / "delivered.jsonl"
    flag = tmp_path / "flag"
    flag.write_text("")
    replayers = [
        subprocess.Popen([sys.executable, "-c", _REPLAYER, str(path), str(delivered), str(flag)])
        for _ in range(2)
    ]
    writers = [
        subprocess.Popen([sys.executable, "-c", _WORKER, str(path), f"w{n}", "150"])
        for n in range(3)
    ]
    for writer in writers:
        assert writer.wait(60) == 0
    flag.write_text("done")
    for replayer in replayers:
        assert replayer.wait(60) == 0
    names = _jobs(delivered.read_text().splitlines())
    expected = {f"w{n}_{index}" for n in range(3) for index in range(150)}
    assert len(names) == len(expected) == 450  # nothing duplicated
    assert set(names) == expected  # nothing lost
    for n in range(3):  # each writer's events in its own order
        mine = [name for name in names if name.startswith(f"w{n}_")]
        assert mine == [f"w{n}_{index}" for index in range(150)]
    assert not path.exists() or path.read_bytes() == b""


def test_the_default_path_follows_the_variable_then_the_state_folders(tmp_path, caplog):
    assert default_spool_path({"FLOE_DAGSTER_LINEAGE_SPOOL": "~/x.jsonl", "HOME": "/h"}) == (
        Path("~/x.jsonl").expanduser()
    )
    assert default_spool_path({"FLOE_DAGSTER_LINEAGE_SPOOL": "OFF"}) is None
    state = tmp_path / "state"
    assert default_spool_path({"XDG_STATE_HOME": str(state), "HOME": "/nonexistent"}) == (
        state / "floe-dagster" / "lineage-spool.jsonl"
    )
    assert not (state / "floe-dagster").exists()  # nothing is created until an event is spooled
    assert default_spool_path({"HOME": str(tmp_path)}) == (
        tmp_path / ".local" / "state" / "floe-dagster" / "lineage-spool.jsonl"
    )


@pytest.mark.parametrize("home", ["/", None, "file"])
def test_without_a_writable_home_the_spool_falls_back_to_the_temp_folder_and_says_so(
    home, tmp_path, caplog
):
    import tempfile

    environ = {}
    if home == "file":  # a HOME that cannot hold folders (read-only in effect, even for root)
        (tmp_path / "file").write_text("")
        environ["HOME"] = str(tmp_path / "file")
    elif home is not None:
        environ["HOME"] = home
    with caplog.at_level(logging.WARNING, logger="floe_dagster_lineage"):
        path = default_spool_path(environ)
    assert path == Path(tempfile.gettempdir()) / f"floe-dagster-{os.getuid()}" / (
        "lineage-spool.jsonl"
    )
    (warning,) = [r for r in caplog.records if r.name.startswith("floe_dagster_lineage")]
    message = warning.getMessage()
    assert message.startswith("no writable state folder for the lineage spool (tried ")
    assert f"spooling to {path} instead, which may not outlive this machine or pod" in message
    assert "Set FLOE_DAGSTER_LINEAGE_SPOOL to a file on a persistent volume" in message


def test_each_destination_has_its_own_default_spool(tmp_path):
    from floe_dagster_lineage import HttpTransport, spool_destination, transport_from_config

    marquez = HttpTransport("http://user:pw-planted@marquez:5000/api/v1/lineage")
    other = HttpTransport("http://other:5000/api/v1/lineage", timeout=2)
    assert spool_destination(marquez) == "http http://marquez:5000/api/v1/lineage"
    environ = {"HOME": str(tmp_path)}
    first = default_spool_path(environ, destination=spool_destination(marquez))
    second = default_spool_path(environ, destination=spool_destination(other))
    assert first != second
    assert first.parent == tmp_path / ".local" / "state" / "floe-dagster"
    assert first.name.startswith("lineage-spool-http-")
    assert "pw-planted" not in str(first)
    # a pass-through config: the same receiver whatever the timeout, secrets left out
    config = {"type": "composite", "transports": [{"type": "console"}]}
    one = spool_destination(transport_from_config({**config, "timeout": 1}))
    two = spool_destination(transport_from_config({**config, "timeout": 9}))
    assert one == two


def test_a_replay_of_an_unusable_spool_raises_the_reason_not_busy(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(SpoolError, match="Cannot create the lineage spool"):
        Spool(blocker / "spool.jsonl").replay(lambda payload: None)
