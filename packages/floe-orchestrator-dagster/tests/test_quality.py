"""floe's quality checks through the quality plugin of floe-core's registry: what loading checks.

Running the checks through floe-quality-gx (Great Expectations) on DuckDB is in
tests-integration/test_quality_gx.py; here the definitions load (no check runs).
"""

from __future__ import annotations

import logging

import pytest

from floe_dagster_core.testing import compiled_artifacts
from floe_orchestrator_dagster import DagsterOrchestratorPlugin
from floe_orchestrator_dagster._errors import QualityPluginError

CHECKS = [
    {
        "name": "order_id_not_null",
        "type": "not_null",
        "column": "order_id",
        "dimension": "completeness",
        "severity": "critical",
    },
    {
        "name": "amount_in_range",
        "type": "values_between",
        "column": "amount",
        "dimension": "validity",
        "severity": "warning",
        "parameters": {"min_value": 0, "max_value": 100},
    },
    {
        "name": "disabled_one",
        "type": "unique",
        "column": "order_id",
        "dimension": "consistency",
        "enabled": False,
    },
]


def product(quality: dict[str, object] | None, **kwargs: object) -> dict[str, object]:
    fields = {"quality_config": quality} if quality is not None else {}
    return compiled_artifacts(
        {"name": "stg_orders"},
        {"name": "fct_orders", "depends_on": ["stg_orders"], "quality_checks": CHECKS},
        product="shop-analytics",
        **fields,  # type: ignore[arg-type]
        **kwargs,  # type: ignore[arg-type]
    )


def test_checks_without_a_quality_plugin_are_refused_naming_the_product_and_first_check():
    with pytest.raises(QualityPluginError) as caught:
        DagsterOrchestratorPlugin().create_definitions(product(None))
    assert str(caught.value) == (
        "Product 'shop-analytics' declares quality checks (the first: 'order_id_not_null' on "
        "model 'fct_orders'), but the platform configures no quality plugin, so they would "
        "never run. Add plugins.quality to manifest.yaml (e.g. plugins: {quality: {provider: "
        "great_expectations}}) and recompile the product, or remove the quality_checks from "
        "floe.yaml. Installed quality plugins: great_expectations."
    )


def test_a_provider_that_is_not_installed_is_refused_with_the_installed_ones():
    with pytest.raises(QualityPluginError, match="provider is 'soda', which is not installed"):
        DagsterOrchestratorPlugin().create_definitions(product({"provider": "soda"}))


def test_each_enabled_check_is_an_asset_check_blocking_when_critical():
    defs = DagsterOrchestratorPlugin().create_definitions(
        product({"provider": "great_expectations"})
    )
    specs = {spec.name: spec for checks in defs.asset_checks or [] for spec in checks.check_specs}
    assert set(specs) == {"order_id_not_null", "amount_in_range"}
    assert specs["order_id_not_null"].blocking
    assert not specs["amount_in_range"].blocking
    assert specs["amount_in_range"].description == (
        "floe quality check values_between on column amount (validity, warning)"
    )
    assert {str(spec.asset_key.to_user_string()) for spec in specs.values()} == {"fct_orders"}
    assert {s.name for s in defs.sensors or []} == {
        "shop_analytics_quality_score",
        "shop_analytics_quality_score_on_failure",
    }


def test_quality_switched_off_by_the_platform_runs_no_check(caplog):
    caplog.set_level(logging.WARNING, logger="floe_orchestrator_dagster")
    defs = DagsterOrchestratorPlugin().create_definitions(
        product({"provider": "great_expectations", "enabled": False})
    )
    assert not defs.asset_checks
    assert "quality_config.enabled is false" in caplog.text
    assert "'order_id_not_null' on model 'fct_orders'" in caplog.text


def test_a_checked_model_on_another_warehouse_is_refused():
    artifacts = product({"provider": "great_expectations"}, default_compute="snowflake")
    with pytest.raises(QualityPluginError) as caught:
        DagsterOrchestratorPlugin().create_definitions(artifacts)
    assert str(caught.value).startswith(
        "Quality check 'order_id_not_null' of model 'fct_orders' cannot run: the model runs on "
        "compute target 'snowflake' (snowflake), and floe runs quality checks on DuckDB "
        "targets only"
    )
