"""Fixtures of floe-dagster-lineage's tests: the shipped OpenLineage schemas, a validator, and a
spool of each test's own (never the developer's state folder)."""

from __future__ import annotations

from pathlib import Path

import pytest

from floe_dagster_lineage.testing import SchemaValidator


@pytest.fixture(autouse=True)
def spool_path(clean_environ: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The default spool of every emitter in the test: a file of the test's own."""
    path = tmp_path / "spool" / "lineage-spool.jsonl"
    monkeypatch.setenv("FLOE_DAGSTER_LINEAGE_SPOOL", str(path))
    return path


@pytest.fixture(scope="session")
def spec_dir(schema_validator: SchemaValidator) -> Path:
    """The folder of the OpenLineage JSON Schemas shipped in the package (never downloaded)."""
    return schema_validator.spec_dir


@pytest.fixture(scope="session")
def validator(schema_validator: SchemaValidator) -> SchemaValidator:
    return schema_validator
