#!/bin/sh
# Regenerate compiled_artifacts.json with floe-core's real compiler (offline; run from anywhere).
# The per-model override of dim_calendar to the second DuckDB target (duckdb_heavy, defined by
# the platform in manifest.yaml) is applied by the tests: floe-core approves compute plugins only.
cd "$(dirname "$0")" && floe platform compile --spec floe.yaml --manifest manifest.yaml \
  --output compiled_artifacts.json --skip-contracts
