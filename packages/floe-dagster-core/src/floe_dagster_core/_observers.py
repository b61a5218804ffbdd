"""The observer protocol: how code outside core learns that an asset started, succeeded or failed.

Core knows nothing of lineage; the facade hands ``create_definitions`` observers (for example an
adapter that emits OpenLineage events) and core's asset bodies call them from dbt's event stream,
once per dbt model: ``started`` when the model begins, then ``succeeded`` or ``failed``.
An observer must never raise; core guards each call anyway and logs a warning if one does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable


@dataclass(frozen=True)
class AssetRunInfo:
    """One asset's execution inside one Dagster run.

    Attributes:
        asset_key: The asset key as a slash-joined string (e.g. ``"marts/fct_orders"``).
        model: The dbt model / floe transform name (e.g. ``"fct_orders"``).
        upstream: Asset keys (slash-joined) this asset reads from, sources included.
        run_id: The Dagster run id.
        job_name: The Dagster job name.
        compute: The compute target (dbt target) the model runs on.
        metadata: Extra facts (schema, database, materialization, columns when known).
    """

    asset_key: str
    model: str
    upstream: Sequence[str]
    run_id: str
    job_name: str
    compute: str
    metadata: Mapping[str, Any] = field(default_factory=dict)


@runtime_checkable
class AssetObserver(Protocol):
    """Receives the start and end of every asset execution."""

    def started(self, info: AssetRunInfo) -> None:
        """The asset's dbt model started."""

    def succeeded(self, info: AssetRunInfo) -> None:
        """The asset's dbt model finished successfully."""

    def failed(self, info: AssetRunInfo, error: str) -> None:
        """The asset's dbt model failed; ``error`` is dbt's message."""
