"""SC-002: the generated definitions.py loads in Dagster's own tools, and a run launched through
the webserver's GraphQL API succeeds.

The product is the shipped demo, compiled by floe's real compiler, which writes definitions.py
through this plugin's generate_entry_point_code (``--generate-definitions``).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

import dagster_server  # packages/floe-orchestrator-dagster/tests (pythonpath in pyproject)

pytestmark = pytest.mark.slow


JOB = "jaffle_shop_job"
MODELS = {
    "stg_customers",
    "stg_orders",
    "stg_payments",
    "int_order_payments",
    "int_customer_orders",
    "dim_customers",
    "fct_orders",
    "customer_revenue_by_month",
}
SEEDS = {"raw_customers", "raw_orders", "raw_payments"}

WORKSPACE = """
{
  workspaceOrError {
    __typename
    ... on Workspace {
      locationEntries {
        name
        loadStatus
        locationOrLoadError {
          __typename
          ... on PythonError { message }
          ... on RepositoryLocation {
            repositories {
              name
              jobs { name }
              schedules { name cronSchedule executionTimezone }
              assetNodes { assetKey { path } }
            }
          }
        }
      }
    }
  }
}
"""

LAUNCH = """
mutation Launch($location: String!, $repository: String!, $job: String!) {
  launchRun(executionParams: {
    selector: {repositoryLocationName: $location, repositoryName: $repository, jobName: $job}
    runConfigData: {}
  }) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on PythonError { message }
    ... on RunConfigValidationInvalid { errors { message } }
  }
}
"""

RUN_STATUS = """
query Status($runId: ID!) {
  runOrError(runId: $runId) { __typename ... on Run { status } }
}
"""


@pytest.fixture(scope="module")
def product(demo_product: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("product") / "jaffle-shop"
    shutil.copytree(demo_product, folder)
    assert (folder / "definitions.py").is_file()  # floe platform compile --generate-definitions
    return folder


def graphql(url: str, query: str, **variables: Any) -> dict[str, Any]:
    response = httpx.post(
        f"{url}/graphql", json={"query": query, "variables": variables}, timeout=30
    )
    response.raise_for_status()
    body = response.json()
    assert "errors" not in body, body["errors"]
    data: dict[str, Any] = body["data"]
    return data


@pytest.fixture(scope="module")
def webserver(product: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with dagster_server.running_webserver(
        tmp_path_factory.mktemp("dagster"), code_file=product / "definitions.py"
    ) as server:
        yield server


@pytest.fixture(scope="module")
def location(webserver: Any) -> dict[str, Any]:
    """The code location once it has finished loading (the webserver answers before that)."""
    deadline = time.monotonic() + 120
    while True:
        entries = graphql(webserver.url, WORKSPACE)["workspaceOrError"]["locationEntries"]
        (entry,) = entries
        if entry["loadStatus"] == "LOADED" or time.monotonic() > deadline:
            return dict(entry)
        time.sleep(0.5)


@pytest.mark.compat
def test_code_location_loads_without_errors(location, webserver):
    loaded = location["locationOrLoadError"]
    assert loaded["__typename"] == "RepositoryLocation", (loaded, webserver.log_tail())


def test_code_location_shows_exactly_the_products_assets_job_and_schedule(location):
    (repository,) = location["locationOrLoadError"]["repositories"]
    keys = {"/".join(node["assetKey"]["path"]) for node in repository["assetNodes"]}
    assert keys == MODELS | SEEDS
    jobs = {job["name"] for job in repository["jobs"] if not job["name"].startswith("__")}
    assert jobs == {JOB}
    assert repository["schedules"] == [
        {
            "name": f"{JOB}_schedule",
            "cronSchedule": "0 8 * * *",
            "executionTimezone": "America/New_York",
        }
    ]


def test_a_run_launched_through_graphql_succeeds(location, webserver):
    (repository,) = location["locationOrLoadError"]["repositories"]
    launched = graphql(
        webserver.url,
        LAUNCH,
        location=location["name"],
        repository=repository["name"],
        job=JOB,
    )["launchRun"]
    assert launched["__typename"] == "LaunchRunSuccess", launched
    run_id = launched["run"]["runId"]
    deadline = time.monotonic() + 240
    status = "?"
    while time.monotonic() < deadline:
        status = graphql(webserver.url, RUN_STATUS, runId=run_id)["runOrError"]["status"]
        if status in ("SUCCESS", "FAILURE", "CANCELED"):
            break
        time.sleep(1)
    assert status == "SUCCESS", webserver.log_tail(60)


@pytest.mark.compat
def test_dagster_definitions_validate_accepts_it(product: Path):
    """`dagster definitions validate` (Dagster's own loader check) where the command exists."""
    dagster = Path(sys.executable).with_name("dagster")
    done = subprocess.run(
        [str(dagster), "definitions", "validate", "-f", "definitions.py"],
        cwd=product,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]


def test_dagster_api_grpc_serves_it(product: Path, tmp_path: Path):
    """`dagster api grpc -f definitions.py` serves the location and answers its health check."""
    dagster = Path(sys.executable).with_name("dagster")
    port = dagster_server.free_port()
    log = tmp_path / "grpc.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [
                str(dagster),
                "api",
                "grpc",
                "-f",
                "definitions.py",
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
            ],
            cwd=product,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 120
        healthy = False
        while time.monotonic() < deadline and server.poll() is None and not healthy:
            check = subprocess.run(
                [str(dagster), "api", "grpc-health-check", "-p", str(port), "-h", "127.0.0.1"],
                capture_output=True,
                timeout=60,
                check=False,
            )
            healthy = check.returncode == 0
            if not healthy:
                time.sleep(1)
        assert healthy, log.read_text()[-2000:]
    finally:
        dagster_server.stop_process_group(server)


def test_generated_definitions_file_is_the_plugins(product: Path):
    text = (product / "definitions.py").read_text()
    assert "PRODUCT_NAME = 'jaffle-shop'" in text
    artifacts = json.loads((product / "compiled_artifacts.json").read_text())
    assert artifacts["metadata"]["product_name"] == "jaffle-shop"
