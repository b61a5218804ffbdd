"""The spool: undelivered events kept in a local JSON lines file until a replay delivers them.

Format: one event a line, exactly the JSON that was to be sent (ids and ``eventTime`` included, so
a replay of an event the receiver already took does no harm: Marquez de-duplicates on run id,
event type and event time). The file is therefore itself valid OpenLineage JSON lines.

Bound: ``max_bytes`` (64 MiB by default). A full spool **refuses the newest** event (counted and
logged as dropped): appending stays O(1), never rewrites the file, and what is kept is the oldest,
contiguous part of the history, starting at the outage.

Concurrency (several processes of one deployment may share a spool): two ``fcntl.flock`` lock
files beside the spool.

- ``<spool>.lock`` guards the file's contents for short moments only (append one line; read the
  head; remove the delivered head). It is waited for at most ``lock_timeout`` seconds (2 s).
- ``<spool>.replay.lock`` makes one process at a time the replayer; it is only ever tried, never
  waited for. The replayer sends without holding ``<spool>.lock``, so appends go on meanwhile, and
  only the replayer removes lines (the head it read and delivered), so nothing is lost or
  duplicated. A replayer killed between a delivery and the removal sends those events again later:
  delivery is at least once, and the receiver's de-duplication makes that harmless.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from floe_dagster_lineage._errors import LineageError, SpoolError
from floe_dagster_lineage._spool_path import SPOOL_ENV

logger = logging.getLogger("floe_dagster_lineage")

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
DEFAULT_LOCK_TIMEOUT = 2.0
_BATCH = 100


@dataclass(frozen=True)
class SpoolSummary:
    """What one replay of a spool did.

    Attributes:
        path: The spool file.
        delivered: Events delivered (and removed from the spool).
        remaining: Events still in the spool.
        failed: Why the replay stopped early (the first failed delivery, another process
            replaying, the time or count bound), None when it went through.
        skipped: Lines that were not the JSON of a run event (a crash mid-write), removed and
            logged.
    """

    path: Path
    delivered: int
    remaining: int
    failed: str | None = None
    skipped: int = 0

    def __str__(self) -> str:
        text = f"replayed {self.delivered} lineage event(s) from {self.path}"
        if self.skipped:
            text += f", skipped {self.skipped} unreadable line(s)"
        text += f"; {self.remaining} remain"
        if self.failed:
            text += f" (stopped: {self.failed})"
        return text + "."


class Spool:
    """A bounded JSON lines file of undelivered events, safe to share between processes.

    Args:
        path: The spool file (its folder is created, mode 0700; the file has mode 0600).
        max_bytes: The bound; an event that would make the file larger is refused.
        lock_timeout: Seconds to wait for the file lock before giving up (``SpoolError``).

    Examples:
        >>> import tempfile, pathlib
        >>> spool = Spool(pathlib.Path(tempfile.mkdtemp()) / "spool.jsonl")
        >>> from floe_dagster_lineage import build_run_event, to_json
        >>> spool.append(to_json(build_run_event("START", "job", job_namespace="floe")))
        True
        >>> spool.replay(lambda payload: None).delivered
        1
    """

    def __init__(
        self,
        path: str | Path,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    ) -> None:
        if isinstance(max_bytes, bool) or max_bytes <= 0:
            raise SpoolError(
                f"The lineage spool's max_bytes must be a positive number of bytes, got "
                f"{max_bytes!r}; e.g. {DEFAULT_MAX_BYTES} (64 MiB)."
            )
        self.path = Path(path)
        self.max_bytes = max_bytes
        self.lock_timeout = lock_timeout

    def __repr__(self) -> str:
        return f"Spool({str(self.path)!r}, max_bytes={self.max_bytes})"

    def has_events(self) -> bool:
        """Whether the file holds anything (one ``stat``, no lock: the fast path of every event)."""
        try:
            return self.path.stat().st_size > 0
        except OSError:
            return False

    def size(self) -> int:
        """The file's size in bytes (0 when it does not exist)."""
        try:
            return self.path.stat().st_size
        except OSError:
            return 0

    def count(self) -> int:
        """The number of events in the spool (reads the file)."""
        with self._locked(".lock"):
            try:
                with self.path.open("rb") as handle:
                    return sum(1 for line in handle if line.strip())
            except FileNotFoundError:
                return 0

    def append(self, payload: str) -> bool:
        """Append one event; False (nothing written) when it would exceed ``max_bytes``.

        Raises:
            SpoolError: When the file cannot be locked in time or written.
        """
        line = payload.replace("\n", " ").encode("utf-8") + b"\n"
        with self._locked(".lock"):
            try:
                descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
            except OSError as error:
                raise SpoolError(self._cannot("open", error)) from None
            try:
                size = os.fstat(descriptor).st_size
                # a line cut short by a crash must not swallow this one
                if size and os.pread(descriptor, 1, size - 1) != b"\n":
                    line = b"\n" + line
                if size + len(line) > self.max_bytes:
                    return False
                os.write(descriptor, line)
            except OSError as error:
                raise SpoolError(self._cannot("write", error)) from None
            finally:
                os.close(descriptor)
        return True

    def replay(
        self,
        send: Callable[[str], None],
        *,
        max_events: int | None = None,
        max_seconds: float | None = None,
        count: bool = True,
    ) -> SpoolSummary:
        """Deliver the spooled events oldest first, removing each batch once delivered.

        Stops at the first failure (that event and all after it stay, in order), after
        ``max_events`` events, or once ``max_seconds`` have passed (no send starts later).
        Another process replaying the same spool makes this return at once.

        Args:
            send: Delivers one payload; raises when it cannot.
            max_events: The most events to deliver (all when None).
            max_seconds: No send starts after this many seconds (no bound when None).
            count: Count the events that remain (reads the file); when False, ``remaining`` is
                only 1 or 0: whether any remain.

        Returns:
            What was done, with the number of events that remain.

        Raises:
            SpoolError: When the file cannot be locked in time, read or rewritten.
        """
        started = time.monotonic()
        delivered = skipped = 0
        failed: str | None = None
        replaying = self._locked(".replay.lock", wait=False)
        try:
            replaying.__enter__()
        except _Busy:
            busy = "another process is replaying it"
            return SpoolSummary(self.path, 0, self._remaining(count), busy)
        try:
            while failed is None:
                with self._locked(".lock"):
                    head = self._head(_BATCH)
                if not head:
                    break
                done = 0
                for line in head:
                    if max_events is not None and delivered >= max_events:
                        failed = f"at most {max_events} event(s) per replay"
                        break
                    if max_seconds is not None and time.monotonic() - started >= max_seconds:
                        failed = f"at most {max_seconds:g} s per replay"
                        break
                    payload = line.decode("utf-8", "replace").strip()
                    if not _is_run_event(payload):
                        skipped += 1
                        done += len(line)
                        logger.warning(
                            "skipped an unreadable line of the lineage spool %s (%d bytes, "
                            "not the JSON of a run event: a write cut short, or an edit)",
                            self.path,
                            len(line),
                        )
                        continue
                    try:
                        send(payload)
                    except Exception as error:  # noqa: BLE001 - the reason is the result
                        failed = str(error) or type(error).__name__
                        break
                    delivered += 1
                    done += len(line)
                with self._locked(".lock"):
                    self._drop_head(done)
        finally:
            replaying.__exit__(None, None, None)
        return SpoolSummary(self.path, delivered, self._remaining(count), failed, skipped)

    def _remaining(self, count: bool) -> int:
        return self.count() if count else int(self.has_events())

    def _head(self, limit: int) -> list[bytes]:
        try:
            with self.path.open("rb") as handle:
                lines = []
                for line in handle:
                    lines.append(line)
                    if len(lines) >= limit:
                        break
                return lines
        except FileNotFoundError:
            return []
        except OSError as error:
            raise SpoolError(self._cannot("read", error)) from None

    def _drop_head(self, count: int) -> None:
        """Remove the first ``count`` bytes; lines appended meanwhile stay, in order."""
        if not count:
            return
        try:
            with self.path.open("rb") as source:
                source.seek(count)
                rest = source.read()
            if not rest:
                os.truncate(self.path, 0)
                return
            temporary = self.path.with_name(self.path.name + ".tmp")
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "wb") as target:
                target.write(rest)
            os.replace(temporary, self.path)
        except OSError as error:
            raise SpoolError(self._cannot("rewrite", error)) from None

    @contextmanager
    def _locked(self, suffix: str, *, wait: bool = True) -> Iterator[None]:
        import fcntl

        lock_path = self.path.with_name(self.path.name + suffix)
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as error:
            raise SpoolError(self._cannot("create", error)) from None
        try:
            deadline = time.monotonic() + (self.lock_timeout if wait else 0)
            while True:
                try:
                    fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise _Busy(
                            f"The lineage spool {self.path} is locked by another process "
                            f"({lock_path.name}) for more than {self.lock_timeout:g} s."
                        ) from None
                    time.sleep(0.01)
            try:
                yield
            finally:
                fcntl.flock(descriptor, fcntl.LOCK_UN)
        finally:
            os.close(descriptor)

    def _cannot(self, what: str, error: OSError) -> str:
        return (
            f"Cannot {what} the lineage spool {self.path}: {error.strerror or error}; make its "
            f"folder writable or set {SPOOL_ENV} to a writable file ('off' to disable spooling)."
        )


class _Busy(SpoolError):
    """Another process holds the lock (an unusable spool raises plain ``SpoolError``)."""


def _is_run_event(payload: str) -> bool:
    """Whether a line can be replayed: the JSON of a run event (else it would block the spool)."""
    from floe_dagster_lineage._events import event_from_json

    try:
        event_from_json(payload)
    except LineageError:
        return False
    return True
