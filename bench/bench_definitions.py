"""create_definitions at scale (NFR-002): 500, 2,000 and 10,000 transforms, on both asset paths.

Each row runs in a fresh process on a generated product (``floe_dagster_core.testing``): a random
DAG where each model reads up to three earlier ones, every model listed as a floe transform, and
a dbt manifest with the same models (a seed and a ``not_null`` test per tenth model, which become
asset checks). Columns:

- create_definitions: median wall time of ``create_definitions(artifacts)`` once Dagster and
  dagster-dbt are imported (imports are reported apart: they are paid once per process);
- webserver load: what a code server does with the Definitions before the webserver can show
  them: resolve the asset graph, build the repository and its snapshot (``RepositorySnap``);
- peak memory: ``tracemalloc`` peak over create_definitions + webserver load (a separate pass).

Goal: 500 transforms under 0.5 s (spec limit 5 s), linear growth, 10,000 under 10 s.

Run: ``nox -s bench`` or ``uv run python bench/bench_definitions.py [sizes...]``.
"""

from __future__ import annotations

import json
import subprocess
import sys

SIZES = (500, 2_000, 10_000)
PATHS = {"per-transform": "per_transform", "@dbt_assets (manifest)": "dbt_manifest"}

PROBE = """
import json, statistics, sys, time, tracemalloc
t0 = time.perf_counter()
import dagster as dg
import dagster_dbt
from floe_dagster_core import create_definitions
from floe_dagster_core.testing import generated_product
imports = time.perf_counter() - t0
n, path, runs = {n}, {path!r}, {runs}
product = generated_product(n, seed=1)
kwargs = {{"manifest": product.manifest}} if path == "dbt_manifest" else {{}}

def webserver_load(defs):
    from dagster._core.remote_representation.external_data import RepositorySnap
    defs.resolve_asset_graph()
    repo = defs.get_repository_def()
    RepositorySnap.from_def(repo)

create, load = [], []
for _ in range(runs):
    start = time.perf_counter()
    defs = create_definitions(product.artifacts, assets=path, **kwargs)
    middle = time.perf_counter()
    webserver_load(defs)
    create.append(middle - start)
    load.append(time.perf_counter() - middle)
    count = len(defs.resolve_asset_graph().materializable_asset_keys)
tracemalloc.start()
webserver_load(create_definitions(product.artifacts, assets=path, **kwargs))
peak = tracemalloc.get_traced_memory()[1]
tracemalloc.stop()
print(json.dumps({{"imports": imports, "create": statistics.median(create),
                  "load": statistics.median(load), "peak": peak, "assets": count}}))
"""


def measure(n: int, path: str) -> dict[str, float]:
    runs = 5 if n <= 500 else 3 if n <= 2_000 else 1
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(n=n, path=path, runs=runs)],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or list(SIZES)
    print("## create_definitions at scale (fresh process per row; goal: 500 under 0.5 s)\n")
    print(
        "| transforms | path | assets | create_definitions s (median) | webserver load s "
        "| total s | per 1k transforms s | peak memory MiB | imports s |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for n in sizes:
        for label, path in PATHS.items():
            r = measure(n, path)
            total = r["create"] + r["load"]
            print(
                f"| {n:,} | {label} | {int(r['assets']):,} | {r['create']:.2f} | {r['load']:.2f} "
                f"| {total:.2f} | {total / n * 1000:.2f} | {r['peak'] / 2**20:.0f} "
                f"| {r['imports']:.1f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
