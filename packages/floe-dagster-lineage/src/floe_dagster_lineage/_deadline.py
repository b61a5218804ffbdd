"""One overall deadline per event for every transport: a bounded, reused send worker.

openlineage-python's transports (composite, kafka, its own http...) retry on their own terms: one
event was seen to block for 39 s against a silent receiver although its timeout was 5 s. And even
our HTTP transport cannot bound a DNS look-up (``getaddrinfo`` takes no timeout). So every send runs
in one daemon worker thread per emitter (started on the first send, then reused; idle, it waits on a
queue and costs no CPU, and it ends after 10 s without work) and the caller waits at most the
deadline for it. A send that overruns is
abandoned: the caller gets a ``DeliveryError`` at once (the emitter spools the event) while the
worker finishes or fails the stuck send in the background. Until it does, every further send fails
at once, so there is never more than one stuck send, nor more than one thread, per transport.
"""

from __future__ import annotations

import math
import os
import queue
import threading
import time
from collections.abc import Callable
from typing import Any

from floe_dagster_lineage._errors import DeliveryError, TransportConfigError

DEFAULT_TIMEOUT = 5.0
MAX_TIMEOUT = 30.0
# the caller waits this much longer than the deadline, so that a transport's own timeout (our HTTP
# transport's, which names the cause) fires first when both are the same number
GRACE = 0.2
# an idle worker ends after this many seconds (a discarded emitter leaves no thread behind)
IDLE_EXIT = 10.0


def validate_timeout(value: Any, *, setting: str = "timeout") -> float:
    """A time budget in seconds: a finite number > 0 and <= 30.

    Args:
        value: A number, or a string holding one (from an environment variable).
        setting: The setting's name, for the message (e.g. ``lineage.timeout``).

    Returns:
        The budget as a float.

    Raises:
        TransportConfigError: For anything else (``nan``, ``inf``, ``"abc"``, ``0``, ``31``,
            ``True``), naming the setting and the valid range.

    Examples:
        >>> validate_timeout("2.5")
        2.5
        >>> validate_timeout(float("nan"), setting="lineage.timeout")
        Traceback (most recent call last):
        ...
        floe_dagster_lineage._errors.TransportConfigError: `lineage.timeout` must be a number of seconds > 0 and <= 30, got nan; set it to e.g. 5.
    """  # noqa: E501
    number: float | None = None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            number = None
    if number is None or not math.isfinite(number) or not 0 < number <= MAX_TIMEOUT:
        raise TransportConfigError(
            f"{_sentence_start(setting)} must be a number of seconds > 0 and <= {MAX_TIMEOUT:g}, "
            f"got {value!r}; set it to e.g. {DEFAULT_TIMEOUT:g}."
        )
    return number


def _sentence_start(setting: str) -> str:
    """A setting's name to open a message: a code name in backticks, else with a capital."""
    if " " not in setting and any(mark in setting for mark in "._"):
        return f"`{setting}`"
    return setting[:1].upper() + setting[1:]


class _Job:
    __slots__ = ("call", "done", "error")

    def __init__(self, call: Callable[[], None]) -> None:
        self.call = call
        self.done = threading.Event()
        self.error: BaseException | None = None


class SendWorker:
    """Runs one send at a time in a reused daemon thread; the caller waits at most a deadline.

    A caller that finds another caller's send under way waits for it, within its own deadline;
    one that finds an abandoned (overrun) send still running fails at once.

    Args:
        name: The transport's name, for messages and the thread's name.

    Examples:
        >>> worker = SendWorker("file")
        >>> worker.run(lambda: None, deadline=1.0)
        >>> worker.close()
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self._reset()

    def _reset(self) -> None:
        self._pid = os.getpid()
        self._free = threading.Condition()
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._busy_since: float | None = None
        self._abandoned = False

    @property
    def stuck(self) -> bool:
        """True while an abandoned send is still running."""
        return self._busy_since is not None and self._abandoned

    def run(self, call: Callable[[], None], *, deadline: float) -> None:
        """Run ``call`` in the worker and wait at most ``deadline`` (+0.2 s) for it.

        Raises:
            DeliveryError: When an abandoned send is still running (nothing is attempted), when
                ``call`` overruns the deadline (it is abandoned) or with ``call``'s own error.
        """
        if os.getpid() != self._pid:  # a forked child inherits no thread: start afresh
            self._reset()
        ends = time.monotonic() + deadline + GRACE
        with self._free:
            while self._busy_since is not None:
                if self._abandoned:
                    running = time.monotonic() - self._busy_since
                    raise DeliveryError(
                        f"The previous send through the {self.name} transport is still running "
                        f"after {running:.1f} s (abandoned at its deadline); this event is not "
                        "attempted, so that no more than one send is ever stuck."
                    )
                remaining = ends - time.monotonic()
                if remaining <= 0:
                    raise DeliveryError(
                        f"The {self.name} transport was busy with another event for the whole "
                        f"deadline of {deadline:g} s."
                    )
                self._free.wait(remaining)
            self._busy_since = time.monotonic()
            self._abandoned = False
            job = _Job(call)
            # enqueued under the lock that an idle worker takes before it ends: never orphaned
            self._jobs.put(job)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._serve, name=f"floe-lineage-{self.name}", daemon=True
                )
                self._thread.start()
        if not job.done.wait(max(ends - time.monotonic(), 0.0)):
            with self._free:
                if not job.done.is_set():
                    self._abandoned = True
                    raise DeliveryError(
                        f"The {self.name} transport did not deliver within the deadline of "
                        f"{deadline:g} s; the send was abandoned."
                    )
        if job.error is not None:
            raise job.error

    def _serve(self) -> None:
        while True:
            try:
                job = self._jobs.get(timeout=IDLE_EXIT)
            except queue.Empty:
                with self._free:
                    if self._jobs.empty():  # idle: end, a later send starts a new worker
                        if self._thread is threading.current_thread():
                            self._thread = None
                        return
                continue
            if job is None:
                return
            try:
                job.call()
            except BaseException as error:  # noqa: BLE001 - handed to the waiting caller
                job.error = error
            finally:
                with self._free:
                    self._busy_since = None
                    self._abandoned = False
                    job.done.set()
                    self._free.notify_all()

    def close(self) -> None:
        """Let the worker thread end (after a stuck send, if any, finishes)."""
        if self._thread is not None and self._thread.is_alive():
            self._jobs.put(None)
        self._thread = None
