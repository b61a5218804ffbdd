"""The quality hook: how code outside core runs a model's quality checks as Dagster asset checks.

Core knows nothing of floe's quality plugins. The facade hands ``create_definitions`` a
``ModelChecker``: it declares each model's checks when the definitions load (``checks``), runs the
checks of one model when Dagster executes them (``run``), and summarises the results of a whole
run into the product's quality metadata (``summarize``). Core turns the declarations into asset
checks (``_quality_checks``), one ``multi_asset_check`` per compute target, each executed after
the models it checks; a ``blocking`` check that fails stops the assets downstream of its model in
later steps of the run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

if TYPE_CHECKING:
    from floe_dagster_core._observer_protocol import AssetRunInfo


@dataclass(frozen=True)
class ModelCheck:
    """One quality check declared on a model.

    Attributes:
        model: The dbt model / floe transform the check is on.
        name: The check's name (unique per model); the Dagster asset check's name.
        blocking: A failure stops the assets downstream of the model (Dagster's blocking check).
        description: Shown in the Dagster UI.
        metadata: Facts about the check shown with its results (type, column, severity...).
    """

    model: str
    name: str
    blocking: bool = False
    description: str = ""
    metadata: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckOutcome:
    """The result of one quality check.

    Attributes:
        name: The check's name (as declared).
        passed: Whether the check passed.
        severity: How a failure counts: ``error`` (blocking) or ``warn``.
        description: What was found (shown with the result).
        metadata: Facts of the result (records checked and failed, dimension...).
    """

    name: str
    passed: bool
    severity: Literal["error", "warn"] = "error"
    description: str = ""
    metadata: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class QualityInfo:
    """What a model's quality checks found: results, score and lineage facets.

    Attributes:
        outcomes: One result per check that ran.
        metadata: Asset metadata of the model (e.g. ``floe/quality_score``).
        facets: OpenLineage dataset facets describing the results (e.g.
            ``{"dataQualityAssertions": {...}}``), for lineage observers.
    """

    outcomes: Sequence[CheckOutcome]
    metadata: Mapping[str, Any] = field(default_factory=dict)
    facets: Mapping[str, Any] = field(default_factory=dict)


@runtime_checkable
class ModelChecker(Protocol):
    """Declares and runs the quality checks of a product's models."""

    def checks(self) -> Sequence[ModelCheck]:
        """Every declared check, when the definitions load."""

    def run(self, info: AssetRunInfo, checks: Sequence[ModelCheck]) -> QualityInfo:
        """Run ``checks`` (all on ``info.model``) against the model's table; never partial.

        Raising fails the check step with the message; a check missing from the outcomes is
        reported as failed.
        """

    def summarize(self, outcomes: Mapping[str, Sequence[CheckOutcome]]) -> Mapping[str, Any]:
        """The product's quality metadata (e.g. its score) from a run's outcomes by model."""
