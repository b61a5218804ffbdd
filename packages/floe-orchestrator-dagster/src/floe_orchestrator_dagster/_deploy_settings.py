"""Settings of the Kubernetes deployment (``deploy:`` in the plugin config)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

WorkloadSize = Literal["small", "medium", "large"]


class DeploySettings(BaseModel):
    """Workload size and images for the floe-dagster Helm chart."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    workload_size: WorkloadSize = Field(
        default="medium", description="Resource preset for every component."
    )
