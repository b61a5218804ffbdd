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
    Resources,
    SecurityContext,
    ValuesModel,
    preset_resources,
)
from floe_dagster_deploy._env import (
    EnvFromSource,
    EnvVar,
    SecretVolume,
    env_field,
    env_from_field,
    environment_problems,
    secret_volumes_field,
)
from floe_dagster_deploy._kubernetes import OptionalDnsLabel, OptionalDnsSubdomain
from floe_dagster_deploy._network import NetworkPolicy
from floe_dagster_deploy._postgresql import Postgresql
from floe_dagster_deploy._presets import check_workload_size
from floe_dagster_deploy._run_launcher import RunLauncher

DAGSTER_VERSION = "1.12.22"
"""The Dagster release the chart deploys by default (its ``appVersion``)."""

DAGSTER_IMAGE = "docker.io/dagster/dagster-k8s"
USER_CODE_EXAMPLE_IMAGE = "docker.io/dagster/user-code-example"
# a DNS-1035 label: the code location name is also the name of a Service
_DNS_LABEL = r"^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$"
_PUBLIC_TYPES = ("NodePort", "LoadBalancer")


class WebserverService(ValuesModel):
    """The webserver's Service; it forwards to the container's port 3000 (named http).

    3000 by default, Dagster's own port, so ``kubectl port-forward svc/... 3000`` matches the
    plugin's default connection URL ``http://localhost:3000``.
    """

    model_config = ValuesModel.model_config | {
        "json_schema_extra": {
            "if": {"properties": {"type": {"enum": list(_PUBLIC_TYPES)}}, "required": ["type"]},
            "then": {"properties": {"allowPublic": {"const": True}}, "required": ["allowPublic"]},
        }
    }

    type: Literal["ClusterIP", "NodePort", "LoadBalancer"] = Field(
        default="ClusterIP",
        description="NodePort or LoadBalancer only with allowPublic: the webserver has no login.",
    )
    port: int = Field(default=3000, ge=1, le=65535)
    allow_public: bool = Field(
        default=False,
        description=(
            "Accept a NodePort or LoadBalancer Service (and admit any source in the webserver's "
            "NetworkPolicy). Only with authentication in front, e.g. an authenticating proxy."
        ),
    )

    @model_validator(mode="after")
    def _public_only_on_purpose(self) -> WebserverService:
        if self.type in _PUBLIC_TYPES and not self.allow_public:
            raise ValueError(
                f"`dagster-webserver.service.type` is {self.type}, which exposes the webserver "
                "outside the cluster, but neither the webserver nor the gRPC code server has "
                "authentication: anyone who reaches it can launch runs with the product's "
                "credentials. Keep ClusterIP and use kubectl port-forward or an authenticating "
                "ingress (networkPolicy.webserver lists who may connect), or set "
                "dagster-webserver.service.allowPublic: true once authentication is in front."
            )
        return self


class Webserver(Component):
    """``dagster-webserver``: the UI and GraphQL API."""

    values_key: ClassVar[str] = "dagster-webserver"

    image: Image = Field(default_factory=lambda: Image(repository=DAGSTER_IMAGE))
    resources: Resources = Field(default_factory=lambda: preset_resources("medium", "webserver"))
    service: WebserverService = Field(default_factory=WebserverService)


class Daemon(Component):
    """``dagster-daemon``: schedules, sensors, the run queue. Dagster runs at most one."""

    values_key: ClassVar[str] = "dagster-daemon"

    replica_count: int = Field(
        default=1, ge=0, le=1, description="0 or 1: Dagster supports one daemon per instance."
    )
    image: Image = Field(default_factory=lambda: Image(repository=DAGSTER_IMAGE))
    resources: Resources = Field(default_factory=lambda: preset_resources("medium", "daemon"))


class UserCodeServiceAccount(ValuesModel):
    """The ServiceAccount of the code server and of the run pods: no API token, no RBAC.

    Product code never needs the Kubernetes API (the daemon and the webserver launch the runs).
    Annotate it for cloud credentials, e.g. ``eks.amazonaws.com/role-arn``.
    """

    create: bool = True
    name: OptionalDnsSubdomain = Field(default="", description="Empty: <fullname>-user-code.")
    annotations: dict[str, str] = Field(default_factory=dict)
    automount_token: bool = Field(
        default=False,
        description=(
            "Mount the token into the code server and run pods (e.g. for k8s_job_executor); "
            "bind a Role to this ServiceAccount yourself, the chart grants it nothing."
        ),
    )


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
    resources: Resources = Field(default_factory=lambda: preset_resources("medium", "user_code"))
    code_location: CodeLocation = Field(default_factory=CodeLocation)
    read_only_root_filesystem: bool = Field(
        default=False,
        description=(
            "Off by default for the code server and its run pods: dbt writes target/ and logs/ "
            "beside the project."
        ),
    )
    service_account: UserCodeServiceAccount = Field(default_factory=UserCodeServiceAccount)
    env: list[EnvVar] = env_field()
    env_from: list[EnvFromSource] = env_from_field()
    secret_volumes: list[SecretVolume] = secret_volumes_field()


class ServiceAccount(ValuesModel):
    """The ServiceAccount of the webserver and the daemon, the pods that launch runs.

    Only they mount its token, and only with the K8sRunLauncher. The code server and the run
    pods have their own (``dagster-user-code.serviceAccount``).
    """

    create: bool = True
    name: OptionalDnsSubdomain = Field(default="", description="Empty: the chart's full name.")
    annotations: dict[str, str] = Field(default_factory=dict)


class Rbac(ValuesModel):
    """The Role the K8sRunLauncher needs in the job namespace, bound to the webserver's and
    daemon's ServiceAccount only: create and delete run Jobs and their pods, read their status,
    logs and events."""

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
    name_override: OptionalDnsLabel = ""
    fullname_override: OptionalDnsLabel = ""
    image_pull_secrets: list[LocalObjectReference] = Field(default_factory=list)
    webserver: Webserver = Field(default_factory=Webserver, alias="dagster-webserver")
    daemon: Daemon = Field(default_factory=Daemon, alias="dagster-daemon")
    user_code: UserCode = Field(default_factory=UserCode, alias="dagster-user-code")
    postgresql: Postgresql = Field(default_factory=Postgresql)
    run_launcher: RunLauncher = Field(default_factory=RunLauncher)
    service_account: ServiceAccount = Field(default_factory=ServiceAccount)
    rbac: Rbac = Field(default_factory=Rbac)
    network_policy: NetworkPolicy = Field(default_factory=NetworkPolicy)
    security_context: SecurityContext = Field(default_factory=SecurityContext)
    telemetry: Telemetry = Field(default_factory=Telemetry)

    @model_validator(mode="after")
    def _environments_fit_their_pods(self) -> HelmValues:
        # run pods get the user code's env and the run launcher's: names may not clash across
        problems = environment_problems("`dagster-user-code`", [self.user_code]) or (
            environment_problems(
                "`runLauncher` (run pods also get dagster-user-code's)",
                [self.user_code, self.run_launcher],
            )
        )
        if problems:
            raise ValueError("; ".join(problems) + ".")
        return self

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
            "dagster-webserver": {"resources": preset_resources(checked, "webserver").model_dump()},
            "dagster-daemon": {"resources": preset_resources(checked, "daemon").model_dump()},
            "dagster-user-code": {"resources": preset_resources(checked, "user_code").model_dump()},
            "runLauncher": {"resources": preset_resources(checked, "user_code").model_dump()},
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
