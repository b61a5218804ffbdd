"""The Iceberg export's cost per model, as a ratio to the dbt build of the same step.

A generated product of 500 dbt models (each a DuckDB table of 100 rows and 4 columns, all on one
compute target, so one dbt step builds them all) is exported to pyiceberg's SQL catalog on a local
warehouse folder (floe-test-lakehouse's ``sql-test`` and ``local-test`` plugins, through
floe-core's registry), the way a run exports it: core calls the facade's exporter for each model
after dbt has exited. Three runs of the same step, in one process:

- dbt alone: the product without catalog and storage (the baseline);
- first export: every table created (one commit each);
- second export: every table overwritten (one commit each).

"export" is the time spent in the exporter, measured around each call; "dbt build" is the rest of
the run (dbt, dagster-dbt and Dagster). The catalog is local, so this is the export's own cost
(reading the model from DuckDB, Arrow, Parquet, Iceberg metadata, the catalog commit); a remote
catalog and object store add their round trips per commit.

Run: ``nox -s bench`` or ``uv run python bench/bench_iceberg_export.py [models]``.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PRODUCT = "bench-lake"
ROWS_PER_MODEL = 100


def write_project(folder: Path, models: int) -> list[dict[str, Any]]:
    """A dbt project of ``models`` table models; returns them as floe transforms."""
    from floe_core.compilation.naming import dbt_project_name

    (folder / "models").mkdir(parents=True)
    (folder / "dbt_project.yml").write_text(
        f"name: {dbt_project_name(PRODUCT)}\nversion: '1.0.0'\nconfig-version: 2\n"
        f"profile: {dbt_project_name(PRODUCT)}\nmodel-paths: [models]\n"
        "models:\n  +materialized: table\n"
    )
    names = [f"model_{i:05d}" for i in range(models)]
    for i, name in enumerate(names):
        (folder / "models" / f"{name}.sql").write_text(
            f"select range as id, 'row ' || range as label, range * {i + 1}.5 as amount, "
            f"date '2026-01-01' + range::integer as day from range({ROWS_PER_MODEL})\n"
        )
    return [{"name": name, "tags": ["generated"]} for name in names]


def artifacts(folder: Path, transforms: list[dict[str, Any]], lakehouse: bool) -> Path:
    """``compiled_artifacts.json`` of the product, with or without the lakehouse plugins."""
    import json

    from floe_test_lakehouse import LocalStorageConfig, LocalStoragePlugin, SqlCatalogPlugin

    from floe_dagster_core.testing import compiled_artifacts

    profiles = {
        PRODUCT: {
            "target": "dev",
            "outputs": {
                "dev": {"type": "duckdb", "path": str(folder / "warehouse.duckdb"), "threads": 1}
            },
        }
    }
    fields: dict[str, Any] = {}
    plugins: dict[str, Any] = {}
    if lakehouse:
        warehouse = folder / "lake"
        warehouse.mkdir(exist_ok=True)
        storage = LocalStoragePlugin()
        storage.configure(LocalStorageConfig(warehouse=str(warehouse)))
        binding = storage.get_deployment_binding()
        plugins = {
            "catalog": {
                "type": "sql-test",
                "version": "0.1.0",
                "config": {"uri": f"sqlite:///{folder / 'catalog.db'}"},
            },
            "storage": {
                "type": "local-test",
                "version": "0.1.0",
                "config": {"warehouse": str(warehouse)},
            },
        }
        fields["deployment"] = {
            "storage": binding.model_dump(mode="json"),
            "catalog": SqlCatalogPlugin().build_catalog_deployment(binding).model_dump(),
        }
    path = folder / "compiled_artifacts.json"
    document = compiled_artifacts(
        *transforms, product=PRODUCT, dbt_profiles=profiles, plugins=plugins, **fields
    )
    path.write_text(json.dumps(document))
    return path


class Timed:
    """An exporter that adds up the time spent in the one it wraps."""

    def __init__(self, exporter: Any) -> None:
        self.exporter = exporter
        self.seconds = 0.0
        self.calls = 0

    def export(self, info: Any) -> Any:
        start = time.perf_counter()
        try:
            return self.exporter.export(info)
        finally:
            self.seconds += time.perf_counter() - start
            self.calls += 1


def definitions(path: Path) -> tuple[Any, Timed | None]:
    """The product's Definitions as the facade builds them, with the exporter timed."""
    from floe_dagster_core import create_definitions
    from floe_orchestrator_dagster._artifacts import read_artifacts
    from floe_orchestrator_dagster._definitions import dbt_project, effective_config
    from floe_orchestrator_dagster._lakehouse import lakehouse_exporters

    loaded = read_artifacts(path)
    project = dbt_project(effective_config(None, loaded), loaded)
    exporters = lakehouse_exporters(loaded, project)
    timed = Timed(exporters[0]) if exporters else None
    defs = create_definitions(loaded.view, project=project, exporters=[timed] if timed else [])
    return defs, timed


def run(defs: Any) -> float:
    import dagster as dg

    job = defs.resolve_job_def(f"{PRODUCT.replace('-', '_')}_job")
    start = time.perf_counter()
    with dg.DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(instance=instance)
    assert result.success
    return time.perf_counter() - start


def main() -> None:
    import structlog

    # floe-iceberg and floe-core log with structlog, to stdout by default: keep the table clean
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    logging.getLogger("dagster").setLevel(logging.WARNING)
    numbers = [int(a) for a in sys.argv[1:] if a.isdigit()]
    models = numbers[0] if numbers else 500
    # dbt prints its own lines (parse, summary) to stdout: only the table belongs there
    with (
        tempfile.TemporaryDirectory(prefix="bench-iceberg-") as tmp,
        contextlib.redirect_stdout(sys.stderr),
    ):
        plain_dir, lake_dir = Path(tmp) / "plain", Path(tmp) / "lake"
        transforms = write_project(plain_dir, models)
        write_project(lake_dir, models)
        baseline = run(definitions(artifacts(plain_dir, transforms, lakehouse=False))[0])
        defs, timed = definitions(artifacts(lake_dir, transforms, lakehouse=True))
        assert timed is not None
        rows = []
        for label in ("first export (creates the tables)", "second export (overwrites them)"):
            before, calls = timed.seconds, timed.calls
            wall = run(defs)
            export = timed.seconds - before
            assert timed.calls - calls == models, (timed.calls, models)
            rows.append((label, wall - export, export))
    print(f"## Iceberg export, {models} models of {ROWS_PER_MODEL} rows in one dbt step\n")
    print("| run | dbt build s | export s | export per model ms | export / dbt build |")
    print("|---|---:|---:|---:|---:|")
    print(f"| dbt alone (no catalog, baseline) | {baseline:.1f} | - | - | - |")
    for label, build, export in rows:
        print(
            f"| {label} | {build:.1f} | {export:.1f} | {export / models * 1000:.0f} "
            f"| {export / build:.2f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
