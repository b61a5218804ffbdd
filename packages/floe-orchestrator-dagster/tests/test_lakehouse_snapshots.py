"""Snapshot retention from ``governance``, on a real Iceberg table.

Snapshot age is measured against the ``now_ms`` the export passes (the clock); the tests pass a
time some hours ahead instead of waiting for the snapshots to age.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest
from floe_core.schemas.compiled_artifacts import ResolvedGovernance
from floe_iceberg.models import IcebergTableManagerConfig

from floe_dagster_core.testing import compiled_artifacts
from floe_orchestrator_dagster._artifacts import read_artifacts
from floe_orchestrator_dagster._lakehouse._plugins import lakehouse_of
from floe_orchestrator_dagster._lakehouse._snapshots import RetentionPolicy, expire_snapshots
from lakehouse_parts import local_lakehouse

HOUR_MS = 3600 * 1000


@pytest.fixture
def manager(tmp_path: Path):
    from floe_iceberg.manager import IcebergTableManager

    lakehouse = lakehouse_of(
        read_artifacts(compiled_artifacts({"name": "t"}, **local_lakehouse(tmp_path)))
    )
    manager = IcebergTableManager(lakehouse.catalog, lakehouse.storage)
    manager.catalog.create_namespace(
        "shop", {"location": lakehouse.storage.get_warehouse_uri("shop")}
    )
    return manager


def written(manager, overwrites: int):
    data = pa.table({"id": [1, 2, 3]})
    table = manager.catalog.create_table("shop.t", schema=data.schema)
    table.append(data)
    for _ in range(overwrites):
        table.overwrite(data)  # a delete and an append snapshot each
    return manager.load_table("shop.t")


def policy(**governance) -> RetentionPolicy:
    config = IcebergTableManagerConfig.from_governance(ResolvedGovernance(**governance))
    return RetentionPolicy.from_config(config)


def test_governance_sets_the_policy():
    assert policy(snapshot_keep_last=3, default_ttl_hours=2) == RetentionPolicy(3, 2 * HOUR_MS)
    # floe-iceberg's defaults without governance: keep 10, expire after 7 days
    defaults = RetentionPolicy.from_config(IcebergTableManagerConfig.from_governance(None))
    assert defaults == RetentionPolicy(keep_last=10, max_age_ms=7 * 24 * HOUR_MS)


def test_old_snapshots_beyond_keep_last_expire_in_one_commit(manager):
    table = written(manager, overwrites=3)
    assert len(table.snapshots()) == 7
    current = table.current_snapshot().snapshot_id
    newest = [s.snapshot_id for s in manager.list_snapshots(table)][:3]
    later = table.current_snapshot().timestamp_ms + 2 * HOUR_MS
    expired = expire_snapshots(
        manager, table, policy(snapshot_keep_last=3, default_ttl_hours=1), later
    )
    assert expired == 4
    reloaded = manager.load_table("shop.t")
    assert [s.snapshot_id for s in manager.list_snapshots(reloaded)] == newest
    assert reloaded.current_snapshot().snapshot_id == current
    assert reloaded.scan().to_arrow().num_rows == 3


def test_young_snapshots_are_kept_whatever_their_number(manager):
    table = written(manager, overwrites=3)
    soon = table.current_snapshot().timestamp_ms + HOUR_MS // 2
    assert (
        expire_snapshots(manager, table, policy(snapshot_keep_last=1, default_ttl_hours=1), soon)
        == 0
    )
    assert len(manager.load_table("shop.t").snapshots()) == 7


def test_the_current_snapshot_never_expires(manager):
    table = written(manager, overwrites=0)
    much_later = table.current_snapshot().timestamp_ms + 1000 * HOUR_MS
    tight = RetentionPolicy(keep_last=0, max_age_ms=1)
    assert expire_snapshots(manager, table, tight, much_later) == 0
    assert len(manager.load_table("shop.t").snapshots()) == 1
