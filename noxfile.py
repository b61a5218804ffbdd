"""nox sessions: the Dagster test matrix, lint, typecheck and benchmarks.

Every session installs exactly what uv.lock says into its own venv (``uv sync --locked``), so the
matrix is reproducible and a stale lock fails loudly. Sessions:

    nox -s "tests(dagster='1.12')"  the whole suite on the locked default Dagster
    nox -s "tests(dagster='1.10')"  ... 1.11, 1.13: the suite less its slow tests, plus the slow
                       tests marked ``compat`` (one real dbt run per Dagster-facing feature:
                       assets, failures, retry, freshness, quality checks, lineage, the code
                       location in a real webserver); ``-- -m slow`` or any pytest arguments
                       replace that selection
    nox -s lint        ruff check + ruff format --check
    nox -s typecheck   mypy --strict over the four packages
    nox -s bench       the benchmark scripts in bench/, each printing a table
                       (nox -s bench -- facade 500 2000: one script, with its arguments)
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nox

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv"
nox.options.error_on_external_run = True
nox.options.sessions = ["lint", "typecheck", "tests", "wheels"]

DAGSTER = ["1.10", "1.11", "1.12", "1.13"]
LOCKED = "1.12"  # the Dagster minor uv.lock's default group installs
PACKAGES = [
    "floe-dagster-core",
    "floe-dagster-lineage",
    "floe-dagster-deploy",
    "floe-orchestrator-dagster",
]
ROOT = Path(__file__).parent


def uv_sync(session: nox.Session, *groups: str) -> None:
    """Install the locked workspace with the given dependency groups into the session venv."""
    args = ["uv", "sync", "--locked", "--all-packages", "--no-default-groups"]
    for group in groups:
        args += ["--group", group]
    session.run_install(
        *args,
        f"--python={session.virtualenv.location}",
        env={"UV_PROJECT_ENVIRONMENT": session.virtualenv.location},
        silent=True,
    )


@nox.session
@nox.parametrize("dagster", DAGSTER)
def tests(session: nox.Session, dagster: str) -> None:
    """The test suite against one Dagster minor (a test asserts the version installed).

    The locked default (1.12) runs everything; each other minor runs the fast tests and the
    ``compat`` slow ones, because the whole slow set (about 150 real dbt runs) on every minor
    would not fit CI's hour on two cores. The README's ``uv run pytest`` is the 1.12 run in CI.
    """
    uv_sync(session, "dev", f"dagster-{dagster.replace('.', '-')}")
    selection = [] if dagster == LOCKED or session.posargs else ["-m", "not slow or compat"]
    session.run(
        "python",
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        "--no-cov",
        *selection,
        *session.posargs,
        env={"EXPECTED_DAGSTER": dagster},
    )


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check over the whole repository."""
    uv_sync(session, "lint")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict over the four packages (configured in pyproject.toml)."""
    uv_sync(session, "dev", "dagster-1-12")
    session.run("mypy")


@nox.session
def bench(session: nox.Session) -> None:
    """Run every bench/bench_*.py; each prints a markdown table (bench/README.md says what).

    ``nox -s bench -- facade 500 2000`` runs only bench/bench_facade.py, with the arguments after
    its name; other arguments go to every script, as before. bench/generator.py is the generated
    product the scripts share, not a bench script.
    """
    uv_sync(session, "dev", "dagster-1-12")
    scripts = sorted((ROOT / "bench").glob("bench_*.py"))
    args = list(session.posargs)
    if args and (ROOT / "bench" / f"bench_{args[0]}.py") in scripts:
        scripts, args = [ROOT / "bench" / f"bench_{args[0]}.py"], args[1:]
    for script in scripts:
        session.run("python", os.fspath(script), *args)


@nox.session(venv_backend="none")
def wheels(session: nox.Session) -> None:
    """Build the four wheels and install them as users would, outside the workspace.

    The facade wheel (with its demo extra and sibling wheels) goes into a fresh venv, pinned to the
    lock's versions, where `floe-dagster plugins` must list dagster and `floe-dagster demo` must
    run; the lineage wheel alone goes into another and must import without floe-core or dagster.
    """
    tmp = Path(session.create_tmp()).resolve()
    dist = tmp / "dist"
    shutil.rmtree(dist, ignore_errors=True)
    # our wheels keep version 0.1.0 between builds: never take them from uv's cache
    fresh = [f"--refresh-package={name}" for name in PACKAGES]
    session.run("uv", "build", "--all-packages", "--wheel", "-o", str(dist), "--quiet")
    constraints = tmp / "constraints.txt"
    session.run(
        "uv", "export", "--locked", "--quiet", "--no-hashes", "--all-packages",
        "--no-emit-workspace", "--no-default-groups", "--group", "dagster-1-12",
        "-o", str(constraints),
    )  # fmt: skip
    [facade] = dist.glob("floe_orchestrator_dagster-*.whl")
    [lineage] = dist.glob("floe_dagster_lineage-*.whl")

    full = tmp / "venv-facade"
    session.run("uv", "venv", "--quiet", "--clear", str(full))
    session.run(
        "uv", "pip", "install", "--quiet", "--python", str(full / "bin" / "python"), *fresh,
        "--find-links", str(dist), "-c", str(constraints), f"{facade}[demo]",
    )  # fmt: skip
    out = session.run(str(full / "bin" / "floe-dagster"), "plugins", "--json", silent=True)
    assert '"name": "dagster"' in str(out), out
    demo_dir = tmp / "demo-run"
    session.run(str(full / "bin" / "floe-dagster"), "demo", "--dir", str(demo_dir), external=True)

    alone = tmp / "venv-lineage"
    session.run("uv", "venv", "--quiet", "--clear", str(alone))
    session.run(
        "uv", "pip", "install", "--quiet", "--python", str(alone / "bin" / "python"), *fresh,
        "-c", str(constraints), f"{lineage}[testing]",
    )  # fmt: skip
    session.run(
        str(alone / "bin" / "python"),
        "-c",
        "import importlib.util as u, floe_dagster_lineage as l; "
        "missing = [m for m in ('floe_core', 'dagster') if u.find_spec(m) is None]; "
        "assert missing == ['floe_core', 'dagster'], missing; "
        "print('lineage alone:', l.__version__)",
        external=True,
    )
    # the shipped OpenLineage schemas validate an event from the installed wheel, offline, run
    # from a folder with no checkout around it
    session.run(
        str(alone / "bin" / "python"),
        "-c",
        "from floe_dagster_lineage import build_run_event, to_json; "
        "from floe_dagster_lineage.testing import SchemaValidator; "
        "v = SchemaValidator(); assert 'site-packages' in str(v.spec_dir), v.spec_dir; "
        "e = to_json(build_run_event('START', 'job', job_namespace='floe')); "
        "assert v.errors(e) == [], v.errors(e); "
        "assert v.errors(e.replace('START', 'BEGIN')), 'a bad event passed'; "
        "print('shipped schemas:', len(v.schema_ids), 'files')",
        external=True,
    )
