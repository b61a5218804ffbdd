"""dbt's partial-parse state, kept once per dbt target so that no run parses the whole project.

dbt keeps one ``partial_parse.msgpack`` in its target folder and throws it away when the profile
changes: a run on another target logs "Unable to do partial parsing because profile has changed"
and parses every file again (about 43 s at 5,000 models). dagster-dbt copies
``target/partial_parse.msgpack`` into each invocation's own folder, so with a second compute
target every run of it paid that full parse.

floe keeps one state per dbt target, in ``target/floe-parse/<target>/`` (``default`` for the
profile's default target): ``per_target_state(dbt, target_path)`` wraps one invocation, starts
it from its target's state and leaves dbt's fresh state there when the invocation ends (an
atomic replace, so concurrent steps never read half a file). The first run of a target parses
the project in full, as dagster-dbt's would; every later run of it parses only what changed.
Nothing is parsed ahead when definitions load: loading stays one ``dbt parse`` (the manifest).

``prepare_parse_states(project, computes)`` parses the project once per dbt target ahead of any
run (``floe-dagster prepare``, at image build or deploy time, like dagster-dbt's ``prepare``), so
that not even a target's first run parses the whole project.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from floe_dagster_core._dbt_project import DbtProject

STATE_FILE = "partial_parse.msgpack"
STATE_FOLDER = "floe-parse"
PREPARE_FOLDER = "floe-prepare"  # under dbt's target folder: one ``dbt parse`` per target
DEFAULT_TARGET = "default"  # the key of the profile's default target (no --target given)


def target_base(project_dir: Path) -> Path:
    """dbt's target folder of the project: ``DBT_TARGET_PATH`` if set, else ``target``."""
    base = Path(os.environ.get("DBT_TARGET_PATH") or "target")
    return base if base.is_absolute() else project_dir / base


def state_file(project_dir: Path, target: str | None) -> Path:
    """Where the partial-parse state of ``target`` (None: the default target) is kept.

    Examples:
        >>> state_file(Path("/p"), "duckdb_heavy").relative_to("/p").as_posix()
        'target/floe-parse/duckdb_heavy/partial_parse.msgpack'
        >>> state_file(Path("/p"), None).parent.name
        'default'
    """
    return target_base(project_dir) / STATE_FOLDER / (target or DEFAULT_TARGET) / STATE_FILE


@contextmanager
def per_target_state(dbt: Any, target_path: Path) -> Iterator[None]:
    """Run one dbt invocation (of resource ``dbt``, in ``target_path``) from its target's state.

    Before: the target's kept state goes into the invocation's folder (dagster-dbt then leaves
    it there, instead of copying the default target's). After: the state dbt wrote, when it is
    new, replaces the kept one. A resource with no project folder (a product without a dbt
    project, which fails on its first dbt call) runs as it is.
    """
    if getattr(dbt, "project_dir", None) is None:
        yield
        return
    project_dir = Path(dbt.project_dir)
    kept = state_file(project_dir, dbt.target)
    folder = target_path if target_path.is_absolute() else project_dir / target_path
    fresh = folder / STATE_FILE
    if kept.is_file() and not fresh.exists():
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(kept, fresh)
    before = _stamp(fresh)
    try:
        yield
    finally:
        if fresh.is_file() and _stamp(fresh) != before:
            _replace(fresh, kept)


@dataclass(frozen=True)
class PreparedTarget:
    """One dbt target's partial-parse state, prepared by ``prepare_parse_states``."""

    target: str  # the dbt target (``default``: the profile's default target)
    computes: tuple[str, ...]  # the compute targets that run on it
    state: Path  # the kept state file
    seconds: float  # how long its ``dbt parse`` took


def prepare_parse_states(project: DbtProject, computes: Iterable[str]) -> list[PreparedTarget]:
    """Parse ``project`` once per dbt target that ``computes`` run on; keep each target's state.

    Runs ``dbt parse`` in ``target/floe-prepare/<target>/`` through the same resource a run uses
    (profile, profiles folder and target), inside ``per_target_state``: what dbt leaves there
    becomes the target's kept state, which every run on that target then starts from.

    Raises:
        DbtProjectError: ``dbt parse`` failed on a target (dbt's own error is in the message).
    """
    import time

    from floe_dagster_core._errors import DbtProjectError, dbt_error_of

    by_target: dict[str, list[str]] = {}
    for compute in computes:
        by_target.setdefault(project.target_of(compute) or DEFAULT_TARGET, []).append(compute)
    prepared = []
    for target, on_it in by_target.items():
        dbt = project.resource(on_it[0])
        folder = target_base(project.project_dir) / PREPARE_FOLDER / target
        # an earlier prepare's files go; the target's kept state stays
        shutil.rmtree(folder, ignore_errors=True)
        started = time.perf_counter()
        with per_target_state(dbt, folder):
            invocation = dbt.cli(["parse"], target_path=folder, raise_on_error=False)
            invocation.wait()
        if not invocation.is_successful():
            raise DbtProjectError(
                f"`dbt parse` failed on dbt target {target!r} (compute {', '.join(on_it)}) in "
                f"{project.project_dir}: {dbt_error_of(invocation)}. Fix the dbt project or the "
                "profile, then prepare it again."
            )
        prepared.append(
            PreparedTarget(
                target,
                tuple(on_it),
                state_file(project.project_dir, None if target == DEFAULT_TARGET else target),
                time.perf_counter() - started,
            )
        )
    return prepared


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        status = path.stat()
    except FileNotFoundError:
        return None
    return status.st_mtime_ns, status.st_size


def _replace(source: Path, destination: Path) -> None:
    destination.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=destination.parent, prefix=".state.")
    os.close(descriptor)
    try:
        shutil.copyfile(source, temporary)
        os.replace(temporary, destination)
    except OSError:
        Path(temporary).unlink(missing_ok=True)
        raise
