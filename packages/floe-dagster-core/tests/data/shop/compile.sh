#!/bin/sh
# Regenerate compiled_artifacts.json with floe-core's real compiler (offline; run from anywhere).
# The per-model override of dim_calendar to the second DuckDB target is applied by the tests,
# because floe-core only approves compute plugins, and both targets here are DuckDB.
cd "$(dirname "$0")" && floe platform compile --spec floe.yaml --manifest manifest.yaml \
  --output compiled_artifacts.json --skip-contracts
