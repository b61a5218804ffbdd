"""Pieces of the Helm values shared by several components: images, resources, security.

Field names are snake_case in Python and camelCase in the values (``replicaCount``), the way Helm
charts spell them; both are accepted on input.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic.alias_generators import to_camel

from floe_dagster_deploy._kubernetes import DnsSubdomain
from floe_dagster_deploy._presets import Component as PresetComponent
from floe_dagster_deploy._presets import ResourcePreset, WorkloadSize, resource_preset
from floe_dagster_deploy._quantity import CpuQuantity, MemoryQuantity, cpu_millicores, memory_bytes

PullPolicy = Literal["Always", "IfNotPresent", "Never"]


class ValuesModel(BaseModel):
    """Base of every values section: unknown keys are errors, names are camelCase in YAML.

    Errors never echo the input: values may hold a password (``postgresql.password``), and each
    message names its field and says what is wrong without it.
    """

    model_config = ConfigDict(
        extra="forbid",
        alias_generator=to_camel,
        populate_by_name=True,
        frozen=True,
        hide_input_in_errors=True,
    )


class Image(ValuesModel):
    """A container image. An empty tag means the chart's ``dagsterVersion`` (Dagster images)."""

    repository: str = Field(min_length=1, description="Image repository, e.g. docker.io/x/y.")
    tag: str = Field(default="", description="Image tag; empty: dagsterVersion.")
    pull_policy: PullPolicy = "IfNotPresent"


class Quantities(ValuesModel):
    """CPU and memory quantities."""

    cpu: CpuQuantity
    memory: MemoryQuantity


class Resources(ValuesModel):
    """Kubernetes requests and limits; both are required, so every pod is bounded."""

    requests: Quantities
    limits: Quantities

    @classmethod
    def from_preset(cls, preset: ResourcePreset) -> Resources:
        """The resources of a preset.

        Examples:
            >>> from floe_dagster_deploy import resource_preset
            >>> Resources.from_preset(resource_preset("small")).limits.memory
            '2Gi'
        """
        return cls.model_validate(preset.to_kubernetes())

    def problems(self) -> list[str]:
        """Requests above their limits, as sentences."""
        found = []
        if cpu_millicores(self.requests.cpu) > cpu_millicores(self.limits.cpu):
            found.append(
                f"cpu request {self.requests.cpu!r} is above its limit {self.limits.cpu!r}"
            )
        if memory_bytes(self.requests.memory) > memory_bytes(self.limits.memory):
            found.append(
                f"memory request {self.requests.memory!r} is above its limit {self.limits.memory!r}"
            )
        return found


def preset_resources(size: WorkloadSize, component: PresetComponent) -> Resources:
    """The resources of one component at one workload size."""
    return Resources.from_preset(resource_preset(size, component))


class Component(ValuesModel):
    """What every Dagster component has: enabled, replicaCount, image and resources."""

    values_key: ClassVar[str] = "component"

    enabled: bool = True
    replica_count: int = Field(default=1, ge=0, description="Number of pods.")
    image: Image
    resources: Resources

    @model_validator(mode="after")
    def _requests_within_limits(self) -> Component:
        problems = self.resources.problems()
        if problems:
            raise ValueError(
                f"`{self.values_key}`: {'; '.join(problems)}. Lower the request or raise the "
                f"limit in {self.values_key}.resources."
            )
        return self


class LocalObjectReference(ValuesModel):
    """A reference to an object by name, e.g. an image pull Secret."""

    name: DnsSubdomain


class SecurityContext(ValuesModel):
    """Who the Dagster pods run as. The chart always adds: non-root, no privilege escalation,
    every capability dropped, the runtime's default seccomp profile."""

    run_as_user: int = Field(default=1001, ge=1, description="Non-root user id.")
    run_as_group: int = Field(default=1001, ge=1)
    fs_group: int = Field(default=1001, ge=1)
    read_only_root_filesystem: bool = Field(
        default=True,
        description=(
            "Dagster writes only to DAGSTER_HOME and /tmp, which the chart mounts as emptyDir "
            "volumes, so the root filesystem can be read-only."
        ),
    )
