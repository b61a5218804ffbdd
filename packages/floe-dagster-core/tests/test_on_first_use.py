"""OnFirstUse: the facts observers need are built when a step first asks, once (issue 14)."""

from __future__ import annotations

import threading
import time

from floe_dagster_core._node_facts import OnFirstUse


def test_nothing_is_built_until_first_use_then_once() -> None:
    calls: list[int] = []
    facts = OnFirstUse(lambda: calls.append(1) or {"model.p.a": "a"})

    assert calls == []
    assert facts["model.p.a"] == "a"
    assert facts.get("model.p.b") is None
    assert list(facts) == ["model.p.a"]
    assert len(facts) == 1
    assert calls == [1]


def test_two_threads_asking_at_once_build_it_once() -> None:
    calls: list[int] = []

    def build() -> dict[str, int]:
        calls.append(1)
        time.sleep(0.05)
        return {"a": 1}

    facts = OnFirstUse(build)
    seen: list[int | None] = []
    threads = [threading.Thread(target=lambda: seen.append(facts.get("a"))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert calls == [1]
    assert seen == [1, 1, 1, 1]
