"""Fixtures of floe-dagster-lineage's tests: the official OpenLineage schemas and a validator."""

from __future__ import annotations

from pathlib import Path

import pytest

from floe_dagster_lineage.testing import SchemaValidator

# the repository is cloned at X/main with the shared material at X/shared
SPEC_DIR = Path(__file__).resolve().parents[3] / ".." / "shared" / "openlineage-spec"


@pytest.fixture(scope="session")
def spec_dir() -> Path:
    """The official OpenLineage JSON Schemas (never downloaded: CI runs offline)."""
    if not (SPEC_DIR / "OpenLineage.json").is_file():
        pytest.fail(
            f"the OpenLineage schemas are missing at {SPEC_DIR.resolve()}; the conformance tests "
            "need the shared/openlineage-spec folder beside the repository checkout."
        )
    return SPEC_DIR


@pytest.fixture(scope="session")
def validator(spec_dir: Path) -> SchemaValidator:
    return SchemaValidator(spec_dir)
