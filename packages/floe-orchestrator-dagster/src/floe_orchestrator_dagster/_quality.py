"""floe's quality checks through floe's quality plugin: the facade's side of core's quality hook.

Each transform's ``quality_checks`` in the CompiledArtifacts becomes a Dagster asset check on its
model (floe-dagster-core's ``_quality_checks`` builds them). The checks run through the quality
plugin that the platform configures (``plugins.quality`` in manifest.yaml, compiled into the
artifacts' ``quality_config``; its ``provider`` names a ``floe.quality`` plugin such as
``great_expectations`` from floe-quality-gx), resolved from floe-core's registry. Nothing here
evaluates a check itself:

- **severity** ``critical`` makes a blocking check (a failure stops what is downstream in later
  steps, severity ERROR); ``warning`` and ``info`` make non-blocking ones (severity WARN);
- **the table**: the model's relation, read read-only from the DuckDB file of the compute target
  the model runs on, handed to the plugin as a DataFrame (``connection_config['dataframe']``,
  which the plugin accepts as is). floe-quality-gx 0.1.0a1 reads only a table of DuckDB's default
  schema by itself (it quotes ``schema.table`` as one identifier) and returns an empty table for
  any other dialect, so models on other warehouses are refused when the definitions load;
- **scores**: ``calculate_quality_score`` of the plugin, per model after its checks and per
  product after each run (``summarize``), with the platform's ``quality_config``;
- **lineage**: ``get_quality_facets`` of the plugin gives the ``dataQualityAssertions`` facet,
  handed to observers on ``QualityInfo.facets``.

A product that declares checks while the platform configures no quality plugin is refused when
the definitions load, naming the product and the first check.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from floe_orchestrator_dagster._errors import QualityPluginError

if TYPE_CHECKING:
    from floe_orchestrator_dagster._artifacts import ProductArtifacts

logger = logging.getLogger("floe_orchestrator_dagster")

DIALECT = "duckdb"


def quality_checker(artifacts: ProductArtifacts, project: Any) -> Any:
    """core's ``ModelChecker`` for the product's quality checks; None when it declares none.

    Args:
        artifacts: The product's artifacts.
        project: core's ``DbtProject`` (where each compute target's warehouse is), or None.

    Raises:
        QualityPluginError: Checks are declared but no quality plugin is configured, the
            configured one is not installed, or a checked model runs on a warehouse the plugin
            cannot read here.
    """
    model = artifacts.model
    transforms = model.transforms.models if model.transforms is not None else []
    declared = [
        (transform, check)
        for transform in transforms
        for check in transform.quality_checks or []
        if check.enabled
    ]
    if not declared:
        return None
    first_model, first_check = declared[0]
    config = model.quality_config
    where = (
        f"Product {artifacts.product_name!r} declares quality checks (the first: "
        f"{first_check.name!r} on model {first_model.name!r})"
    )
    if config is None:
        raise QualityPluginError(
            f"{where}, but the platform configures no quality plugin, so they would never run. "
            "Add plugins.quality to manifest.yaml (e.g. plugins: {quality: {provider: "
            "great_expectations}}) and recompile the product, or remove the quality_checks "
            f"from floe.yaml. {_installed()}"
        )
    if not config.enabled:
        logger.warning(
            "%s, but quality_config.enabled is false in the platform's manifest: they are not run.",
            where,
        )
        return None
    plugin = _plugin(config.provider, where)
    outputs = _outputs(artifacts, project)
    for transform, check in declared:
        output = outputs(transform.compute)
        kind = str(output.get("type") or transform.compute)
        if kind != DIALECT or not plugin.supports_dialect(kind):
            raise QualityPluginError(
                f"Quality check {check.name!r} of model {transform.name!r} cannot run: the "
                f"model runs on compute target {transform.compute!r} ({kind}), and floe runs "
                f"quality checks on DuckDB targets only (quality plugin {config.provider!r} "
                "reads no other warehouse yet). Move the model to a DuckDB compute target, or "
                "remove the check from floe.yaml."
            )
    return PluginChecker(plugin, config, declared, outputs, artifacts.product_name)


def _plugin(provider: str, where: str) -> Any:
    from floe_core.plugin_errors import PluginNotFoundError
    from floe_core.plugin_types import PluginType

    from floe_orchestrator_dagster._registry import registry

    try:
        return registry().get(PluginType.QUALITY, provider)
    except PluginNotFoundError:
        raise QualityPluginError(
            f"{where}, and plugins.quality.provider is {provider!r}, which is not installed. "
            f"{_installed()} Install the plugin (e.g. pip install floe-quality-gx for "
            "great_expectations) or set the provider to an installed one."
        ) from None


def _installed() -> str:
    from floe_core.plugin_types import PluginType

    from floe_orchestrator_dagster._registry import registry

    names = sorted(registry().list_all().get(PluginType.QUALITY, []))
    return f"Installed quality plugins: {', '.join(names) if names else 'none'}."


def _outputs(artifacts: ProductArtifacts, project: Any) -> Any:
    """compute target -> the dbt output it runs on (core's rule: ``compute_outputs``)."""
    from floe_dagster_core import compute_outputs

    return compute_outputs(project, artifacts.model.dbt_profiles)


class PluginChecker:
    """core's ``ModelChecker`` over floe's quality plugin (see the module docstring)."""

    def __init__(
        self,
        plugin: Any,
        config: Any,
        declared: Sequence[tuple[Any, Any]],
        outputs: Any,
        product: str,
    ) -> None:
        self._plugin = plugin
        self._config = config
        self._outputs = outputs
        self._product = product
        self._checks: dict[str, dict[str, Any]] = {}
        for transform, check in declared:
            self._checks.setdefault(transform.name, {})[check.name] = check

    def checks(self) -> list[Any]:
        """One core ``ModelCheck`` per declared, enabled check."""
        from floe_core.schemas.quality_config import SeverityLevel

        from floe_dagster_core import ModelCheck

        found = []
        for model, checks in self._checks.items():
            for check in checks.values():
                found.append(
                    ModelCheck(
                        model=model,
                        name=check.name,
                        blocking=check.severity == SeverityLevel.CRITICAL,
                        description=_describe(check),
                        metadata=_facts(check),
                    )
                )
        return found

    def run(self, info: Any, checks: Sequence[Any]) -> Any:
        """Run the model's checks through the plugin on its table; score them; facets."""
        from floe_core.schemas.quality_score import QualitySuite

        from floe_dagster_core import QualityInfo

        declared = self._checks[info.model]
        suite = QualitySuite(
            model_name=info.model,
            checks=[declared[check.name] for check in checks],
            timeout_seconds=self._config.check_timeout_seconds,
        )
        frame = self._table(info)
        result = self._plugin.run_suite(suite, {"dialect": DIALECT, "dataframe": frame})
        score = self._plugin.calculate_quality_score(result, self._config)
        facets = self._plugin.get_quality_facets(list(result.checks))
        return QualityInfo(
            outcomes=[_outcome(r, declared.get(r.check_name)) for r in result.checks],
            metadata=_score_metadata(score),
            facets={"dataQualityAssertions": facets} if facets else {},
        )

    def summarize(self, outcomes: Mapping[str, Sequence[Any]]) -> dict[str, Any]:
        """The product's score from a run's results (the plugin's scoring, the platform's rules)."""
        from floe_core.schemas.quality_score import QualityCheckResult, QualitySuiteResult

        results = []
        for model, found in outcomes.items():
            for outcome in found:
                check = self._checks.get(model, {}).get(outcome.name)
                if check is None:
                    continue
                results.append(
                    QualityCheckResult(
                        check_name=f"{model}.{outcome.name}",
                        passed=outcome.passed,
                        dimension=check.dimension,
                        severity=check.severity,
                        records_checked=int(outcome.metadata.get("floe/records_checked") or 0),
                        records_failed=int(outcome.metadata.get("floe/records_failed") or 0),
                    )
                )
        if not results:
            return {}
        suite = QualitySuiteResult(
            suite_name=f"{self._product}_quality",
            model_name=self._product,
            passed=all(r.passed for r in results),
            checks=results,
        )
        return _score_metadata(self._plugin.calculate_quality_score(suite, self._config))

    def _table(self, info: Any) -> Any:
        """The model's table as a DataFrame, read read-only from its DuckDB file."""
        import duckdb

        output = self._outputs(info.compute)
        relation = info.relation or {}
        schema = relation.get("schema") or output.get("schema") or "main"
        table = relation.get("alias") or info.model
        name = f"{_quoted(schema)}.{_quoted(table)}"
        with duckdb.connect(str(output.get("path") or ":memory:"), read_only=True) as con:
            return con.execute(f"select * from {name}").fetchdf()


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _describe(check: Any) -> str:
    column = f" on column {check.column}" if check.column else ""
    return (
        f"floe quality check {check.type}{column} ({check.dimension.value}, {check.severity.value})"
    )


def _facts(check: Any) -> dict[str, Any]:
    facts: dict[str, Any] = {
        "floe/check_type": check.type,
        "floe/dimension": check.dimension.value,
        "floe/severity": check.severity.value,
    }
    if check.column:
        facts["floe/column"] = check.column
    if check.parameters:
        facts["floe/parameters"] = dict(check.parameters)
    return facts


def _outcome(result: Any, check: Any) -> Any:
    from floe_core.schemas.quality_config import SeverityLevel

    from floe_dagster_core import CheckOutcome

    critical = check is not None and check.severity == SeverityLevel.CRITICAL
    return CheckOutcome(
        name=result.check_name,
        passed=bool(result.passed),
        severity="error" if critical else "warn",
        description=result.error_message or "",
        metadata={
            "floe/records_checked": int(result.records_checked),
            "floe/records_failed": int(result.records_failed),
        },
    )


def _score_metadata(score: Any) -> dict[str, Any]:
    return {
        "floe/quality_score": float(score.overall),
        "floe/quality_dimensions": {
            getattr(dimension, "value", str(dimension)): float(value)
            for dimension, value in score.dimension_scores.items()
        },
        "floe/quality_checks_passed": int(score.checks_passed),
        "floe/quality_checks_failed": int(score.checks_failed),
    }
