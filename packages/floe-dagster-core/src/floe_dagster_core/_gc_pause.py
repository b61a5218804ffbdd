"""``collector_paused``: no full garbage collection while Definitions are built.

Building a product's Definitions allocates hundreds of thousands of objects (specs, metadata,
outputs, ops) that all stay alive. CPython's collector walks every live object of the process in
each full (generation 2) collection, and runs one each time the old objects have grown by a
quarter: at 2,000 to 5,000 models that is two or three collections of 0.3 to 1 s each during one
build, a third of a warm build (issue 14). Inside ``collector_paused`` the young generations are
still collected, so short-lived garbage cycles are freed as usual; only full collections wait,
and the first one after the block walks the new objects once. (Disabling the collector outright
lets the garbage cycles Dagster makes while it resolves jobs pile up: hundreds of MiB on some
products.)

Nested and concurrent builds share one pause: the thresholds are put back when the last of them
ends. A process that disabled the collector keeps it disabled.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_LOCK = threading.Lock()
#: Generation-1 collections between two full ones: more than any build makes.
_NEVER = 1_000_000_000
_state: dict[str, Any] = {"depth": 0, "thresholds": (700, 10, 10)}


@contextmanager
def collector_paused() -> Iterator[None]:
    """Hold off full garbage collections for the ``with`` block.

    Examples:
        >>> import gc
        >>> before = gc.get_threshold()
        >>> with collector_paused():
        ...     gc.get_threshold()[2] > 1_000_000
        True
        >>> gc.get_threshold() == before
        True
    """
    with _LOCK:
        if _state["depth"] == 0:
            _state["thresholds"] = gc.get_threshold()
            young, middle, _ = _state["thresholds"]
            gc.set_threshold(young, middle, _NEVER)
        _state["depth"] += 1
    try:
        yield
    finally:
        with _LOCK:
            _state["depth"] -= 1
            if _state["depth"] == 0:
                gc.set_threshold(*_state["thresholds"])
