"""Fixtures of floe-dagster-lineage's tests: the shipped OpenLineage schemas and a validator."""

from __future__ import annotations

from pathlib import Path

import pytest

from floe_dagster_lineage.testing import SchemaValidator


@pytest.fixture(scope="session")
def spec_dir(schema_validator: SchemaValidator) -> Path:
    """The folder of the OpenLineage JSON Schemas shipped in the package (never downloaded)."""
    return schema_validator.spec_dir


@pytest.fixture(scope="session")
def validator(schema_validator: SchemaValidator) -> SchemaValidator:
    return schema_validator
