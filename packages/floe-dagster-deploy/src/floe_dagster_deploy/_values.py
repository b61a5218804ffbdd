"""The Helm values of ``charts/floe-dagster`` as a pydantic model: one source of truth.

``values.schema.json`` is generated from :class:`HelmValues` (see ``floe_dagster_deploy.schema``)
and the chart's ``values.yaml`` equals ``HelmValues().to_values()``; tests fail when either
drifts. The top-level keys follow Dagster's community chart where it has one
(``dagster-webserver``, ``dagster-daemon``, ``postgresql``, ``runLauncher``, ``serviceAccount``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal

import yaml
from pydantic import Field, model_validator

from floe_dagster_deploy._components import (
    Component,
    Image,
    LocalObjectReference,
    PullPolicy,
    Resources,
    SecurityContext,
    ValuesModel,
)
from floe_dagster_deploy._presets import WorkloadSize, check_workload_size, resource_preset
from floe_dagster_deploy._quantity import MemoryQuantity

DAGSTER_VERSION = "1.12.22"
"""The Dagster release the chart deploys by default (its ``appVersion``)."""

DAGSTER_IMAGE = "docker.io/dagster/dagster-k8s"
USER_CODE_EXAMPLE_IMAGE = "docker.io/dagster/user-code-example"
POSTGRES_IMAGE = Image(repository="docker.io/library/postgres", tag="17.2-alpine")

_DNS_LABEL = r"^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$"


def _resources(size: WorkloadSize, component: Literal["webserver", "daemon", "user_code"]) -> Any:
    return Resources.from_preset(resource_preset(size, component))


class WebserverService(ValuesModel):
    """The webserver's Service; it forwards to the container's port 3000 (named http).

    3000 by default, Dagster's own port, so ``kubectl port-forward svc/... 3000`` matches the
    plugin's default connection URL ``http://localhost:3000``.
    """

    type: Literal["ClusterIP", "NodePort", "LoadBalancer"] = "ClusterIP"
    port: int = Field(default=3000, ge=1, le=65535)


class Webserver(Component):
    """``dagster-webserver``: the UI and GraphQL API."""

    values_key: ClassVar[str] = "dagster-webserver"

    image: Image = Field(default_factory=lambda: Image(repository=DAGSTER_IMAGE))
    resources: Resources = Field(default_factory=lambda: _resources("medium", "webserver"))
    service: WebserverService = Field(default_factory=WebserverService)


class Daemon(Component):
    """``dagster-daemon``: schedules, sensors, the run queue. Dagster runs at most one."""

    values_key: ClassVar[str] = "dagster-daemon"

    replica_count: int = Field(
        default=1, ge=0, le=1, description="0 or 1: Dagster supports one daemon per instance."
    )
    image: Image = Field(default_factory=lambda: Image(repository=DAGSTER_IMAGE))
    resources: Resources = Field(default_factory=lambda: _resources("medium", "daemon"))


class CodeLocation(ValuesModel):
    """Where the code server finds the product's Definitions (``dagster api grpc`` arguments)."""

    type: Literal["pythonFile", "module", "packageName"] = Field(
        default="pythonFile", description="-f (pythonFile), -m (module) or --package-name."
    )
    target: str = Field(
        default="/example_project/example_repo/repo.py",
        min_length=1,
        description="The file path, module name or package name.",
    )
    working_directory: str | None = Field(default=None, description="-d for the code server.")


class UserCode(Component):
    """``dagster-user-code``: the gRPC code server that serves the product's Definitions."""

    values_key: ClassVar[str] = "dagster-user-code"

    name: str = Field(
        default="floe-product",
        pattern=_DNS_LABEL,
        description="Code location name; also the name of its Service (a DNS label).",
    )
    port: int = Field(default=3030, ge=1, le=65535)
    image: Image = Field(default_factory=lambda: Image(repository=USER_CODE_EXAMPLE_IMAGE))
    resources: Resources = Field(default_factory=lambda: _resources("medium", "user_code"))
    code_location: CodeLocation = Field(default_factory=CodeLocation)
    read_only_root_filesystem: bool = Field(
        default=False,
        description=(
            "Off by default for the code server and its run pods: dbt writes target/ and logs/ "
            "beside the project."
        ),
    )


class PasswordSecret(ValuesModel):
    """The Secret that holds the PostgreSQL password."""

    name: str = Field(default="", description="Secret name; empty: <fullname>-postgresql.")
    key: str = Field(default="postgresql-password", min_length=1)


class Persistence(ValuesModel):
    """Storage of the embedded PostgreSQL."""

    size: MemoryQuantity = "8Gi"
    storage_class: str = Field(default="", description="Empty: the cluster's default class.")


def _postgres_resources() -> Resources:
    return Resources.model_validate(
        {"requests": {"cpu": "100m", "memory": "256Mi"}, "limits": {"cpu": "1", "memory": "1Gi"}}
    )


class Postgresql(ValuesModel):
    """Dagster's run, event-log and schedule storage.

    ``enabled: true`` runs an embedded PostgreSQL StatefulSet, for development; ``enabled: false``
    uses the external server at ``host``. Either way the password comes from the Secret
    ``passwordSecret``: the chart creates that Secret only when ``password`` is given explicitly.
    """

    model_config = ValuesModel.model_config | {
        "json_schema_extra": {
            "if": {"properties": {"enabled": {"const": False}}},
            "then": {"properties": {"host": {"minLength": 1}}},
        }
    }

    enabled: bool = Field(default=True, description="Run an embedded PostgreSQL (development).")
    host: str = Field(default="", description="External server host (when enabled is false).")
    port: int = Field(default=5432, ge=1, le=65535)
    database: str = Field(default="dagster", min_length=1)
    username: str = Field(default="dagster", min_length=1)
    params: dict[str, str] = Field(
        default_factory=dict, description="libpq connection parameters, e.g. sslmode: require."
    )
    password_secret: PasswordSecret = Field(default_factory=PasswordSecret)
    password: str | None = Field(
        default=None,
        repr=False,
        description=(
            "Explicit password: the chart then creates the Secret. Never generated; prefer an "
            "existing Secret (passwordSecret.name)."
        ),
        json_schema_extra={"writeOnly": True},
    )
    image: Image = Field(default_factory=lambda: POSTGRES_IMAGE)
    resources: Resources = Field(default_factory=_postgres_resources)
    persistence: Persistence = Field(default_factory=Persistence)

    @model_validator(mode="after")
    def _external_needs_host(self) -> Postgresql:
        if not self.enabled and not self.host:
            raise ValueError(
                "postgresql.host is empty while postgresql.enabled is false: set host to the "
                "external PostgreSQL server, or enable the embedded one"
            )
        problems = self.resources.problems()
        if problems:
            raise ValueError(f"postgresql: {'; '.join(problems)}")
        return self


class RunLauncher(ValuesModel):
    """How runs start: as Kubernetes Jobs (dagster-k8s ``K8sRunLauncher``) or in the code server."""

    type: Literal["K8sRunLauncher", "DefaultRunLauncher"] = "K8sRunLauncher"
    job_namespace: str = Field(default="", description="Empty: the release namespace.")
    image_pull_policy: PullPolicy = "IfNotPresent"
    resources: Resources = Field(
        default_factory=lambda: _resources("medium", "user_code"),
        description="Requests and limits of each run pod (defaults to the user-code preset).",
    )

    @model_validator(mode="after")
    def _requests_within_limits(self) -> RunLauncher:
        problems = self.resources.problems()
        if problems:
            raise ValueError(f"runLauncher: {'; '.join(problems)}")
        return self


class ServiceAccount(ValuesModel):
    """The ServiceAccount of every Dagster pod and of the run pods."""

    create: bool = True
    name: str = Field(default="", description="Empty: the chart's full name.")
    annotations: dict[str, str] = Field(default_factory=dict)


class Rbac(ValuesModel):
    """The Role the K8sRunLauncher needs in its namespace (jobs, pods, their logs, events)."""

    create: bool = True


class Telemetry(ValuesModel):
    """Dagster's anonymous usage telemetry (off by default)."""

    enabled: bool = False


class HelmValues(ValuesModel):
    """Values of the floe-dagster chart.

    Examples:
        >>> values = HelmValues.for_workload_size("small")
        >>> values.user_code.resources.limits.cpu
        '1000m'
        >>> sorted(values.to_values())[:4]
        ['dagster-daemon', 'dagster-user-code', 'dagster-webserver', 'dagsterVersion']
    """

    dagster_version: str = Field(
        default=DAGSTER_VERSION,
        pattern=r"^[0-9]+\.[0-9]+\.[0-9]+$",
        description="Dagster release; the default tag of the Dagster images.",
    )
    name_override: str = ""
    fullname_override: str = ""
    image_pull_secrets: list[LocalObjectReference] = Field(default_factory=list)
    webserver: Webserver = Field(default_factory=Webserver, alias="dagster-webserver")
    daemon: Daemon = Field(default_factory=Daemon, alias="dagster-daemon")
    user_code: UserCode = Field(default_factory=UserCode, alias="dagster-user-code")
    postgresql: Postgresql = Field(default_factory=Postgresql)
    run_launcher: RunLauncher = Field(default_factory=RunLauncher)
    service_account: ServiceAccount = Field(default_factory=ServiceAccount)
    rbac: Rbac = Field(default_factory=Rbac)
    security_context: SecurityContext = Field(default_factory=SecurityContext)
    telemetry: Telemetry = Field(default_factory=Telemetry)

    @classmethod
    def for_workload_size(cls, size: str, overrides: Mapping[str, Any] | None = None) -> HelmValues:
        """The values for a workload size, with ``overrides`` (values-shaped) merged in.

        Overrides merge like Helm values: mappings key by key, anything else replaces, so
        ``{"dagster-webserver": {"image": {"tag": "1.12.0"}}}`` keeps the default repository.

        Raises:
            UnknownWorkloadSizeError: ``size`` is not small, medium or large.
            pydantic.ValidationError: an override is invalid; the error names its field.

        Examples:
            >>> more = {"dagster-webserver": {"replicaCount": 2}}
            >>> v = HelmValues.for_workload_size("large", more)
            >>> v.webserver.replica_count, v.webserver.resources.requests.cpu
            (2, '500m')
        """
        checked = check_workload_size(size)
        sized: dict[str, Any] = {
            "dagster-webserver": {"resources": _resources(checked, "webserver").model_dump()},
            "dagster-daemon": {"resources": _resources(checked, "daemon").model_dump()},
            "dagster-user-code": {"resources": _resources(checked, "user_code").model_dump()},
            "runLauncher": {"resources": _resources(checked, "user_code").model_dump()},
        }
        # the overrides land on the complete defaults, as Helm merges -f files over values.yaml
        base = deep_merge(cls().to_values(), sized)
        return cls.model_validate(deep_merge(base, overrides or {}))

    def to_values(self) -> dict[str, Any]:
        """The values as plain data, keyed as the chart spells them.

        Examples:
            >>> HelmValues().to_values()["dagster-user-code"]["port"]
            3030
        """
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)

    def to_yaml(self) -> str:
        """The values as a YAML document for ``helm install -f``.

        Examples:
            >>> print(HelmValues().to_yaml().splitlines()[0])
            dagsterVersion: 1.12.22
        """
        text: str = yaml.safe_dump(self.to_values(), sort_keys=False)
        return text


def deep_merge(base: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Merge ``overrides`` into ``base`` the way Helm merges values: mappings merge, the rest
    replaces.

    Examples:
        >>> deep_merge({"a": {"b": 1, "c": 2}}, {"a": {"c": 3}, "d": 4})
        {'a': {'b': 1, 'c': 3}, 'd': 4}
    """
    merged = dict(base)
    for key, value in overrides.items():
        current = merged.get(key)
        if isinstance(current, Mapping) and isinstance(value, Mapping):
            merged[key] = deep_merge(current, value)
        else:
            merged[key] = value
    return merged
