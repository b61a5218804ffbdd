"""The facade path against raw dagster-dbt, side by side on the generated product (issue 14).

For each size, three ways of building the product's Definitions, each followed by
``defs.resolve_asset_graph()`` and ``dagster.Definitions.validate_loadable(defs)``:

- ours: ``DagsterOrchestratorPlugin().create_definitions("<dir>/compiled_artifacts.json")``, as
  floe calls it;
- ours, definitions.py: the ``definitions.py`` that ``floe platform compile`` generated, loaded
  as Dagster loads a code location file (it calls ``load_product_definitions``);
- raw: plain ``@dagster_dbt.dbt_assets(manifest=<target/manifest.json>)`` with one
  ``DbtCliResource`` in ``dagster.Definitions(assets=..., resources=...)``;
- raw + one asset job: the same with ``define_asset_job(AssetSelection.all())``, since a floe
  product has a job (its schedule's target) and Dagster builds every job at load.

Each figure is the median of 3 fresh processes (the three ways alternate, so a load from another
process on the machine falls on all of them alike). In each process:

- first call: from the first line of the child (before ``import dagster``) to the end of the
  first build + resolve + validate, so every import either side needs is counted the same way;
- warm: a second build + resolve + validate in the same process;
- peak RSS: ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` at the end.

Run: ``nox -s bench`` or ``uv run python bench/bench_facade.py [models ...]`` (default 500 2000
5000 10000). Products are generated once and cached (``generator.py``).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import generator  # bench/generator.py, found through sys.path above

SIZES = (500, 2_000, 5_000, 10_000)
RUNS = 3
WAYS = {
    "ours": "ours: `create_definitions`",
    "product": "ours: `definitions.py`",
    "raw": "raw `@dbt_assets`",
    "raw_job": "raw `@dbt_assets` + one asset job",
}

CHILD = """
import time
t0 = time.perf_counter()
import json, resource, sys
from pathlib import Path
import dagster as dg

way, folder, profiles = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
loads = 0

def build():
    global loads
    loads += 1
    if way == "ours":
        from floe_orchestrator_dagster import DagsterOrchestratorPlugin
        plugin = DagsterOrchestratorPlugin()
        return plugin.create_definitions(str(folder / "compiled_artifacts.json"))
    if way == "product":
        import importlib.util
        path = folder / "definitions.py"
        spec = importlib.util.spec_from_file_location(f"definitions_{loads}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module.defs
    from dagster_dbt import DbtCliResource, dbt_assets

    @dbt_assets(manifest=folder / "target" / "manifest.json")
    def product_dbt(context: dg.AssetExecutionContext, dbt: DbtCliResource):
        yield from dbt.cli(["build"], context=context).stream()

    jobs = [dg.define_asset_job("product_job", dg.AssetSelection.all())] if way == "raw_job" else []
    return dg.Definitions(
        assets=[product_dbt],
        jobs=jobs,
        resources={"dbt": DbtCliResource(project_dir=str(folder), profiles_dir=profiles)},
    )

def once():
    defs = build()
    graph = defs.resolve_asset_graph()
    dg.Definitions.validate_loadable(defs)
    return graph

graph = once()
first = time.perf_counter() - t0
t1 = time.perf_counter()
once()
warm = time.perf_counter() - t1
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"first": first, "warm": warm, "rss": rss,
                  "assets": len(graph.materializable_asset_keys),
                  "checks": len(graph.asset_check_keys)}))
"""


def measure(way: str, folder: Path) -> dict[str, float]:
    done = subprocess.run(
        [
            sys.executable, "-c", CHILD, way, str(folder),
            str(generator.baseline_profiles_dir(folder)),
        ],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"{way} failed: {done.stderr[-3000:]}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def versions() -> str:
    from importlib.metadata import version

    names = ["dagster", "dagster-dbt", "dbt-core", "dbt-duckdb", "floe-core"]
    return ", ".join(f"{n} {version(n)}" for n in names) + f", Python {sys.version.split()[0]}"


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or list(SIZES)
    print(f"## Facade path vs raw `@dbt_assets` ({versions()})\n")
    print(
        "Median of 3 fresh processes each; ratio = ours / raw. Goals: warm and first call "
        "≤ 1.1x, peak RSS ≤ 1.2x.\n"
    )
    print(
        "| models | path | assets / checks | warm s | ratio | first call s | ratio "
        "| peak RSS MiB | ratio |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for n in sizes:
        folder = generator.product(n)
        samples: dict[str, list[dict[str, float]]] = {way: [] for way in WAYS}
        for _ in range(RUNS):
            for way in WAYS:
                samples[way].append(measure(way, folder))
        med = {
            way: {k: statistics.median(s[k] for s in runs) for k in runs[0]}
            for way, runs in samples.items()
        }
        raw = med["raw"]
        for way, label in WAYS.items():
            r = med[way]
            ratios = (
                ["", "", ""]
                if way == "raw"
                else [f"{r[k] / raw[k]:.2f}x" for k in ("warm", "first", "rss")]
            )
            print(
                f"| {n:,} | {label} | {int(r['assets']):,} / {int(r['checks']):,} "
                f"| {r['warm']:.2f} | {ratios[0]} | {r['first']:.2f} | {ratios[1]} "
                f"| {r['rss']:.0f} | {ratios[2]} |",
                flush=True,
            )
    print(
        "\nNotes: the product is `generator.py`'s (layered DAG, documented models and columns, "
        "seeds, sources, tests, a marquez lineage backend at a closed local port; nothing is "
        "emitted while Definitions are built). `raw` reads the same `target/manifest.json`. "
        "The product has a job (`<product>_job`, which its schedule runs) that plain "
        "`@dbt_assets` lacks, and Dagster builds every job when it loads a code location: the "
        "`+ one asset job` row is raw with that one job, the like-for-like baseline of the work "
        "a floe product asks for; its ratio is to raw, like the others."
    )


if __name__ == "__main__":
    main()
