"""OpenLineage for any Dagster project: run-status sensors that emit events per asset.

Needs the ``[dagster]`` extra. Example::

    import dagster as dg
    from floe_dagster_lineage.dagster import LineageTranslator, openlineage_sensors

    defs = dg.Definitions(
        assets=[...],
        sensors=openlineage_sensors(
            {"type": "http", "url": "http://marquez:5000"},
            translator=LineageTranslator(dataset_namespace="duckdb:///data/warehouse.duckdb"),
        ),
    )
"""

from __future__ import annotations

from floe_dagster_lineage.dagster._sensors import (
    LineageTranslator,
    emit_run_lineage,
    openlineage_sensors,
)

__all__ = [
    "LineageTranslator",
    "emit_run_lineage",
    "openlineage_sensors",
]
