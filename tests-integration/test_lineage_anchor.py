"""Issue 15, the anchor: our events carry every facet kind that OpenLineage's dbt-ol emits.

The demo product is compiled by floe; a fresh copy runs under ``dbt-ol build`` (openlineage-dbt,
file transport), and our job runs on another copy. For every model of the default target, each
kind of run, job and dataset facet dbt-ol emits for the model's run and for its tests' run is in
our events too. Job names are the same; the namespace is the product's instead of dbt-ol's
``dbt``; dataset facets may sit in ``facets`` or ``inputFacets``/``outputFacets``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import dagster as dg
import pytest
import yaml

from floe_dagster_lineage.testing import SchemaValidator
from floe_orchestrator_dagster import DagsterPluginConfig

pytestmark = [pytest.mark.slow]
DEFAULT_TARGET_MODELS = {
    "stg_customers",
    "stg_orders",
    "stg_payments",
    "int_order_payments",
    "int_customer_orders",
    "dim_customers",
    "fct_orders",
}


def facet_kinds(events: list[dict[str, Any]]) -> dict[tuple[str, str], set[str]]:
    """(model, what) -> the facet keys seen, for each model's run and its tests' run."""
    kinds: dict[tuple[str, str], set[str]] = defaultdict(set)
    for event in events:
        name = event["job"]["name"]
        for suffix, what in ((".build.run", "run"), (".build.test", "test")):
            if not name.endswith(suffix):
                continue
            model = name[: -len(suffix)].rsplit(".", 1)[-1]
            kinds[(model, f"{what}: run")] |= set(event["run"].get("facets") or {})
            kinds[(model, f"{what}: job")] |= set(event["job"].get("facets") or {})
            for side in ("inputs", "outputs"):
                for dataset in event.get(side) or []:
                    for bucket in ("facets", "inputFacets", "outputFacets"):
                        kinds[(model, f"{what}: {side}")] |= set(dataset.get(bucket) or {})
    return kinds


@pytest.fixture(scope="module")
def compiled(demo_product: Path) -> Path:
    return demo_product  # each fixture below runs in a copy of its own


@pytest.fixture(scope="module")
def dbt_ol_events(compiled: Path, tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    folder = tmp_path_factory.mktemp("dbt-ol") / "product"
    shutil.copytree(compiled, folder)
    artifacts = json.loads((folder / "compiled_artifacts.json").read_text())
    (profile,) = artifacts["dbt_profiles"].values()
    (folder / "profiles.yml").write_text(yaml.safe_dump({"jaffle_shop": profile}))
    events = folder / "dbt-ol.jsonl"
    (folder / "openlineage.yml").write_text(
        yaml.safe_dump(
            {"transport": {"type": "file", "log_file_path": str(events), "append": True}}
        )
    )
    bin_dir = Path(sys.executable).parent
    done = subprocess.run(
        [str(bin_dir / "dbt-ol"), "build", "--profiles-dir", ".", "--exclude",
         "customer_revenue_by_month"],
        cwd=folder,
        env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
             "OPENLINEAGE_CONFIG": str(folder / "openlineage.yml")},
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return [json.loads(line) for line in events.read_text().splitlines() if line.strip()]


@pytest.fixture(scope="module")
def our_events(compiled: Path, tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    from floe_orchestrator_dagster import _definitions
    from floe_orchestrator_dagster._lineage import LineageGateway
    from floe_orchestrator_dagster._schedules import ScheduleBook

    folder = tmp_path_factory.mktemp("ours") / "product"
    shutil.copytree(compiled, folder)
    events = folder / "ours.jsonl"
    config = DagsterPluginConfig.model_validate(
        {
            "project_dir": str(folder),
            "lineage": {"transport": {"type": "file", "path": str(events)}},
        }
    )
    gateway = LineageGateway(config.lineage)
    defs = _definitions.create_definitions(
        config, folder / "compiled_artifacts.json", schedules=ScheduleBook(), lineage=gateway
    )
    with dg.DagsterInstance.ephemeral() as instance:
        result = defs.resolve_job_def("jaffle_shop_job").execute_in_process(instance=instance)
        gateway.close_run(result.dagster_run, instance)
    assert result.success
    return [json.loads(line) for line in events.read_text().splitlines() if line.strip()]


def test_every_facet_kind_of_dbt_ol_is_in_ours(dbt_ol_events, our_events):
    theirs, ours = facet_kinds(dbt_ol_events), facet_kinds(our_events)
    assert {model for model, _ in theirs} == DEFAULT_TARGET_MODELS
    missing = {
        where: sorted(kinds - ours.get(where, set()))
        for where, kinds in theirs.items()
        if kinds - ours.get(where, set())
    }
    assert missing == {}


def test_job_names_match_dbt_ols_in_the_products_namespace(dbt_ol_events, our_events):
    def model_jobs(events):
        return {e["job"]["name"] for e in events if e["job"]["name"].endswith((".run", ".test"))}

    assert model_jobs(dbt_ol_events) <= model_jobs(our_events)
    assert {e["job"]["namespace"] for e in our_events} == {"jaffle-shop"}


def test_ours_add_what_dbt_ol_does_not_send(our_events):
    kinds = facet_kinds(our_events)
    assert {"documentation", "sql", "dbt_node", "jobType"} <= kinds[("dim_customers", "run: job")]
    assert {"floe_dagster", "parent", "processing_engine"} <= kinds[("dim_customers", "run: run")]
    product = [e for e in our_events if e["job"]["name"] == "jaffle_shop_job"]
    assert [e["eventType"] for e in product] == ["START", "COMPLETE"]


def test_every_event_of_ours_conforms(our_events):
    validator = SchemaValidator()
    problems = [p for event in our_events for p in validator.errors(event)]
    assert problems == []
