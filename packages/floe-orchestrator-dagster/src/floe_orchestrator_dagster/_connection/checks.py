"""Connection validation and health, both built on one probe (US7, FR-019 to FR-021).

``validate_connection`` and ``health_check`` both run ``probe.probe`` against the configured
webserver and translate its result into floe-core's types:

=====================  ==========================  ===============================
probe                  ValidationResult            HealthStatus
=====================  ==========================  ===============================
answered, supported    success, message            HEALTHY
answered, warning      success, ``warnings``       DEGRADED (works, untested ground)
failed                 failure, ``errors``         UNHEALTHY, the same message
=====================  ==========================  ===============================

The probe's outcome, URL and timing are set on the caller's span
(``floe.orchestrator.dagster.validate_connection`` or ``.health_check``) and logged; the token
never is.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from typing import TYPE_CHECKING

from floe_core.plugin_metadata import HealthState, HealthStatus
from floe_core.plugins.orchestrator import ValidationResult

from floe_orchestrator_dagster._connection.settings import MAX_TIMEOUT_SECONDS

if TYPE_CHECKING:
    from floe_orchestrator_dagster._connection.probe import ProbeResult
    from floe_orchestrator_dagster._connection.settings import ConnectionSettings

DEFAULT_HEALTH_TIMEOUT_SECONDS = 5.0  # floe-core asks health checks to answer within 5 s

_log = logging.getLogger(__name__)


def validate_connection(settings: ConnectionSettings, url: str | None = None) -> ValidationResult:
    """Probe the Dagster webserver of ``settings`` and say whether it answers.

    Args:
        settings: The plugin's ``connection`` settings.
        url: A URL that overrides the settings and ``FLOE_DAGSTER_URL`` (the CLI's ``--url``).

    Returns:
        Success with the server's Dagster version, and a warning when that version is outside
        the supported range; or a failure whose message says what went wrong and what to do.
        Always within ``settings.timeout_seconds`` (10 s at most).

    Examples:
        >>> result = validate_connection(ConnectionSettings(), url="http://127.0.0.1:1")
        >>> result.success, result.message.startswith("Connection refused by 127.0.0.1 port 1")
        (False, True)
    """
    result = _run(settings, url, settings.timeout_seconds)
    if result.ok:
        return ValidationResult(
            success=True, message=result.message, warnings=list(result.warnings)
        )
    return ValidationResult(success=False, message=result.message, errors=[result.message])


def health_check(
    settings: ConnectionSettings, version: str, timeout: float | None = None
) -> HealthStatus:
    """The plugin's health: whether its Dagster webserver answers.

    Args:
        settings: The plugin's ``connection`` settings.
        version: This plugin's version, named in the message.
        timeout: Seconds the check may take; default 5, at most ``settings.timeout_seconds``.

    Returns:
        HEALTHY when the webserver answers, DEGRADED when it answers with an unsupported Dagster
        version, UNHEALTHY with the probe's message otherwise.

    Raises:
        ValueError: ``timeout`` is not a positive number of seconds.

    Examples:
        >>> health_check(ConnectionSettings(url="http://127.0.0.1:1"), "0.1.0").state
        <HealthState.UNHEALTHY: 'unhealthy'>
    """
    if timeout is not None and not timeout > 0:
        raise ValueError(
            f"The health_check timeout must be a positive number of seconds, got {timeout!r}; "
            f"pass e.g. {DEFAULT_HEALTH_TIMEOUT_SECONDS:g}, or None for the default."
        )
    wanted = DEFAULT_HEALTH_TIMEOUT_SECONDS if timeout is None else timeout
    result = _run(settings, None, min(wanted, settings.timeout_seconds, MAX_TIMEOUT_SECONDS))
    if not result.ok:
        state = HealthState.UNHEALTHY
    elif result.warnings:
        state = HealthState.DEGRADED
    else:
        state = HealthState.HEALTHY
    message = " ".join(
        (f"dagster orchestrator plugin {version}:", result.message, *result.warnings)
    )
    return HealthStatus(
        state=state,
        message=message,
        details={
            "webserver_url": result.url,
            "webserver_url_source": result.url_source,
            "outcome": result.outcome,
            "dagster_version": result.dagster_version,
            "elapsed_ms": round(result.elapsed_seconds * 1000),
        },
    )


def _run(settings: ConnectionSettings, url: str | None, budget: float) -> ProbeResult:
    started = time.monotonic()  # the first check imports httpx: that time is in the budget too
    from opentelemetry import trace
    from opentelemetry.trace import Status, StatusCode

    from floe_orchestrator_dagster._connection.probe import probe

    connection = replace(settings.resolve(url), timeout_seconds=budget)
    result = probe(connection, started)
    span = trace.get_current_span()
    span.set_attributes(
        {
            "floe.dagster.webserver.url": result.url,
            "floe.dagster.webserver.url_source": result.url_source,
            "floe.dagster.probe.outcome": result.outcome,
            "floe.dagster.probe.elapsed_ms": round(result.elapsed_seconds * 1000),
            "floe.dagster.probe.timeout_s": budget,
        }
    )
    if result.dagster_version is not None:
        span.set_attribute("floe.dagster.version", result.dagster_version)
    if not result.ok:
        span.set_status(Status(StatusCode.ERROR, result.outcome))
    # INFO, not WARNING: the caller gets the result and decides; an unconfigured host's logging
    # must not print it to stderr a second time.
    _log.info(
        "connection probe %s in %.0f ms: %s",
        result.outcome,
        result.elapsed_seconds * 1000,
        " ".join((result.message, *result.warnings)),
    )
    return result
