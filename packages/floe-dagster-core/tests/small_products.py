"""Small real dbt projects on DuckDB, written by the tests that run them.

``write_product(folder, models, ...)`` writes a dbt project (``dbt_project.yml``, one SQL file per
model, optional ``schema.yml`` / ``sources.yml``) and a ``compiled_artifacts.json`` beside it
listing every model as a transform, with a compiled DuckDB profile on ``warehouse.duckdb``: what
``floe platform compile`` gives for such a product.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from floe_dagster_core.testing import compiled_artifacts

PRODUCT = "chain"


def write_product(
    folder: Path,
    models: Mapping[str, str],
    *,
    depends_on: Mapping[str, list[str]] | None = None,
    schema_yml: str | None = None,
    sources_yml: str | None = None,
    quality_checks: Mapping[str, list[dict[str, Any]]] | None = None,
    compute: Mapping[str, str] | None = None,
) -> Path:
    """Write the project into ``folder``; returns the artifacts file."""
    (folder / "models").mkdir(parents=True, exist_ok=True)
    (folder / "dbt_project.yml").write_text(
        f'name: {PRODUCT}\nversion: "1.0.0"\nconfig-version: 2\nprofile: {PRODUCT}\n'
        'model-paths: ["models"]\n'
        f"models:\n  {PRODUCT}:\n    +materialized: table\n"
    )
    for name, sql in models.items():
        (folder / "models" / f"{name}.sql").write_text(sql)
    if schema_yml:
        (folder / "models" / "schema.yml").write_text(schema_yml)
    if sources_yml:
        (folder / "models" / "sources.yml").write_text(sources_yml)
    deps = depends_on or {}
    checks = quality_checks or {}
    artifacts = compiled_artifacts(
        *(
            {
                "name": name,
                "depends_on": deps.get(name),
                "quality_checks": checks.get(name),
                "compute": (compute or {}).get(name),
            }
            for name in models
        ),
        product=PRODUCT,
        dbt_profiles={
            PRODUCT: {
                "target": "dev",
                "outputs": {"dev": {"type": "duckdb", "path": "warehouse.duckdb", "threads": 1}},
            }
        },
    )
    path = folder / "compiled_artifacts.json"
    path.write_text(json.dumps(artifacts, indent=2))
    return path
