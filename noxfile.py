"""nox sessions: the Dagster test matrix, lint, typecheck and benchmarks.

Every session installs exactly what uv.lock says into its own venv (``uv sync --locked``), so the
matrix is reproducible and a stale lock fails loudly. Sessions:

    nox -s "tests(dagster='1.10')"  ... "tests(dagster='1.13')"   the whole suite on one Dagster
    nox -s lint        ruff check + ruff format --check
    nox -s typecheck   mypy --strict over the four packages
    nox -s bench       the benchmark scripts in bench/, each printing a table
"""

from __future__ import annotations

import os
from pathlib import Path

import nox

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv"
nox.options.error_on_external_run = True
nox.options.sessions = ["lint", "typecheck", "tests"]

DAGSTER = ["1.10", "1.11", "1.12", "1.13"]
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
    """The whole test suite against one Dagster minor (a test asserts the version installed)."""
    uv_sync(session, "dev", f"dagster-{dagster.replace('.', '-')}")
    session.run(
        "python",
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        "--no-cov",
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
    """Run every bench/bench_*.py; each prints a markdown table."""
    uv_sync(session, "dev", "dagster-1-12")
    for script in sorted((ROOT / "bench").glob("bench_*.py")):
        session.run("python", os.fspath(script), *session.posargs)
