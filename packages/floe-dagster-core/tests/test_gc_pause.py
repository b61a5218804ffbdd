"""No full garbage collection runs while Definitions are built (``_gc_pause``)."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import pytest

from floe_dagster_core import collector_paused, create_definitions
from floe_dagster_core.testing import compiled_artifacts


def full_collections_held_off() -> bool:
    return gc.get_threshold()[2] > 1_000_000


@pytest.fixture
def collections() -> Iterator[list[int]]:
    """The generation of each collection the collector runs, with collections made frequent."""
    seen: list[int] = []

    def heard(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            seen.append(info["generation"])

    threshold = gc.get_threshold()
    gc.set_threshold(10, 1, 1)
    gc.callbacks.append(heard)
    try:
        yield seen
    finally:
        gc.callbacks.remove(heard)
        gc.set_threshold(*threshold)


class _Checker:
    """A quality checker declaring no checks; notes whether full collections were held off."""

    def __init__(self) -> None:
        self.held_off: list[bool] = []

    def checks(self) -> Sequence[Any]:
        self.held_off.append(full_collections_held_off())
        return []

    def run(self, info: Any, checks: Sequence[Any]) -> Any:  # pragma: no cover - not run
        raise AssertionError("no run here")

    def summarize(self, outcomes: Any) -> Mapping[str, Any]:  # pragma: no cover - not run
        return {}


def test_full_collections_wait_while_definitions_are_built() -> None:
    checker = _Checker()
    before = gc.get_threshold()

    defs = create_definitions(
        compiled_artifacts({"name": "stg_a", "depends_on": ["raw_a"]}), checker=checker
    )

    assert checker.held_off == [True]
    assert gc.get_threshold() == before
    assert defs.resolve_job_def("shop_analytics_job").name == "shop_analytics_job"


def test_young_collections_still_run_and_full_ones_resume_after(collections: list[int]) -> None:
    with collector_paused():
        [[] for _ in range(5_000)]
        held = list(collections)
    collections.clear()
    # CPython runs a full collection once the old objects grew by a quarter: grow them by half
    kept = [[] for _ in range(len(gc.get_objects()) // 2)]

    assert held
    assert set(held) <= {0, 1}
    assert 2 in collections
    assert kept


def test_a_failed_build_puts_the_thresholds_back() -> None:
    before = gc.get_threshold()
    with pytest.raises(ValueError, match="stg_a"):
        create_definitions(compiled_artifacts({"name": "stg_a", "depends_on": ["stg_a"]}))
    assert gc.get_threshold() == before


def test_nested_pauses_end_with_the_outermost() -> None:
    before = gc.get_threshold()
    with collector_paused():
        with collector_paused():
            assert full_collections_held_off()
        assert full_collections_held_off()
    assert gc.get_threshold() == before


def test_a_disabled_collector_stays_disabled() -> None:
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_thresholds_are_put_back_after_an_error() -> None:
    before = gc.get_threshold()
    with pytest.raises(RuntimeError, match="boom"), collector_paused():
        raise RuntimeError("boom")
    assert gc.get_threshold() == before


def test_concurrent_builds_share_one_pause() -> None:
    first_in, second_done, first_may_leave = threading.Event(), threading.Event(), threading.Event()
    seen: dict[str, bool] = {}
    before = gc.get_threshold()

    def first() -> None:
        with collector_paused():
            first_in.set()
            first_may_leave.wait(5)
            seen["first, after the second ended"] = full_collections_held_off()

    def second() -> None:
        first_in.wait(5)
        with collector_paused():
            pass
        seen["after the second"] = full_collections_held_off()
        second_done.set()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    second_done.wait(5)
    first_may_leave.set()
    for thread in threads:
        thread.join(5)

    assert seen == {"after the second": True, "first, after the second ended": True}
    assert gc.get_threshold() == before
