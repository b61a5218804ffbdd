"""A realistic generated floe data product for the benchmarks (issue 14).

``write_product(folder, models, targets=1, seed=0)`` writes, into ``folder``:

- a dbt project (``dbt_project.yml`` whose ``profile:`` is the name floe derives for the product)
  with a layered DAG: staging models reading seeds or sources, then layers whose models each read
  1 to 3 models of earlier layers (one of them from the layer just before). Every model has a
  description and two documented columns in its folder's ``schema.yml``; every tenth model has
  ``unique`` and ``not_null`` tests. Seeds are CSV files; sources are CSV files that dbt-duckdb
  reads through ``external_location``. Staging models are views, the others tables.
- ``floe.yaml``: every model as a floe transform (tags, ``dependsOn``, tier, and ``compute:``
  when it runs on another compute target than the default one);
- ``manifest.yaml``: the dagster orchestrator, DuckDB compute and a marquez lineage backend whose
  URL is a closed local port (see ``LINEAGE_URL``). ``targets=3`` adds two compute targets in
  ``compute_targets`` (each its own DuckDB file, the earlier files attached read-only) and puts
  the layers on the targets in three bands, so data only flows from a band to a later one;
- ``compiled_artifacts.json`` and ``definitions.py`` from ``floe platform compile``;
- ``target/manifest.json`` (and dbt's partial-parse state) from plain ``dbt parse``.

The plain-dbt baseline's ``profiles.yml`` goes to ``baseline_profiles_dir(folder)``, a sibling of
the product folder, never inside the dbt project: the facade always runs dbt with the compiled
profile, and a ``profiles.yml`` in the project would only be a developer's copy. Its outputs
equal the compiled ones (paths relative to the project folder, where dbt runs).

``product(models, targets, seed)`` returns the folder of a generated product cached under the
system's temporary directory, keyed by its parameters, so that a re-run of a bench is fast.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

PRODUCT = "bench-product"
#: The marquez backend's URL: a local port nothing listens on (TCP port 1). An event is refused at
#: once; ``LINEAGE_SETTINGS`` switch the spool off and bound each attempt (see the README).
LINEAGE_URL = "http://localhost:1"
LINEAGE_SETTINGS = {"spool": "off", "timeout": 0.5}
THREADS = 2
SEED_ROWS = 20
LAYERS = 8  # layers after staging
#: Bumped whenever the generated files change, so that a stale cache is not reused.
VERSION = "1"
CACHE_ENV = "FLOE_DAGSTER_BENCH_CACHE"


def dbt_name(product: str = PRODUCT) -> str:
    """floe's rule from product name to dbt project and profile name (floe-core's)."""
    from floe_core.compilation.naming import dbt_project_name

    return str(dbt_project_name(product))


def executable(name: str) -> str:
    """A console script of this Python's environment (``floe``, ``dbt``), else from PATH."""
    beside = Path(sys.executable).with_name(name)
    return str(beside) if beside.exists() else name


@dataclass(frozen=True)
class Model:
    name: str
    layer: int
    band: int  # compute target index: 0 is the default compute
    parents: tuple[str, ...]  # models read
    reads: str  # "seed:<name>", "source:<name>" or "" (a model of earlier layers)
    tested: bool


def compute_name(band: int) -> str:
    """The floe compute target of a band: ``duckdb`` (the default), ``duckdb_t2``..."""
    return "duckdb" if band == 0 else f"duckdb_t{band + 1}"


def database_of(band: int) -> str:
    """The DuckDB database (file stem) the models of a band are written to."""
    return dbt_name() if band == 0 else f"t{band + 1}"


def plan(models: int, targets: int, seed: int) -> tuple[list[Model], list[str], list[str]]:
    """The DAG: models, seed names and source table names."""
    rng = random.Random(seed)
    staging = max(1, models // 10)
    inputs = max(1, min(20, models // 50))
    seeds = [f"raw_seed_{i:02d}" for i in range(inputs)]
    sources = [f"raw_src_{i:02d}" for i in range(inputs)]
    layers = min(LAYERS, max(1, (models - staging) // 3)) if models > staging else 0
    total_layers = layers + 1

    def band(layer: int) -> int:
        return layer * targets // total_layers

    result: list[Model] = []
    by_layer: list[list[str]] = [[]]
    for i in range(staging):
        name = f"stg_{i:05d}"
        reads = f"seed:{seeds[i % inputs]}" if i % 2 == 0 else f"source:{sources[i % inputs]}"
        result.append(Model(name, 0, band(0), (), reads, i % 10 == 0))
        by_layer[0].append(name)
    rest = models - staging
    for j in range(rest):
        layer = 1 + j * layers // rest
        while len(by_layer) <= layer:
            by_layer.append([])
        earlier = [n for lay in by_layer[: layer - 1] for n in lay]
        previous = by_layer[layer - 1]
        first = rng.choice(previous)
        pool = [n for n in earlier + previous if n != first]
        more = rng.sample(pool, min(len(pool), rng.randint(0, 2)))
        name = f"int_{layer:02d}_{staging + j:05d}"
        result.append(Model(name, layer, band(layer), (first, *more), "", (staging + j) % 10 == 0))
        by_layer[layer].append(name)
    return result, seeds, sources


def folder_of(model: Model) -> str:
    return "staging" if model.layer == 0 else f"layer_{model.layer:02d}"


def model_sql(model: Model) -> str:
    if model.reads:
        kind, name = model.reads.split(":")
        ref = f"ref('{name}')" if kind == "seed" else f"source('raw', '{name}')"
        return f"select id, amount * 1.0 as amount\nfrom {{{{ {ref} }}}}\n"
    terms = " + ".join(
        ["p0.amount", *(f"coalesce(p{k}.amount, 0) * 0.5" for k in range(1, len(model.parents)))]
    )
    lines = [f"select p0.id, {terms} as amount", f"from {{{{ ref('{model.parents[0]}') }}}} as p0"]
    for k, parent in enumerate(model.parents[1:], start=1):
        lines.append(f"left join {{{{ ref('{parent}') }}}} as p{k} on p{k}.id = p0.id")
    return "\n".join(lines) + "\n"


def schema_yml(models: list[Model]) -> str:
    out = ["version: 2", "", "models:"]
    for m in models:
        source = m.reads.replace(":", " ") if m.reads else "models " + ", ".join(m.parents)
        out += [
            f"  - name: {m.name}",
            f"    description: Generated model {m.name} of layer {m.layer}, reading {source}.",
            "    columns:",
            "      - name: id",
            "        description: The row's key, carried from the first input.",
        ]
        if m.tested:
            out.append("        data_tests: [unique, not_null]")
        out += [
            "      - name: amount",
            "        description: An amount derived from the inputs' amounts.",
        ]
    return "\n".join(out) + "\n"


def csv_rows(rng: random.Random) -> str:
    rows = ["id,amount,label"]
    rows += [f"{i},{rng.randint(1, 10_000) / 100},row {i}" for i in range(1, SEED_ROWS + 1)]
    return "\n".join(rows) + "\n"


def outputs(targets: int) -> dict[str, dict[str, object]]:
    """The dbt output of each extra compute target (``compute_targets``), by compute name."""
    result: dict[str, dict[str, object]] = {}
    for band in range(1, targets):
        result[compute_name(band)] = {
            "type": "duckdb",
            "path": f"target/{database_of(band)}.duckdb",
            "threads": THREADS,
            "attach": [
                {
                    "path": f"target/{database_of(b)}.duckdb",
                    "alias": database_of(b),
                    "read_only": True,
                }
                for b in range(band)
            ],
        }
    return result


def write_files(folder: Path, models: int, targets: int, seed: int) -> list[Model]:
    """Every source file of the product (no compilation, no parse)."""
    project = dbt_name()
    dag, seeds, sources = plan(models, targets, seed)
    rng = random.Random(seed + 1)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "seeds").mkdir()
    for name in seeds:
        (folder / "seeds" / f"{name}.csv").write_text(csv_rows(rng))
    data = folder / "source_data"
    data.mkdir()
    for name in sources:
        (data / f"{name}.csv").write_text(csv_rows(rng))
    by_folder: dict[str, list[Model]] = {}
    for m in dag:
        by_folder.setdefault(folder_of(m), []).append(m)
    for sub, members in by_folder.items():
        path = folder / "models" / sub
        path.mkdir(parents=True)
        for m in members:
            (path / f"{m.name}.sql").write_text(model_sql(m))
        (path / "schema.yml").write_text(schema_yml(members))
    source_lines = [
        "version: 2",
        "",
        "sources:",
        "  - name: raw",
        "    description: Raw files landed by an ingestion job.",
        "    schema: raw",
        "    tables:",
    ]
    for name in sources:
        location = (data / f"{name}.csv").resolve()
        source_lines += [
            f"      - name: {name}",
            f"        description: Landed file {name}.",
            "        meta:",
            f"          external_location: \"read_csv_auto('{location}')\"",
        ]
    (folder / "models" / "staging" / "sources.yml").write_text("\n".join(source_lines) + "\n")

    bands = {sub: members[0].band for sub, members in by_folder.items()}
    project_lines = [
        f"name: {project}",
        'version: "1.0.0"',
        "config-version: 2",
        f"profile: {project}  # floe's naming rule: product {PRODUCT} -> {project}",
        "model-paths: [models]",
        "seed-paths: [seeds]",
        "target-path: target",
        "models:",
        f"  {project}:",
        "    +materialized: table",
    ]
    for sub in sorted(bands):
        project_lines += [
            f"    {sub}:",
            f"      +database: {database_of(bands[sub])}",
            f"      +schema: {sub}",
        ]
        if sub == "staging":
            project_lines.append("      +materialized: view")
    project_lines += ["seeds:", f"  {project}:", f"    +database: {project}", "    +schema: raw"]
    (folder / "dbt_project.yml").write_text("\n".join(project_lines) + "\n")

    tiers = {0: "bronze"}
    spec = [
        "apiVersion: floe.dev/v1",
        "kind: FloeSpec",
        "metadata:",
        f"  name: {PRODUCT}",
        '  version: "1.0.0"',
        f"  description: A generated product of {models} models on {targets} compute target(s).",
        "  owner: data-team@example.com",
        "transforms:",
    ]
    for m in dag:
        depends = [m.reads.split(":")[1]] if m.reads.startswith("seed:") else list(m.parents)
        spec.append(f"  - name: {m.name}")
        if m.band:
            spec.append(f"    compute: {compute_name(m.band)}")
        spec.append(f"    tags: [{folder_of(m)}, generated]")
        if depends:
            spec.append(f"    dependsOn: [{', '.join(depends)}]")
        spec.append(f"    tier: {tiers.get(m.layer, 'silver' if m.layer < LAYERS else 'gold')}")
    spec += ["schedule:", '  cron: "0 6 * * *"', "  timezone: UTC", "  enabled: true"]
    (folder / "floe.yaml").write_text("\n".join(spec) + "\n")

    manifest = [
        "apiVersion: floe.dev/v1",
        "kind: Manifest",
        "metadata:",
        "  name: bench-platform",
        '  version: "1.0.0"',
        "  owner: platform-team@example.com",
        "plugins:",
        "  compute:",
        "    type: duckdb",
        "    config:",
        f"      path: target/{project}.duckdb",
        f"      threads: {THREADS}",
        "  orchestrator:",
        "    type: dagster",
        "    config:",
        "      lineage: " + json.dumps(LINEAGE_SETTINGS),
    ]
    extra = outputs(targets)
    if extra:
        manifest.append(
            "      compute_targets: " + json.dumps({k: {"output": v} for k, v in extra.items()})
        )
    manifest += [
        "  lineage_backend:",
        "    type: marquez",
        "    config:",
        f"      url: {LINEAGE_URL}",
    ]
    (folder / "manifest.yaml").write_text("\n".join(manifest) + "\n")
    return dag


def baseline_profiles_dir(folder: Path) -> Path:
    """The folder of the plain-dbt baseline's ``profiles.yml`` (beside the product folder)."""
    return folder.parent / "baseline_profiles"


def write_baseline_profiles(folder: Path, artifacts: dict[str, object]) -> Path:
    """``profiles.yml`` for plain dbt: the compiled profile plus the compute targets."""
    import yaml

    profiles = artifacts["dbt_profiles"]
    assert isinstance(profiles, dict)
    ((_, profile),) = profiles.items()
    profile = json.loads(json.dumps(profile))
    orchestrator = artifacts["plugins"]["orchestrator"]["config"] or {}  # type: ignore[index]
    for compute, target in (orchestrator.get("compute_targets") or {}).items():
        profile["outputs"][compute] = target["output"]
    target = baseline_profiles_dir(folder)
    target.mkdir(parents=True, exist_ok=True)
    name = yaml.safe_load((folder / "dbt_project.yml").read_text())["profile"]
    (target / "profiles.yml").write_text(yaml.safe_dump({name: profile}, sort_keys=True))
    return target


def floe_compile(folder: Path) -> dict[str, object]:
    """``floe platform compile`` in ``folder`` (as the demo and the integration tests run it)."""
    command = [
        executable("floe"), "platform", "compile", "--spec", "floe.yaml",
        "--manifest", "manifest.yaml", "--output", "compiled_artifacts.json",
        "--skip-contracts", "--no-lineage-emission", "--generate-definitions",
    ]  # fmt: skip
    done = subprocess.run(command, cwd=folder, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(
            f"floe platform compile failed: {done.stdout[-2000:]}{done.stderr[-2000:]}"
        )
    loaded: dict[str, object] = json.loads((folder / "compiled_artifacts.json").read_text())
    return loaded


def dbt(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Plain dbt in the product folder with the baseline profiles."""
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    command = [
        executable("dbt"), *args, "--project-dir", str(folder),
        "--profiles-dir", str(baseline_profiles_dir(folder)),
    ]  # fmt: skip
    return subprocess.run(command, cwd=folder, capture_output=True, text=True, env=env, check=False)


def baseline_builds(folder: Path) -> list[list[str]]:
    """The plain-dbt baseline: the arguments of one ``dbt build`` per compute target, in order.

    The default target first (the profile's default, so no ``--target``); it builds everything
    but the other targets' models (seeds included). A target's models are chosen by folder
    (``path:models/x``) when the folder holds only that target's models, as a dbt user would,
    so that no command line grows with the number of models; else by name (the demo's one
    model on its second target).
    """
    artifacts = json.loads((folder / "compiled_artifacts.json").read_text())
    transforms = artifacts["transforms"]
    default = transforms["default_compute"]
    compute_of = {t["name"]: t.get("compute") or default for t in transforms["models"]}
    in_folder: dict[str, set[str]] = {}
    folder_of_model: dict[str, str] = {}
    for sql in (folder / "models").rglob("*.sql"):
        sub = sql.parent.relative_to(folder).as_posix()
        in_folder.setdefault(sub, set()).add(compute_of.get(sql.stem, default))
        folder_of_model[sql.stem] = sub
    chosen: dict[str, list[str]] = {}
    for compute in sorted(set(compute_of.values()) - {default}):
        pure = sorted(f"path:{sub}" for sub, c in in_folder.items() if c == {compute})
        names = sorted(n for n, c in compute_of.items() if c == compute)
        covered = {n for n in names if f"path:{folder_of_model.get(n)}" in pure}
        chosen[compute] = pure + sorted(set(names) - covered)
    others = [s for selection in chosen.values() for s in selection]
    # the default target is the profile's own: no --target, as `dbt parse` ran (an explicit
    # --target, even the same one, makes dbt re-parse the whole project)
    builds = [["--exclude", *others] if others else []]
    builds += [["--target", c, "--select", *selection] for c, selection in chosen.items()]
    return builds


def write_product(folder: Path, models: int, *, targets: int = 1, seed: int = 0) -> Path:
    """Write the whole product into ``folder`` (which must not exist), compiled and parsed."""
    folder = Path(folder).resolve()
    write_files(folder, models, targets, seed)
    artifacts = floe_compile(folder)
    write_baseline_profiles(folder, artifacts)
    parsed = dbt(folder, "parse")
    if parsed.returncode != 0 or not (folder / "target" / "manifest.json").is_file():
        raise RuntimeError(f"dbt parse failed: {parsed.stdout[-3000:]}{parsed.stderr[-2000:]}")
    return folder


def cache_root() -> Path:
    override = os.environ.get(CACHE_ENV)
    return Path(override) if override else Path(tempfile.gettempdir()) / "floe-dagster-bench"


def product(models: int, targets: int = 1, seed: int = 0) -> Path:
    """The folder of a generated product, written once and cached by (models, targets, seed)."""
    home = cache_root() / f"v{VERSION}-m{models}-t{targets}-s{seed}"
    folder = home / "product"
    if (home / "done").is_file():
        return folder
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    write_product(folder, models, targets=targets, seed=seed)
    (home / "done").write_text("ok\n")
    return folder


def fresh_copy(folder: Path, parent: Path) -> Path:
    """A copy of a cached product (and its baseline profiles) under ``parent``, to run in.

    The copy keeps dbt's parse state; runs then never write to the cache.
    """
    target = parent / "product"
    shutil.copytree(folder, target, ignore=shutil.ignore_patterns("*.duckdb", "logs"))
    shutil.copytree(baseline_profiles_dir(folder), baseline_profiles_dir(target))
    return target


if __name__ == "__main__":  # python bench/generator.py MODELS [TARGETS [SEED]]
    args = [int(a) for a in sys.argv[1:]] or [500]
    print(product(*args))
