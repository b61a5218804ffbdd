"""floe-dagster-deploy: resource presets and Helm values for the floe-dagster chart.

Plain data only (pydantic models and dataclasses); the floe plugin converts to floe-core types.
"""

from __future__ import annotations

# plain sorted() order, which tests/test_exported_members.py (and the facade's) lock; ruff's
# isort-style order puts CONSTANTS first and disagrees
__all__ = [  # noqa: RUF022
    "COMPONENTS",
    "CodeLocation",
    "Component",
    "DAGSTER_VERSION",
    "Daemon",
    "DeployError",
    "EnvFromSource",
    "EnvVar",
    "HelmValues",
    "Image",
    "NetworkPolicy",
    "PASSWORD_LIKE_WORDS",
    "PRESETS",
    "Postgresql",
    "ResourcePreset",
    "Resources",
    "RunLauncher",
    "SecretVolume",
    "UnknownWorkloadSizeError",
    "UserCode",
    "WORKLOAD_SIZES",
    "Webserver",
    "WorkloadSize",
    "__version__",
    "check_workload_size",
    "cpu_millicores",
    "deep_merge",
    "is_password_like",
    "mask_password_like",
    "memory_bytes",
    "refuse_password_like",
    "resource_preset",
    "values_schema",
    "values_schema_json",
    "values_yaml",
]

from floe_dagster_deploy._components import Image, Resources
from floe_dagster_deploy._env import EnvFromSource, EnvVar, SecretVolume
from floe_dagster_deploy._errors import DeployError, UnknownWorkloadSizeError
from floe_dagster_deploy._network import NetworkPolicy
from floe_dagster_deploy._passwords import (
    PASSWORD_LIKE_WORDS,
    is_password_like,
    mask_password_like,
    refuse_password_like,
)
from floe_dagster_deploy._postgresql import Postgresql
from floe_dagster_deploy._presets import (
    COMPONENTS,
    PRESETS,
    WORKLOAD_SIZES,
    Component,
    ResourcePreset,
    WorkloadSize,
    check_workload_size,
    resource_preset,
)
from floe_dagster_deploy._quantity import cpu_millicores, memory_bytes
from floe_dagster_deploy._run_launcher import RunLauncher
from floe_dagster_deploy._schema import values_schema, values_schema_json
from floe_dagster_deploy._values import (
    DAGSTER_VERSION,
    CodeLocation,
    Daemon,
    HelmValues,
    UserCode,
    Webserver,
    deep_merge,
)
from floe_dagster_deploy._values_file import values_yaml


def __getattr__(name: str) -> str:
    if name == "__version__":
        from importlib.metadata import version

        return version("floe-dagster-deploy")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
