"""Each nox matrix cell really got the Dagster it asked for (uv conflict groups have had bugs)."""

from __future__ import annotations

import os
from importlib.metadata import version

# the lock's default group, what `uv run pytest` gets
DEFAULT_DAGSTER = "1.12"
DAGSTER_DBT_FOR = {"1.10": "0.26", "1.11": "0.27", "1.12": "0.28", "1.13": "0.29"}


def test_installed_dagster_matches_the_session():
    expected = os.environ.get("EXPECTED_DAGSTER", DEFAULT_DAGSTER)
    assert version("dagster").startswith(expected + "."), version("dagster")
    assert version("dagster-dbt").startswith(DAGSTER_DBT_FOR[expected] + ".")
    assert version("dagster-webserver") == version("dagster")
