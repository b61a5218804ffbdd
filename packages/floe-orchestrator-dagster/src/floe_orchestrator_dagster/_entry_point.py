"""Writing a product's ``definitions.py`` code location (issue: demo and code locations)."""

from __future__ import annotations


def generate_entry_point_code(
    product_name: str, output_dir: str, *, lineage_enabled: bool, iceberg_enabled: bool
) -> str:
    """Write ``definitions.py`` into ``output_dir``; returns its path."""
    raise NotImplementedError(
        "generate_entry_point_code (a definitions.py code location) is not implemented yet in "
        "this version of floe-orchestrator-dagster"
    )
