"""The product's dbt project: where it is, its manifest, its profiles, its dbt resources.

- The project is the folder holding ``dbt_project.yml`` (the plugin's ``project_dir``, or the
  folder of ``compiled_artifacts.json``).
- The manifest is ``target/manifest.json``; when it is missing, ``dbt parse`` writes it.
- Profiles: a ``profiles.yml`` in the project wins; else the artifacts' ``dbt_profiles`` are
  written to ``target/floe/profiles.yml``; else dbt's own lookup (``~/.dbt``) applies.
- Compute target → dbt target: the product's default compute runs on the profile's default
  target; any other compute target ``X`` runs on the dbt target named ``X`` (override with
  ``compute_targets``).
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class DbtProjectFacts:
    """Where dbt runs from: project folder, profiles folder and profile name."""

    project_dir: Path
    profiles_dir: Path | None
    profile: str | None


def find_project(project_dir: str | PathLike[str] | None) -> Path | None:
    """``project_dir`` resolved when it holds a ``dbt_project.yml``, else None."""
    if project_dir is None:
        return None
    path = Path(project_dir).resolve()
    return path if (path / "dbt_project.yml").is_file() else None


def resolve_profiles(project: Path, dbt_profiles: Mapping[str, Any] | None) -> DbtProjectFacts:
    """Decide which ``profiles.yml`` dbt reads (see the module docstring)."""
    if (project / "profiles.yml").is_file():
        return DbtProjectFacts(project, project, None)
    if dbt_profiles:
        import yaml

        folder = project / "target" / "floe"
        folder.mkdir(parents=True, exist_ok=True)
        text = yaml.safe_dump(json.loads(json.dumps(dict(dbt_profiles))), sort_keys=True)
        target = folder / "profiles.yml"
        if not target.is_file() or target.read_text() != text:
            target.write_text(text)
        profile = next(iter(dbt_profiles)) if len(dbt_profiles) == 1 else None
        return DbtProjectFacts(project, folder, profile)
    return DbtProjectFacts(project, None, None)


def dbt_target(
    compute: str, default_compute: str, compute_targets: Mapping[str, str]
) -> str | None:
    """The dbt target of ``compute``; None means the profile's default target."""
    if compute in compute_targets:
        return compute_targets[compute]
    return None if compute == default_compute else compute


def dbt_resource(facts: DbtProjectFacts, target: str | None) -> Any:
    """A ``DbtCliResource`` running in the project on ``target``."""
    from dagster_dbt import DbtCliResource

    return DbtCliResource(
        dbt_executable=dbt_executable(),
        project_dir=str(facts.project_dir),
        profiles_dir=str(facts.profiles_dir) if facts.profiles_dir else None,
        profile=facts.profile,
        target=target,
    )


def dbt_executable() -> str:
    """``dbt`` on PATH, else the one installed beside this Python (an unactivated venv)."""
    if shutil.which("dbt"):
        return "dbt"
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.is_file() else "dbt"


def load_manifest(facts: DbtProjectFacts) -> dict[str, Any]:
    """The project's ``target/manifest.json``, running ``dbt parse`` first when it is missing."""
    path = facts.project_dir / "target" / "manifest.json"
    if not path.is_file():
        invocation = dbt_resource(facts, None).cli(
            ["parse"], target_path=Path("target"), raise_on_error=False
        )
        invocation.wait()
        if not path.is_file():
            raise RuntimeError(
                f"`dbt parse` did not write {path}: check the dbt project in "
                f"{facts.project_dir} and its profiles.yml (dbt's output: "
                f"{_errors_of(invocation)})"
            )
    manifest: dict[str, Any] = json.loads(path.read_text())
    return manifest


def _errors_of(invocation: Any) -> str:
    try:
        error = invocation.get_error()
    except Exception:  # noqa: BLE001 - only used to enrich the message
        error = None
    return str(error) if error else "no error message"
