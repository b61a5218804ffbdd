"""What differs between Dagster 1.10, 1.11, 1.12 and 1.13 for the lineage sensors, in one place."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import dagster as dg

_PAGE = 1000


def records_for_run(instance: Any, run_id: str, event_types: set[Any]) -> Iterator[Any]:
    """Every event log record of one run of the given types, oldest first, page by page."""
    cursor: str | None = None
    while True:
        connection = instance.get_records_for_run(
            run_id, cursor=cursor, of_type=event_types, limit=_PAGE
        )
        yield from connection.records
        if not connection.has_more:
            return
        cursor = connection.cursor


def parent_keys(asset_graph: Any, key: dg.AssetKey) -> list[dg.AssetKey]:
    """The asset's upstream keys in a repository's asset graph ([] when it is not there)."""
    if asset_graph is None or not asset_graph.has(key):
        return []
    return sorted(asset_graph.get(key).parent_keys, key=lambda k: k.to_user_string())


def asset_graph_of(context: Any) -> Any:
    """The asset graph of the sensor's repository, when the context has one."""
    repository = getattr(context, "repository_def", None)
    return getattr(repository, "asset_graph", None) if repository is not None else None
