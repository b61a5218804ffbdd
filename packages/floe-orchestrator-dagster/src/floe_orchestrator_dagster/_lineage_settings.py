"""Settings of lineage emission (``lineage:`` in the plugin config)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class LineageSettings(BaseModel):
    """Which lineage backend receives OpenLineage events, and under which namespace."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    backend: str | None = Field(
        default=None,
        description=(
            "Name of a floe lineage backend plugin (e.g. marquez). Defaults to the artifacts' "
            "plugins.lineage_backend; none configured means events are dropped silently."
        ),
    )
    namespace: str = Field(default="floe", description="OpenLineage job namespace.")
