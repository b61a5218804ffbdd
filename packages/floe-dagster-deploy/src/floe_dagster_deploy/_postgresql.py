"""``postgresql``: Dagster's storage, embedded (development) or external; its password Secret."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, model_validator
from pydantic.config import JsonDict

from floe_dagster_deploy._components import Image, Resources, ValuesModel
from floe_dagster_deploy._kubernetes import OptionalDnsSubdomain, SecretKey
from floe_dagster_deploy._passwords import (
    mask_password_like,
    password_like_pattern,
    refuse_password_like,
)
from floe_dagster_deploy._quantity import MemoryQuantity

POSTGRES_IMAGE = Image(repository="docker.io/library/postgres", tag="17.2-alpine")


class PasswordSecret(ValuesModel):
    """The Secret that holds the PostgreSQL password."""

    name: OptionalDnsSubdomain = Field(
        default="", description="Secret name; empty: <fullname>-postgresql."
    )
    key: SecretKey = Field(default="postgresql-password", description="Key in the Secret.")


class Persistence(ValuesModel):
    """Storage of the embedded PostgreSQL."""

    size: MemoryQuantity = "8Gi"
    storage_class: OptionalDnsSubdomain = Field(
        default="", description="Empty: the cluster's default class."
    )


def _postgres_resources() -> Resources:
    return Resources.model_validate(
        {"requests": {"cpu": "100m", "memory": "256Mi"}, "limits": {"cpu": "1", "memory": "1Gi"}}
    )


def _no_password_in_params(params: dict[str, str]) -> dict[str, str]:
    refuse_password_like(
        params,
        "postgresql.params",
        "keep the password in the Secret named by postgresql.passwordSecret",
    )
    return params


# masked first, so the refusal's error (which shows its input) never shows the password
ConnectionParams = Annotated[
    dict[str, str], AfterValidator(_no_password_in_params), BeforeValidator(mask_password_like)
]

# no password-like key (see floe_dagster_deploy._passwords); Helm's message names only the key
PARAMS_SCHEMA: JsonDict = {"patternProperties": {password_like_pattern(): False}}


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
    params: ConnectionParams = Field(
        default_factory=dict,
        description=(
            "libpq connection parameters, e.g. sslmode: require. No password-like key: the "
            "password is read from passwordSecret."
        ),
        json_schema_extra=PARAMS_SCHEMA,
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
                "`postgresql.host` is empty while postgresql.enabled is false: set host to the "
                "external PostgreSQL server, or enable the embedded one."
            )
        problems = self.resources.problems()
        if problems:
            raise ValueError(
                f"`postgresql`: {'; '.join(problems)}. Lower the request or raise the limit in "
                "postgresql.resources."
            )
        return self
