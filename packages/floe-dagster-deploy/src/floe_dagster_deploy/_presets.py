"""Resource presets: Kubernetes requests and limits per workload size and component.

Each size is a real step: from small to medium and from medium to large, every request and limit
of every component at least doubles or grows by half. The spec fixes one row (medium user code:
500m/2000m CPU, 1Gi/4Gi memory); the rest follows the shape of the load. The user-code servers
(and the run pods launched from them) run dbt, so they get the most; the webserver serves the UI
and GraphQL; the daemon only schedules, so it stays small.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from types import MappingProxyType
from typing import Literal

from floe_dagster_deploy._errors import UnknownWorkloadSizeError

WorkloadSize = Literal["small", "medium", "large"]
Component = Literal["webserver", "daemon", "user_code"]

WORKLOAD_SIZES: tuple[WorkloadSize, ...] = ("small", "medium", "large")
COMPONENTS: tuple[Component, ...] = ("webserver", "daemon", "user_code")


@dataclass(frozen=True)
class ResourcePreset:
    """Requests and limits of one component, as Kubernetes quantities.

    Examples:
        >>> preset = resource_preset("medium")
        >>> preset.cpu_request, preset.memory_limit
        ('500m', '4Gi')
        >>> preset.to_kubernetes()["limits"]
        {'cpu': '2000m', 'memory': '4Gi'}
    """

    cpu_request: str
    cpu_limit: str
    memory_request: str
    memory_limit: str

    def to_kubernetes(self) -> dict[str, dict[str, str]]:
        """The preset as a Kubernetes ``ResourceRequirements`` mapping."""
        return {
            "requests": {"cpu": self.cpu_request, "memory": self.memory_request},
            "limits": {"cpu": self.cpu_limit, "memory": self.memory_limit},
        }

    def as_dict(self) -> dict[str, str]:
        """The four fields by name (the shape of floe-core's ``ResourceSpec``)."""
        return asdict(self)


def _preset(cpu: tuple[str, str], memory: tuple[str, str]) -> ResourcePreset:
    return ResourcePreset(cpu[0], cpu[1], memory[0], memory[1])


PRESETS: Mapping[WorkloadSize, Mapping[Component, ResourcePreset]] = MappingProxyType(
    {
        "small": MappingProxyType(
            {
                "webserver": _preset(("100m", "500m"), ("256Mi", "512Mi")),
                "daemon": _preset(("50m", "250m"), ("128Mi", "256Mi")),
                "user_code": _preset(("250m", "1000m"), ("512Mi", "2Gi")),
            }
        ),
        "medium": MappingProxyType(
            {
                "webserver": _preset(("250m", "1000m"), ("512Mi", "1Gi")),
                "daemon": _preset(("100m", "500m"), ("256Mi", "512Mi")),
                "user_code": _preset(("500m", "2000m"), ("1Gi", "4Gi")),
            }
        ),
        "large": MappingProxyType(
            {
                "webserver": _preset(("500m", "2000m"), ("1Gi", "2Gi")),
                "daemon": _preset(("250m", "1000m"), ("512Mi", "1Gi")),
                "user_code": _preset(("1000m", "4000m"), ("2Gi", "8Gi")),
            }
        ),
    }
)


def check_workload_size(size: object) -> WorkloadSize:
    """Return ``size`` if it names a preset, else raise ``UnknownWorkloadSizeError``.

    Examples:
        >>> check_workload_size("large")
        'large'
        >>> check_workload_size("extra-large")
        Traceback (most recent call last):
        ...
        floe_dagster_deploy._errors.UnknownWorkloadSizeError: Unknown workload size \
'extra-large'. Valid options: small, medium, large. Set deploy.workload_size (or --size) to one \
of them.
    """
    for known in WORKLOAD_SIZES:
        if size == known:
            return known
    raise UnknownWorkloadSizeError(size, WORKLOAD_SIZES)


def resource_preset(size: str, component: Component = "user_code") -> ResourcePreset:
    """Requests and limits for one component at one workload size.

    ``component`` defaults to the user-code servers, the component that runs the product's work
    (what floe's ``get_resource_requirements(size)`` asks for).

    Raises:
        UnknownWorkloadSizeError: ``size`` is not small, medium or large (a ``ValueError``).
        ValueError: ``component`` is not webserver, daemon or user_code.

    Examples:
        >>> resource_preset("medium")
        ResourcePreset(cpu_request='500m', cpu_limit='2000m', memory_request='1Gi', \
memory_limit='4Gi')
        >>> resource_preset("small", "daemon").cpu_limit
        '250m'
    """
    row = PRESETS[check_workload_size(size)]
    if component not in row:
        raise ValueError(
            f"Unknown component {component!r}. Valid options: {', '.join(COMPONENTS)}."
        )
    return row[component]
