"""floe's own run facet, ``floe_dagster``, whose JSON Schema ships in ``schemas/floe/``."""

from __future__ import annotations

from typing import Any

from floe_dagster_lineage._errors import FacetError
from floe_dagster_lineage._events import DEFAULT_PRODUCER

FLOE_DAGSTER_FACET = "floe_dagster"
FLOE_DAGSTER_SCHEMA_URL = (
    "https://raw.githubusercontent.com/floe-dagster/floe-dagster/main/packages/"
    "floe-dagster-lineage/src/floe_dagster_lineage/schemas/floe/1-0-0/FloeDagsterRunFacet.json"
    "#/$defs/FloeDagsterRunFacet"
)


def floe_dagster_run_facet(
    *,
    product: str,
    dagster_run_id: str,
    dagster_job: str,
    compute_target: str | None = None,
    asset_key: str | None = None,
    attempt: int | None = None,
    producer: str = DEFAULT_PRODUCER,
) -> dict[str, Any]:
    """The ``floe_dagster`` run facet: which product, compute target and Dagster run ran this.

    Send it under the key ``FLOE_DAGSTER_FACET`` (``"floe_dagster"``) in ``run_facets``.

    Args:
        product: The data product's name.
        dagster_run_id: The Dagster run id.
        dagster_job: The Dagster job's name.
        compute_target: The compute target (dbt target) the model ran on.
        asset_key: The Dagster asset key, parts joined with ``/``.
        attempt: The run's attempt number (1 for the first, more for retries).
        producer: The producer URI.

    Returns:
        The facet as a dict with ``_producer`` and ``_schemaURL`` (the shipped schema's URL).

    Raises:
        FacetError: For an empty required field or an attempt that is not a whole number >= 1.

    Examples:
        >>> facet = floe_dagster_run_facet(
        ...     product="jaffle_shop", dagster_run_id="r1", dagster_job="jaffle_shop_job", attempt=1
        ... )
        >>> facet["_schemaURL"].endswith("FloeDagsterRunFacet.json#/$defs/FloeDagsterRunFacet")
        True
    """
    required = {"product": product, "dagster_run_id": dagster_run_id, "dagster_job": dagster_job}
    for name, value in required.items():
        if not value:
            raise FacetError(
                f"`floe_dagster_run_facet` needs a non-empty string {name}, got {value!r}."
            )
    if attempt is not None and (isinstance(attempt, bool) or attempt < 1):
        raise FacetError(
            f"`floe_dagster_run_facet` attempt must be a whole number >= 1, got {attempt!r}."
        )
    facet: dict[str, Any] = {
        "_producer": producer,
        "_schemaURL": FLOE_DAGSTER_SCHEMA_URL,
        "product": product,
        "dagsterRunId": dagster_run_id,
        "dagsterJob": dagster_job,
    }
    optional = {"computeTarget": compute_target, "assetKey": asset_key, "attempt": attempt}
    facet.update({key: value for key, value in optional.items() if value not in (None, "")})
    return facet
