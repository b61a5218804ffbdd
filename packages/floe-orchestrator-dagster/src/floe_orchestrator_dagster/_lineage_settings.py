"""Settings of lineage emission (``lineage:`` in the plugin config)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class LineageSettings(BaseModel):
    """Which lineage backend receives OpenLineage events, and under which namespace.

    Examples:
        >>> LineageSettings.model_validate({"backend": "marquez", "timeout": 2}).timeout
        2.0
    """

    # defer_build: the validators are built on first use, not when the plugin is loaded (NFR-001)
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    enabled: bool = Field(
        default=True,
        description=(
            "Emit OpenLineage events at all. The artifacts' observability.lineage: false also "
            "switches emission off."
        ),
    )
    backend: str | None = Field(
        default=None,
        description=(
            "Name of a floe lineage backend plugin (e.g. marquez). Defaults to the artifacts' "
            "plugins.lineage_backend; none configured means events are dropped silently."
        ),
    )
    backend_config: dict[str, Any] | None = Field(
        default=None,
        description=(
            "Configuration of the backend plugin (e.g. {url: https://marquez:5000}), validated by "
            "the plugin's own schema. Defaults to the artifacts' plugins.lineage_backend.config."
        ),
    )
    transport: dict[str, Any] | None = Field(
        default=None,
        description=(
            "An OpenLineage transport config used instead of the backend's (type: console, "
            "file with path, http with url, or any openlineage-python transport) - for local "
            "development and debugging."
        ),
    )
    timeout: float | None = Field(
        default=None,
        gt=0,
        le=30,
        allow_inf_nan=False,
        description=(
            "Seconds one event may take to deliver (one attempt, no retry), at most 30; "
            "defaults to the backend's timeout (5 s for marquez)."
        ),
    )
    spool: str | None = Field(
        default=None,
        description=(
            "File that undelivered events are spooled to and replayed from (bounded; 'off' "
            "switches spooling off). Default: $FLOE_DAGSTER_LINEAGE_SPOOL, else one file per "
            "destination under ~/.local/state/floe-dagster/ (see floe-dagster-lineage)."
        ),
    )
    namespace: str | None = Field(
        default=None,
        description=(
            "OpenLineage job namespace. Defaults to the artifacts' "
            "observability.lineage_namespace (the product's namespace), else 'floe'."
        ),
    )
    dataset_namespace: str | None = Field(
        default=None,
        description=(
            "Namespace of the warehouse datasets. Defaults to the one OpenLineage's naming "
            "conventions give the compute target's dbt profile (e.g. duckdb://<path>, "
            "postgres://<host>:<port>)."
        ),
    )
