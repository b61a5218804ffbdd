"""Test-only floe plugins for an offline lakehouse (see pyproject.toml); filled in by issue 13."""
