"""Environment for the product's code: variables, ``envFrom`` Secrets and ConfigMaps, and Secret
volumes, for the user-code server and the run pods the ``K8sRunLauncher`` starts.

Credentials for warehouses, catalogs or lineage backends come from Secrets the platform team
already has; the chart only names them. In the pods they are ordinary Kubernetes ``env``,
``envFrom`` and ``volumes``; the run launcher receives the same as ``env_vars``,
``env_secrets``, ``env_config_maps``, ``volumes`` and ``volume_mounts`` (and
``run_k8s_config.container_config.env`` for ``valueFrom`` variables).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from pydantic import Field, model_validator

from floe_dagster_deploy._components import ValuesModel
from floe_dagster_deploy._kubernetes import (
    DnsLabel,
    DnsSubdomain,
    EnvVarName,
    MountPath,
    RelativePath,
    SecretKey,
)
from floe_dagster_deploy._passwords import PASSWORD_LIKE_WORDS, is_file_path, is_password_like
from floe_dagster_deploy._passwords import password_like_pattern as _password_like_pattern

RESERVED_ENV = ("DAGSTER_HOME", "DAGSTER_PG_PASSWORD", "DAGSTER_CURRENT_IMAGE")
"""Variables the chart sets itself in every Dagster pod."""

RESERVED_VOLUMES = ("dagster-home", "dagster-instance", "dagster-workspace", "tmp")
RESERVED_MOUNT_PATHS = ("/opt/dagster/dagster_home", "/dagster-workspace", "/tmp")


def _exactly_one(*required: str) -> dict[str, Any]:
    return {"oneOf": [{"required": [name]} for name in required]}


class KeySelector(ValuesModel):
    """One key of a Secret or ConfigMap."""

    name: DnsSubdomain = Field(description="Secret or ConfigMap name (a DNS-1123 subdomain).")
    key: SecretKey = Field(description="The key inside it.")


class EnvVarSource(ValuesModel):
    """Where a variable's value comes from: one key of a Secret or of a ConfigMap."""

    model_config = ValuesModel.model_config | {
        "json_schema_extra": _exactly_one("secretKeyRef", "configMapKeyRef")
    }

    secret_key_ref: KeySelector | None = None
    config_map_key_ref: KeySelector | None = None

    @model_validator(mode="after")
    def _one_source(self) -> EnvVarSource:
        if (self.secret_key_ref is None) == (self.config_map_key_ref is None):
            raise ValueError("`valueFrom` needs exactly one of secretKeyRef or configMapKeyRef.")
        return self


class EnvVar(ValuesModel):
    """An environment variable: a literal ``value`` or ``valueFrom`` a Secret or ConfigMap key.

    A password-like name (see ``floe_dagster_deploy._passwords``) may not have a literal value
    other than a file path: the value would sit in plain text in the Deployment and in the
    instance ConfigMap. Use ``valueFrom.secretKeyRef`` instead.
    """

    model_config = ValuesModel.model_config | {
        "json_schema_extra": {
            **_exactly_one("value", "valueFrom"),
            "not": {
                "required": ["name", "value"],
                "properties": {
                    "name": {"pattern": _password_like_pattern()},
                    "value": {"type": "string", "pattern": "^([^/]|$)"},
                },
            },
        }
    }

    name: EnvVarName
    value: str | None = Field(default=None, repr=False)
    value_from: EnvVarSource | None = None

    @model_validator(mode="after")
    def _one_value(self) -> EnvVar:
        if (self.value is None) == (self.value_from is None):
            raise ValueError(f"Env {self.name} needs exactly one of value or valueFrom.")
        if self.value is not None and is_password_like(self.name) and not is_file_path(self.value):
            raise ValueError(
                f"Env {self.name} looks like a password, and a literal value would be stored in "
                "plain text in the Deployment and the instance ConfigMap: use valueFrom: "
                "{secretKeyRef: {name: <secret>, key: <key>}} or envFrom a Secret instead. A "
                f"name is password-like when it contains one of {', '.join(PASSWORD_LIKE_WORDS)}"
                " (ignoring case, '-', '_' and '.'); only an absolute file path is accepted as "
                "its literal value."
            )
        return self


class NamedObject(ValuesModel):
    """A Secret or ConfigMap by name."""

    name: DnsSubdomain


class EnvFromSource(ValuesModel):
    """Every key of a Secret or of a ConfigMap as environment variables."""

    model_config = ValuesModel.model_config | {
        "json_schema_extra": _exactly_one("secretRef", "configMapRef")
    }

    secret_ref: NamedObject | None = None
    config_map_ref: NamedObject | None = None

    @model_validator(mode="after")
    def _one_source(self) -> EnvFromSource:
        if (self.secret_ref is None) == (self.config_map_ref is None):
            raise ValueError("`envFrom` needs exactly one of secretRef or configMapRef per entry.")
        return self


class KeyToPath(ValuesModel):
    """One key of the Secret, as a file at ``path`` under the mount."""

    key: SecretKey
    path: RelativePath


class SecretVolume(ValuesModel):
    """A Secret mounted read-only as files (a key file, a service-account JSON, a CA bundle)."""

    name: DnsLabel = Field(description="Volume name, unique in the pod.")
    secret_name: DnsSubdomain = Field(description="The existing Secret.")
    mount_path: MountPath = Field(description="Absolute directory to mount it at.")
    items: list[KeyToPath] = Field(
        default_factory=list, description="Only these keys, at these paths; empty: every key."
    )
    default_mode: int = Field(
        default=0o440,
        ge=0,
        le=0o777,
        description="File mode (decimal in YAML); default 288 = 0440, readable by the pod's group.",
    )


def env_field() -> Any:
    """The ``env`` field of a component."""
    return Field(default_factory=list, description="Environment variables (value or valueFrom).")


def env_from_field() -> Any:
    """The ``envFrom`` field of a component."""
    return Field(
        default_factory=list, description="Secrets and ConfigMaps whose every key is a variable."
    )


def secret_volumes_field() -> Any:
    """The ``secretVolumes`` field of a component."""
    return Field(default_factory=list, description="Secrets mounted read-only as files.")


class HasEnvironment(Protocol):
    """A values section with ``env``, ``envFrom`` and ``secretVolumes``."""

    @property
    def env(self) -> Sequence[EnvVar]: ...

    @property
    def env_from(self) -> Sequence[EnvFromSource]: ...

    @property
    def secret_volumes(self) -> Sequence[SecretVolume]: ...


def environment_problems(where: str, environments: Sequence[HasEnvironment]) -> list[str]:
    """Clashes within the environments that reach one pod, as sentences naming ``where``."""
    problems = []
    names = [var.name for environment in environments for var in environment.env]
    problems += [
        f"{where}: env {name} is set by the chart itself; remove it"
        for name in names
        if name in RESERVED_ENV
    ]
    problems += [f"{where}: env {name} is given twice" for name in _duplicates(names)]
    volumes = [volume for environment in environments for volume in environment.secret_volumes]
    volume_names = [volume.name for volume in volumes]
    problems += [
        f"{where}: secret volume name {name!r} is used by the chart; choose another"
        for name in volume_names
        if name in RESERVED_VOLUMES
    ]
    problems += [
        f"{where}: secret volume name {name!r} is given twice" for name in _duplicates(volume_names)
    ]
    paths = [volume.mount_path.rstrip("/") for volume in volumes]
    problems += [
        f"{where}: mountPath {path} is used by the chart; choose another directory"
        for path in paths
        if path in RESERVED_MOUNT_PATHS
    ]
    problems += [f"{where}: mountPath {path} is given twice" for path in _duplicates(paths)]
    return problems


def _duplicates(items: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    repeated: list[str] = []
    for item in items:
        if item in seen and item not in repeated:
            repeated.append(item)
        seen.add(item)
    return repeated
