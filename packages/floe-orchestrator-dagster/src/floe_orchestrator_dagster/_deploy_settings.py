"""Settings of the Kubernetes deployment (``deploy:`` in the plugin config).

What a platform team sets in ``plugins.orchestrator.config.deploy`` of manifest.yaml; the plugin
turns it into values for ``charts/floe-dagster``. There is deliberately no password field: the
database password lives in a Kubernetes Secret, named here, so it never appears in manifest.yaml
or in generated values.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

WorkloadSize = Literal["small", "medium", "large"]

_IMAGE = r"^[^\s:@]+(:[0-9]+)?(/[^\s:@]+)*(:[\w][\w.-]{0,127})?$"
_VERSION = r"^[0-9]+\.[0-9]+\.[0-9]+$"
# Kubernetes' own rules, as in floe_dagster_deploy._kubernetes (written out so that loading the
# plugin imports nothing more; tests/test_deploy.py keeps the two equal)
_DNS_SUBDOMAIN = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
_SECRET_KEY = r"^[-._a-zA-Z0-9]+$"


class _Settings(BaseModel):
    # defer_build: the validators are built on first use, not when the plugin is loaded (NFR-001)
    model_config = ConfigDict(
        extra="forbid", frozen=True, defer_build=True, hide_input_in_errors=True
    )


def _mask_password_like(params: object) -> object:
    from floe_dagster_deploy import mask_password_like

    return mask_password_like(params)


def _refuse_password_like(params: dict[str, str]) -> dict[str, str]:
    from floe_dagster_deploy import refuse_password_like

    refuse_password_like(
        params,
        "deploy.database.params",
        "put the password in the Kubernetes Secret named by deploy.database.password_secret",
    )
    return params


# masked first, so the refusal's error (which shows its input) never shows the password
ConnectionParams = Annotated[
    dict[str, str], AfterValidator(_refuse_password_like), BeforeValidator(_mask_password_like)
]


class ReplicaSettings(_Settings):
    """Pod counts. The daemon is always one (Dagster supports one per instance)."""

    webserver: int = Field(default=1, ge=0, description="Webserver pods.")
    user_code: int = Field(default=1, ge=0, description="Code-server pods.")


class ImageSettings(_Settings):
    """Images as ``repository[:tag]``; without a tag, the Dagster version is the tag."""

    webserver: str | None = Field(default=None, pattern=_IMAGE)
    daemon: str | None = Field(default=None, pattern=_IMAGE)
    user_code: str | None = Field(
        default=None, pattern=_IMAGE, description="The data product's image (its Definitions)."
    )
    pull_policy: Literal["Always", "IfNotPresent", "Never"] | None = None


class CodeLocationSettings(_Settings):
    """Where the code server finds the product's Definitions: a module or a file (one of them)."""

    name: str = Field(
        default="floe-product",
        pattern=r"^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$",
        description="Code location name (a DNS label).",
    )
    module: str | None = Field(default=None, min_length=1, description="e.g. my_product.defs")
    python_file: str | None = Field(
        default=None, min_length=1, description="e.g. /app/definitions.py"
    )
    working_directory: str | None = None

    @model_validator(mode="after")
    def _one_target(self) -> CodeLocationSettings:
        if (self.module is None) == (self.python_file is None):
            raise ValueError(
                "`deploy.code_location` needs exactly one of module or python_file, e.g. "
                "`module: my_product.definitions`."
            )
        return self


class DatabaseSettings(_Settings):
    """An external PostgreSQL server; the password is read from an existing Secret."""

    host: str = Field(min_length=1)
    port: int = Field(default=5432, ge=1, le=65535)
    database: str = Field(default="dagster", min_length=1)
    username: str = Field(default="dagster", min_length=1)
    password_secret: str = Field(
        max_length=253,
        pattern=_DNS_SUBDOMAIN,
        description="Name of the existing Secret that holds the password (a DNS-1123 subdomain).",
    )
    password_secret_key: str = Field(
        default="postgresql-password", max_length=253, pattern=_SECRET_KEY
    )
    params: ConnectionParams = Field(
        default_factory=dict,
        description="libpq parameters, e.g. sslmode: require. No password-like key.",
    )

    @model_validator(mode="before")
    @classmethod
    def _no_password(cls, data: Any) -> Any:
        if isinstance(data, dict) and "password" in data:
            raise ValueError(
                "`deploy.database.password` is not accepted: put the password in a Kubernetes "
                "Secret and name it in deploy.database.password_secret."
            )
        return data


class DeploySettings(_Settings):
    """Workload size, replicas, images, code location and database for the floe-dagster chart.

    Examples:
        >>> DeploySettings(workload_size="large", replicas={"webserver": 2}).replicas.webserver
        2
    """

    workload_size: WorkloadSize = Field(
        default="medium", description="Resource preset for every component."
    )
    replicas: ReplicaSettings = Field(default_factory=ReplicaSettings)
    images: ImageSettings = Field(default_factory=ImageSettings)
    dagster_version: str | None = Field(
        default=None, pattern=_VERSION, description="Dagster release; default: the chart's."
    )
    code_location: CodeLocationSettings | None = Field(
        default=None, description="Default: the chart's example code location."
    )
    database: DatabaseSettings | None = Field(
        default=None, description="External PostgreSQL; default: the embedded one (development)."
    )
    run_launcher: Literal["k8s", "default"] = Field(
        default="k8s",
        description="k8s: each run is a Kubernetes Job; default: runs in the code server.",
    )
