"""Settings of the connection to a Dagster webserver (``connection:`` in the plugin config)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr

DEFAULT_WEBSERVER_URL = "http://localhost:3000"


class ConnectionSettings(BaseModel):
    """Where the Dagster webserver answers and how to authenticate to it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str = Field(
        default=DEFAULT_WEBSERVER_URL,
        description="Base URL of the Dagster webserver.",
    )
    auth_token: SecretStr | None = Field(
        default=None,
        description="Bearer token sent to the webserver; never logged.",
    )
