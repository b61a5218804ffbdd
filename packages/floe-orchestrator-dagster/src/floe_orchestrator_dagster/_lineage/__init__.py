"""OpenLineage through floe's lineage backend: the facade's side.

``gateway`` resolves where events go (``LineageGateway``); ``observer`` turns core's observer
hooks into the product run's and each model's events; ``product_run`` closes product runs from
Dagster's run-status sensors; ``naming`` names datasets and jobs; ``facets`` builds the facets.
"""

from __future__ import annotations

from floe_orchestrator_dagster._lineage.facets import PRODUCER
from floe_orchestrator_dagster._lineage.gateway import LineageGateway
from floe_orchestrator_dagster._lineage.observer import LineageObserver

__all__ = ["PRODUCER", "LineageGateway", "LineageObserver"]
