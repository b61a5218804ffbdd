"""The connection to a Dagster webserver: its settings, the probe, and the checks built on it.

One module per concern, the way httpx groups ``_transports/``:

==================  ======================================================================
``settings``        ``connection:`` in the plugin config; where the URL and token come from
``checks``          ``validate_connection`` and ``health_check``, both one probe (FR-019-021)
``probe``           one probe: ``GET /server_info``, then the GraphQL ``{ version }`` query
``transport``       the httpx transport that ends every network operation at one deadline
``server_info``     the webserver's wire format and the supported Dagster versions
``failures``        why a probe failed, told so that an operator knows what to do
==================  ======================================================================

Importing this package is cheap (pydantic and floe-core's plugin types, which the host has loaded
already): httpx and OpenTelemetry are imported only when a check runs.
"""

from __future__ import annotations

__all__ = ["ConnectionSettings", "health_check", "validate_connection"]

from floe_orchestrator_dagster._connection.checks import health_check, validate_connection
from floe_orchestrator_dagster._connection.settings import ConnectionSettings
