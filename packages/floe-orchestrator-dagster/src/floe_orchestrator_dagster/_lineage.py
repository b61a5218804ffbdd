"""OpenLineage emission through floe's lineage backend: the facade's side (issue: lineage)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from floe_orchestrator_dagster._lineage_settings import LineageSettings


class LineageGateway:
    """Turns floe-core lineage calls into OpenLineage events for the configured backend."""

    def __init__(self, settings: LineageSettings) -> None:
        self.settings = settings

    def emit(self, event_type: Any, job_name: str, **kwargs: Any) -> UUID:
        """Emit one run event; returns its run id."""
        raise NotImplementedError(
            "emit_lineage_event (OpenLineage events through the lineage backend) is not "
            "implemented yet in this version of floe-orchestrator-dagster"
        )

    def observers_for(self, artifacts: Mapping[str, Any]) -> list[Any]:
        """``floe_dagster_core.AssetObserver`` objects that emit lineage for each asset run."""
        return []
