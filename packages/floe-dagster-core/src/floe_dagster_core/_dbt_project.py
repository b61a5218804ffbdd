"""The product's dbt project, resolved once: where it is, which profile dbt runs with, and why.

This module is the one owner of these rules; the facade, lineage and the Iceberg export read
what it resolved (``DbtProject``) rather than deciding again.

- **The project** is the folder holding ``dbt_project.yml``: the ``project_dir`` given, else the
  folder of ``compiled_artifacts.json`` (``project_dir_for``).
- **The profile.** The compiled artifacts are floe's runtime contract: their ``dbt_profiles``
  (what the platform's compute plugins resolved from ``manifest.yaml``) always win. They are
  written to a private folder outside the product's source tree (folder 0700, file 0600: profiles
  can hold credentials) under the profile name ``dbt_project.yml`` asks for, which may differ
  from the artifacts' key by floe's naming rule (product ``customer-360``, profile
  ``customer_360``; the rule is passed in, see ``profile_name_rule``). A ``profiles.yml``
  checked into the project is a developer's local copy: it is used only when the artifacts carry
  no profiles, and one log line says which file runs and why. With neither, dbt's own lookup
  (``~/.dbt/profiles.yml``) applies.
- **Compute target → dbt target.** The product's default compute runs on the profile's default
  target. Any other compute ``X`` runs on a target the platform defines: ``compute_targets[X]``
  (a target name, or a whole dbt output that becomes target ``X``), or a target of the compiled
  profile named ``X``. A compute nobody defines is refused, naming the model and the compute.
- **DuckDB files** named by relative paths are made absolute against the project (where dbt
  runs), and their parent folders are created.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Any, Literal

from floe_dagster_core._errors import DbtProjectError, dbt_error_of, validation_error

logger = logging.getLogger("floe_dagster_core")

PROJECT_FILE = "dbt_project.yml"
PROFILES_FILE = "profiles.yml"
#: Overrides the private folder that compiled profiles are written to.
STATE_DIR_ENV = "FLOE_DAGSTER_STATE_DIR"

ProfilesSource = Literal["compiled", "checked_in", "dbt_default"]


@dataclass(frozen=True)
class DbtProject:
    """What dbt runs with for one product, and why.

    Attributes:
        project_dir: The folder holding ``dbt_project.yml``.
        profiles_dir: The folder of the ``profiles.yml`` dbt reads; None for dbt's own lookup.
        profile: The profile name passed to dbt (``--profile``); None lets dbt read it from
            ``dbt_project.yml``.
        source: ``compiled`` (the artifacts' ``dbt_profiles``), ``checked_in`` (the project's
            ``profiles.yml``) or ``dbt_default``.
        outputs: The dbt outputs of the profile by target name (DuckDB paths absolute); empty
            when dbt's own lookup applies.
        default_target: The profile's default target, when known.
        targets: The dbt target of each compute target (None: the profile's default target).
        reason: One line saying which profile runs and why.
    """

    project_dir: Path
    profiles_dir: Path | None
    profile: str | None
    source: ProfilesSource
    outputs: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    default_target: str | None = None
    targets: Mapping[str, str | None] = field(default_factory=dict)
    reason: str = ""

    def target_of(self, compute: str) -> str | None:
        """The dbt target ``compute`` runs on; None is the profile's default target."""
        return self.targets.get(compute, compute)

    def output_of(self, compute: str) -> Mapping[str, Any]:
        """The dbt output ``compute`` runs on (``{}`` when the profile is not known here)."""
        target = self.target_of(compute) or self.default_target
        return self.outputs.get(target, {}) if target else {}

    def resource(self, compute: str | None = None) -> Any:
        """A ``DbtCliResource`` (``_dbt_resource``) running dbt in the project on a compute target.

        With no compute, dbt runs on the profile's default target.
        """
        from floe_dagster_core._dbt_resource import FloeDbtCliResource

        return FloeDbtCliResource(
            dbt_executable=dbt_executable(),
            project_dir=str(self.project_dir),
            profiles_dir=str(self.profiles_dir) if self.profiles_dir else None,
            profile=self.profile,
            target=self.target_of(compute) if compute is not None else None,
        )


def compute_outputs(
    project: DbtProject | None, dbt_profiles: Mapping[str, Any] | None
) -> Callable[[str], Mapping[str, Any]]:
    """compute target -> the dbt output it runs on; the one rule the facade's lineage and quality
    checks share.

    With a resolved project, its own rule (``DbtProject.output_of``). Without one (no dbt project
    at hand), the compiled ``dbt_profiles``: the output named after the compute target, else the
    profile's default target, in the profiles' order.

    Examples:
        >>> profiles = {"shop": {"target": "dev", "outputs": {"dev": {"type": "duckdb"}}}}
        >>> compute_outputs(None, profiles)("duckdb")
        {'type': 'duckdb'}
        >>> compute_outputs(None, None)("duckdb")
        {}
    """
    if project is not None:
        return project.output_of
    profiles = dict(dbt_profiles or {})

    def compiled(compute: str) -> Mapping[str, Any]:
        for profile in profiles.values():
            outputs = (profile or {}).get("outputs") or {}
            chosen = outputs.get(compute) or outputs.get((profile or {}).get("target"))
            if chosen:
                return dict(chosen)
        return {}

    return compiled


def project_dir_for(
    project_dir: str | PathLike[str] | None, artifacts_path: str | PathLike[str] | None
) -> Path | None:
    """The dbt project of a product: ``project_dir``, else the artifacts file's folder.

    Returns the resolved folder when it holds ``dbt_project.yml``, else None.

    Examples:
        >>> project_dir_for(None, None) is None
        True
    """
    if project_dir is not None:
        folder = Path(project_dir)
    elif artifacts_path is not None:
        path = Path(artifacts_path)
        folder = path if path.is_dir() else path.parent
    else:
        return None
    folder = folder.resolve()
    return folder if (folder / PROJECT_FILE).is_file() else None


def resolve_dbt_project(
    project_dir: Path,
    *,
    dbt_profiles: Mapping[str, Any] | None,
    models_by_compute: Mapping[str, Sequence[str]],
    default_compute: str,
    compute_targets: Mapping[str, str | Mapping[str, Any]] | None = None,
    profile_name_rule: Callable[[str], str] | None = None,
    state_dir: Path | None = None,
) -> DbtProject:
    """Decide which profile and targets dbt runs with (see the module docstring).

    Args:
        project_dir: The folder holding ``dbt_project.yml``.
        dbt_profiles: The artifacts' ``dbt_profiles`` (profile name -> profile).
        models_by_compute: The models of each compute target (for messages).
        default_compute: The product's default compute target.
        compute_targets: Platform-defined targets: compute -> dbt target name, or compute -> a
            dbt output (which becomes target ``compute``).
        profile_name_rule: The rule turning a floe product name into a dbt profile name
            (floe-core's ``dbt_project_name``); a compiled profile whose name the rule turns into
            the one ``dbt_project.yml`` names is that profile.
        state_dir: Where the private profiles folder goes (default: ``$FLOE_DAGSTER_STATE_DIR``,
            else a per-user folder in the system's temporary directory).

    Raises:
        pydantic.ValidationError: The compiled profiles lack the profile ``dbt_project.yml``
            names, or a compute target is defined nowhere.
        DbtProjectError: ``dbt_project.yml`` cannot be read.
    """
    wanted = _profile_named_in(project_dir)
    extra = dict(compute_targets or {})
    checked_in = project_dir / PROFILES_FILE
    if dbt_profiles:
        name, profile = _compiled_profile(dbt_profiles, wanted, profile_name_rule)
        outputs: dict[str, Mapping[str, Any]] = {
            t: _absolute(o, project_dir) for t, o in (profile.get("outputs") or {}).items()
        }
        outputs.update(_platform_outputs(extra, outputs, project_dir))
        default_target = profile.get("target")
        folder = _write_private_profiles(
            project_dir, name, default_target, outputs, state_dir or _state_root()
        )
        reason = (
            f"dbt runs with the compiled profile {name!r} of compiled_artifacts.json (the "
            "platform's compute configuration)"
        )
        if checked_in.is_file():
            reason += (
                f"; {checked_in} is a developer's local copy and is not used (floe's compiled "
                "artifacts are the runtime contract)"
            )
        project = DbtProject(
            project_dir, folder, name, "compiled", outputs, default_target, reason=reason
        )
    elif checked_in.is_file():
        name, profile = _checked_in_profile(checked_in, wanted)
        outputs = {t: _absolute(o, project_dir) for t, o in (profile.get("outputs") or {}).items()}
        outputs.update(_platform_outputs(extra, outputs, project_dir))
        reason = (
            f"dbt runs with the checked-in {checked_in} (profile {name!r}), because "
            "compiled_artifacts.json carries no dbt_profiles"
        )
        project = DbtProject(
            project_dir, project_dir, None, "checked_in", outputs, profile.get("target"),
            reason=reason,
        )  # fmt: skip
        if any(not isinstance(v, str) for v in extra.values()):
            raise DbtProjectError(
                "`compute_targets` define dbt outputs, which need compiled dbt_profiles to be "
                f"added to; the artifacts carry none and {checked_in} is a developer's file. "
                "Recompile the product with floe platform compile."
            )
    else:
        reason = (
            "dbt runs with its own profile lookup (~/.dbt/profiles.yml or $DBT_PROFILES_DIR): "
            f"compiled_artifacts.json carries no dbt_profiles and {project_dir} has no "
            "profiles.yml"
        )
        project = DbtProject(project_dir, None, None, "dbt_default", reason=reason)
    logger.info("%s.", reason)
    targets = _targets(project, models_by_compute, default_compute, extra)
    return DbtProject(
        project.project_dir,
        project.profiles_dir,
        project.profile,
        project.source,
        project.outputs,
        project.default_target,
        targets,
        project.reason,
    )


def _profile_named_in(project_dir: Path) -> str | None:
    document = _read_yaml(project_dir / PROJECT_FILE)
    profile = document.get("profile") if isinstance(document, Mapping) else None
    return str(profile) if profile else None


def _read_yaml(path: Path) -> Any:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise DbtProjectError(
            f"Cannot read {path}: {first}. Fix the file (it must be valid YAML, in UTF-8)."
        ) from None


def _compiled_profile(
    dbt_profiles: Mapping[str, Any],
    wanted: str | None,
    rule: Callable[[str], str] | None,
) -> tuple[str, Mapping[str, Any]]:
    """The compiled profile ``dbt_project.yml`` names, and the name dbt will look it up by."""
    profiles = {k: v for k, v in dbt_profiles.items() if isinstance(v, Mapping)}
    if wanted is None and len(profiles) == 1:
        (name, profile), = profiles.items()  # fmt: skip
        return name, profile
    if wanted in profiles:
        return str(wanted), profiles[str(wanted)]
    if wanted is not None and rule is not None:
        matches = [k for k in profiles if rule(k) == wanted or rule(k) == rule(wanted)]
        if len(matches) == 1:
            return str(wanted), profiles[matches[0]]
    names = ", ".join(repr(k) for k in profiles) or "none"
    asked = f"profile {wanted!r}" if wanted else "no profile"
    raise validation_error(
        "CompiledArtifacts",
        "profile_not_found",
        f"`dbt_project.yml` names {asked}, but the compiled dbt_profiles hold {names}. Set "
        "profile: in dbt_project.yml to the product's profile, or recompile the product with "
        "floe platform compile.",
        ("dbt_profiles",),
        sorted(profiles),
    )


def _checked_in_profile(path: Path, wanted: str | None) -> tuple[str, Mapping[str, Any]]:
    document = _read_yaml(path)
    profiles = (
        {k: v for k, v in document.items() if isinstance(v, Mapping) and "outputs" in v}
        if isinstance(document, Mapping)
        else {}
    )
    if wanted in profiles:
        return str(wanted), profiles[str(wanted)]
    if wanted is None and len(profiles) == 1:
        (name, profile), = profiles.items()  # fmt: skip
        return str(name), profile
    names = ", ".join(repr(k) for k in profiles) or "none"
    raise DbtProjectError(
        f"`dbt_project.yml` names profile {wanted!r}, but {path} holds {names}. Add that profile "
        "to the file, or compile the product with floe platform compile so that the platform's "
        "profile is used."
    )


def _platform_outputs(
    compute_targets: Mapping[str, str | Mapping[str, Any]],
    outputs: Mapping[str, Mapping[str, Any]],
    project_dir: Path,
) -> dict[str, Mapping[str, Any]]:
    """Targets that the platform defines as whole dbt outputs (``compute_targets``)."""
    added: dict[str, Mapping[str, Any]] = {}
    for compute, value in compute_targets.items():
        if isinstance(value, str):
            continue
        if compute in outputs:
            raise DbtProjectError(
                f"`compute_targets.{compute}` defines a dbt output, but the compiled profile has a "
                f"target {compute!r} already. Rename the compute target, or map it to that "
                f"target by name (compute_targets: {{{compute}: {compute}}})."
            )
        added[compute] = _absolute(value, project_dir)
    return added


def _targets(
    project: DbtProject,
    models_by_compute: Mapping[str, Sequence[str]],
    default_compute: str,
    compute_targets: Mapping[str, str | Mapping[str, Any]],
) -> dict[str, str | None]:
    known = project.source != "dbt_default"
    available = sorted(project.outputs)
    targets: dict[str, str | None] = {}
    for compute in sorted({default_compute, *models_by_compute}):
        value = compute_targets.get(compute)
        if isinstance(value, str):
            if known and value not in project.outputs:
                _undefined(compute, models_by_compute, project, available, target=value)
            targets[compute] = value
        elif value is not None:
            targets[compute] = compute
        elif compute == default_compute:
            targets[compute] = None
        elif compute in project.outputs or not known:
            targets[compute] = compute
        elif models_by_compute.get(compute):
            _undefined(compute, models_by_compute, project, available)
    return targets


def _undefined(
    compute: str,
    models_by_compute: Mapping[str, Sequence[str]],
    project: DbtProject,
    available: Sequence[str],
    *,
    target: str | None = None,
) -> None:
    models = list(models_by_compute.get(compute) or ())
    first = models[0] if models else compute
    more = f" (and {len(models) - 1} more)" if len(models) > 1 else ""
    which = "the compiled profile" if project.source == "compiled" else f"{project.reason}"
    what = (
        f"maps compute target {compute!r} to dbt target {target!r}, which"
        if target
        else f"runs on compute target {compute!r}, which"
    )
    subject = f"`compute_targets.{compute}`" if target else f"Transform {first!r}{more}"
    raise validation_error(
        "CompiledArtifacts",
        "undefined_compute",
        f"{subject} {what} no platform configuration defines: {which} has targets "
        f"{', '.join(repr(t) for t in available) or 'none'}. Define it in manifest.yaml under "
        f"plugins.orchestrator.config.compute_targets.{compute} (a dbt output, or the name of "
        "a target of the compiled profile), or run the model on the product's default compute.",
        ("transforms", "models", first, "compute"),
        compute,
    )


def _absolute(output: Mapping[str, Any], project_dir: Path) -> dict[str, Any]:
    """A dbt output with DuckDB file paths made absolute against the project, folders made."""
    result = dict(output)
    if result.get("type") != "duckdb":
        return result
    path = _local_file(result.get("path"), project_dir)
    if path is not None:
        result["path"] = str(path)
    attached = []
    for entry in result.get("attach") or []:
        entry = dict(entry) if isinstance(entry, Mapping) else entry
        if isinstance(entry, dict):
            local = _local_file(entry.get("path"), project_dir)
            if local is not None and not entry.get("type"):
                entry["path"] = str(local)
        attached.append(entry)
    if attached:
        result["attach"] = attached
    return result


def _local_file(value: Any, project_dir: Path) -> Path | None:
    """``value`` as an absolute local file path (its folder created), or None if not a file."""
    if not isinstance(value, str) or not value or value == ":memory:":
        return None
    if "://" in value or value.startswith(("md:", "motherduck:")):
        return None
    path = Path(value)
    if not path.is_absolute():
        path = project_dir / path
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _state_root() -> Path:
    """The private per-user folder for compiled profiles (0700, owned by this user)."""
    override = os.environ.get(STATE_DIR_ENV)
    uid = os.getuid() if hasattr(os, "getuid") else 0
    root = Path(override) if override else Path(tempfile.gettempdir()) / f"floe-dagster-{uid}"
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = root.stat()
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        raise DbtProjectError(
            f"The private folder {root} belongs to another user, so compiled profiles (which can "
            f"hold credentials) cannot be written there. Set {STATE_DIR_ENV} to a folder of "
            "your own."
        )
    if info.st_mode & 0o077:
        root.chmod(0o700)
    return root


def _write_private_profiles(
    project_dir: Path,
    name: str,
    default_target: Any,
    outputs: Mapping[str, Mapping[str, Any]],
    root: Path,
) -> Path:
    """Write ``profiles.yml`` (mode 0600) in a folder of ``root`` kept for this project."""
    import json

    import yaml

    digest = hashlib.sha256(str(project_dir).encode("utf-8")).hexdigest()[:16]
    folder = root / "profiles" / digest
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    profile: dict[str, Any] = {"outputs": json.loads(json.dumps(dict(outputs)))}
    if default_target is not None:
        profile["target"] = default_target
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    text = yaml.dump({name: profile}, Dumper=dumper, sort_keys=True)
    target = folder / PROFILES_FILE
    try:
        unchanged = target.read_text(encoding="utf-8") == text
    except OSError:
        unchanged = False
    if not unchanged:
        # a new file beside the old one, then an atomic rename: a concurrent step never reads
        # half a file, and the file is never readable by others, not even for a moment
        descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=".profiles.", text=True)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(temporary, 0o600)
        os.replace(temporary, target)
    elif target.stat().st_mode & 0o077:
        target.chmod(0o600)
    return folder


def dbt_executable() -> str:
    """``dbt`` on PATH, else the one installed beside this Python (an unactivated venv)."""
    if shutil.which("dbt"):
        return "dbt"
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.is_file() else "dbt"


_MANIFESTS: dict[Path, tuple[tuple[int, int], dict[str, Any]]] = {}
_MANIFESTS_LOCK = threading.Lock()
_MANIFESTS_KEPT = 4  # products per process; a code server usually loads one


def load_manifest(project: DbtProject) -> dict[str, Any]:
    """The project's ``target/manifest.json``, running ``dbt parse`` first when it is missing.

    The parsed manifest is kept per path and reused while the file's modification time and size
    stay the same (dagster-dbt keeps its own by path alone), so building the definitions again
    in one process does not parse megabytes of JSON again. Callers must not change it.
    """
    path = project.project_dir / "target" / "manifest.json"
    try:
        status = path.stat()
    except OSError:
        status = None
    if status is not None:
        stamp = (status.st_mtime_ns, status.st_size)
        with _MANIFESTS_LOCK:
            kept = _MANIFESTS.get(path)
        if kept is not None and kept[0] == stamp:
            return kept[1]
    manifest = _read_manifest(project, path)
    status = path.stat()
    with _MANIFESTS_LOCK:
        _MANIFESTS.pop(path, None)
        _MANIFESTS[path] = ((status.st_mtime_ns, status.st_size), manifest)
        while len(_MANIFESTS) > _MANIFESTS_KEPT:  # the least recently read goes first
            del _MANIFESTS[next(iter(_MANIFESTS))]
    return manifest


def _read_manifest(project: DbtProject, path: Path) -> dict[str, Any]:
    import json

    if not path.is_file():
        invocation = project.resource().cli(
            ["parse"], target_path=Path("target"), raise_on_error=False
        )
        invocation.wait()
        if not path.is_file():
            raise DbtProjectError(
                f"`dbt parse` did not write {path}: check the dbt project in "
                f"{project.project_dir} ({project.reason}). dbt's output: "
                f"{dbt_error_of(invocation)}."
            )
    manifest: dict[str, Any] = json.loads(path.read_bytes())
    return manifest
