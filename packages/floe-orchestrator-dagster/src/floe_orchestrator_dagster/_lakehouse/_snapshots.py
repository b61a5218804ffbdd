"""Snapshot retention after each write, from the artifacts' ``governance``.

floe-iceberg's ``IcebergTableManagerConfig.from_governance`` turns governance into the policy:

- ``snapshot_keep_last`` -> ``min_snapshots_to_keep`` (default 10), the newest snapshots that are
  always kept;
- ``default_ttl_hours`` -> ``history.expire.max-snapshot-age-ms`` (default: floe-iceberg's
  ``default_retention_days``, 7 days), the age past which an older snapshot expires.

These are Iceberg's own semantics (``history.expire.*``, which new tables also get as properties,
so that any engine's maintenance agrees): a snapshot expires when it is older than the maximum
age **and** not among the newest ``min_snapshots_to_keep``; the current snapshot and branch or tag
heads never expire. Expiring removes snapshots from the table metadata (one commit); files are
left to the storage's lifecycle or an orphan-file cleanup.

The snapshots are listed with floe-iceberg's ``list_snapshots``. They are removed with pyiceberg's
``ExpireSnapshots``: floe-iceberg 0.1.0a1's ``expire_snapshots`` expires nothing on pyiceberg 0.12
(it looks for ``Table.expire_snapshots`` and ``ManageSnapshots.remove_snapshot``, which pyiceberg
no longer has, and commits nothing).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

_MAX_AGE_PROPERTY = "history.expire.max-snapshot-age-ms"
_DAY_MS = 24 * 3600 * 1000


@dataclass(frozen=True)
class RetentionPolicy:
    """How many snapshots to keep and how old the others may get.

    Attributes:
        keep_last: The newest snapshots always kept.
        max_age_ms: The age (milliseconds) past which an older snapshot expires.
    """

    keep_last: int
    max_age_ms: int

    @classmethod
    def from_config(cls, config: Any) -> RetentionPolicy:
        """The policy of floe-iceberg's ``IcebergTableManagerConfig`` (see the module docstring).

        Examples:
            >>> from floe_iceberg.models import IcebergTableManagerConfig
            >>> from floe_core.schemas.compiled_artifacts import ResolvedGovernance
            >>> governance = ResolvedGovernance(snapshot_keep_last=3, default_ttl_hours=24)
            >>> RetentionPolicy.from_config(IcebergTableManagerConfig.from_governance(governance))
            RetentionPolicy(keep_last=3, max_age_ms=86400000)
        """
        age = config.default_table_properties.get(_MAX_AGE_PROPERTY)
        max_age = int(age) if age else int(config.default_retention_days) * _DAY_MS
        return cls(keep_last=int(config.min_snapshots_to_keep), max_age_ms=max_age)


def expire_snapshots(
    manager: Any, table: Any, policy: RetentionPolicy, now_ms: int | None = None
) -> int:
    """Expire the snapshots ``policy`` lets go, in one commit; returns how many.

    Args:
        manager: floe-iceberg's ``IcebergTableManager``.
        table: The pyiceberg table, just written.
        policy: The retention policy.
        now_ms: The current time (epoch milliseconds); the clock by default.
    """
    now = int(time.time() * 1000) if now_ms is None else now_ms
    snapshots = manager.list_snapshots(table)  # newest first
    current = table.current_snapshot()
    protected = {ref.snapshot_id for ref in table.metadata.refs.values()}
    if current is not None:
        protected.add(current.snapshot_id)
    expired = [
        s.snapshot_id
        for s in snapshots[policy.keep_last :]
        if now - s.timestamp_ms > policy.max_age_ms and s.snapshot_id not in protected
    ]
    if expired:
        table.maintenance.expire_snapshots().by_ids(expired).commit()
    return len(expired)
