"""``retry:`` in the plugin config: validated with its location, and set on every dbt step."""

from __future__ import annotations

import dagster as dg
import pytest
from pydantic import ValidationError

from floe_dagster_core.testing import compiled_artifacts
from floe_orchestrator_dagster import DagsterOrchestratorPlugin, DagsterPluginConfig
from floe_orchestrator_dagster._retry_settings import RetrySettings


def test_no_retry_by_default():
    assert DagsterPluginConfig().retry.policy() is None


def test_the_settings_become_dagsters_retry_policy():
    policy = RetrySettings(max_retries=3, delay=10, backoff="exponential", jitter="full").policy()
    assert policy == dg.RetryPolicy(
        max_retries=3, delay=10, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.FULL
    )
    assert RetrySettings(max_retries=1).policy() == dg.RetryPolicy(max_retries=1)


def test_a_backoff_needs_a_delay():
    with pytest.raises(
        ValidationError, match=r"`retry\.backoff` and `retry\.jitter` vary retry\.delay"
    ):
        RetrySettings(max_retries=1, backoff="linear")


def test_an_unknown_backoff_lists_the_valid_ones():
    with pytest.raises(ValidationError, match="'linear' or 'exponential'"):
        RetrySettings.model_validate({"max_retries": 1, "delay": 1, "backoff": "quadratic"})


def test_a_retry_policy_in_the_manifest_is_on_every_dbt_step():
    artifacts = compiled_artifacts(
        {"name": "stg_a"},
        {"name": "heavy_b", "compute": "spark", "depends_on": ["stg_a"]},
        plugins={
            "orchestrator": {
                "type": "dagster",
                "version": "0.1.0",
                "config": {"retry": {"max_retries": 2, "delay": 30}},
            }
        },
    )
    defs = DagsterOrchestratorPlugin().create_definitions(artifacts)
    policies = {a.op.name: a.op.retry_policy for a in defs.assets or []}
    assert policies == {
        "floe_dbt_duckdb": dg.RetryPolicy(max_retries=2, delay=30),
        "floe_dbt_spark": dg.RetryPolicy(max_retries=2, delay=30),
    }


def test_a_bad_retry_in_the_manifest_names_its_field():
    artifacts = compiled_artifacts(
        {"name": "stg_a"},
        plugins={
            "orchestrator": {
                "type": "dagster",
                "version": "0.1.0",
                "config": {"retry": {"max_retries": -1}},
            }
        },
    )
    with pytest.raises(ValidationError, match=r"plugins\.orchestrator\.config\.retry\.max_retries"):
        DagsterOrchestratorPlugin().create_definitions(artifacts)
