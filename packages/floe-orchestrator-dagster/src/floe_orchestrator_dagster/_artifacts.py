"""CompiledArtifacts at the facade's edge: read once, validated once, with floe-core's own model.

``read_artifacts`` takes what floe or a user passes (a dict, the path of
``compiled_artifacts.json``, or floe-core's ``CompiledArtifacts``) and returns one typed
``ProductArtifacts``: the file is read and parsed once, floe-core's ``CompiledArtifacts`` (the
runtime contract, ``extra="forbid"``) validates it, and core's own view (transform graph
included) is built from that object. Schedules, lineage, telemetry, the Iceberg export and core
all read this one object; nothing reads the raw dict again.

Every failure is one ``pydantic.ValidationError`` naming each failing field and saying how to
fix it; artifacts written for another CompiledArtifacts schema version get a message naming both
versions and what to do. A missing file is ``ArtifactsNotFoundError`` (core's, one wording).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any

#: Top-level plugin kinds this orchestrator does not run yet: refused rather than skipped.
UNSUPPORTED_PLUGINS = ("ingestion", "semantic")
_SECRET_PARTS = ("password", "secret", "token", "key", "credential")
#: The deepest nesting a dict of artifacts may have (real artifacts: under ten levels).
MAX_DEPTH = 100


@dataclass(frozen=True)
class ProductArtifacts:
    """A product's CompiledArtifacts, validated once.

    Attributes:
        model: floe-core's validated ``CompiledArtifacts``.
        view: floe-dagster-core's ``CompiledArtifacts`` view of it (transform graph checked).
        path: The ``compiled_artifacts.json`` they were read from, resolved; None for a dict.
    """

    model: Any
    view: Any
    path: Path | None = None

    @property
    def product_name(self) -> str:
        """``metadata.product_name``."""
        return str(self.model.metadata.product_name)

    @property
    def orchestrator_config(self) -> dict[str, Any] | None:
        """``plugins.orchestrator.config``: the manifest's orchestrator config, as compiled."""
        plugins = self.model.plugins
        config = plugins.orchestrator.config if plugins is not None else None
        return dict(config) if config else None


def read_artifacts(source: Any) -> ProductArtifacts:
    """Read and validate CompiledArtifacts once (see the module docstring).

    Args:
        source: A ``ProductArtifacts`` (returned as is), floe-core's ``CompiledArtifacts``, a
            dict, or the path of ``compiled_artifacts.json`` (or of its folder).

    Raises:
        pydantic.ValidationError: Invalid artifacts; the message names every failing field.
        floe_dagster_core.ArtifactsNotFoundError: A path where no artifacts file is.

    Examples:
        >>> from floe_dagster_core.testing import compiled_artifacts
        >>> read_artifacts(compiled_artifacts({"name": "stg_a"})).product_name
        'shop-analytics'
    """
    if isinstance(source, ProductArtifacts):
        return source
    from floe_core.schemas.compiled_artifacts import CompiledArtifacts
    from pydantic import ValidationError

    path: Path | None = None
    if isinstance(source, CompiledArtifacts):
        model = source
    elif isinstance(source, (str, PathLike)):
        from floe_dagster_core import read_artifacts_file

        path = _artifacts_path(source)
        data = read_artifacts_file(path)
        try:
            model = CompiledArtifacts.model_validate_json(data)
        except ValidationError as error:
            raise _explained(error, data, f"The artifacts in {path}") from None
    elif isinstance(source, Mapping):
        _refuse_deep_nesting(source)
        try:
            model = CompiledArtifacts.model_validate(dict(source))
        except ValidationError as error:
            raise _explained(error, source, "The artifacts") from None
    else:
        raise single_error(
            (),
            "The compiled artifacts must be a dict, floe-core's CompiledArtifacts or the path of "
            f"compiled_artifacts.json; got {type(source).__name__} {_shown(source)}. Pass what "
            "floe platform compile wrote.",
            None,
        )
    _warn_if_other_version(model.version)
    from floe_dagster_core import load_artifacts

    return ProductArtifacts(model=model, view=load_artifacts(model), path=path)


def _artifacts_path(source: str | PathLike[str]) -> Path:
    """The artifacts file ``source`` names, resolved (a folder means the file inside it)."""
    from floe_dagster_core import ARTIFACTS_FILE, ArtifactsNotFoundError

    try:
        path = Path(source).resolve()
        return path / ARTIFACTS_FILE if path.is_dir() else path
    except (OSError, ValueError):  # a name too long, a NUL byte: no such file can exist
        raise ArtifactsNotFoundError(Path(source)) from None


def _refuse_deep_nesting(document: Mapping[str, Any]) -> None:
    """Refuse a document nested deeper than ``MAX_DEPTH`` levels, before anything recurses.

    floe-core's checks walk plugin configs recursively: a dict nested a few thousand levels deep
    would end in a ``RecursionError`` instead of a message (a JSON file cannot: its parser stops
    at 200 levels, with a message).
    """
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(document, ())]
    while stack:
        value, loc = stack.pop()
        if len(loc) > MAX_DEPTH:
            shown = ".".join(str(part) for part in loc[:6])
            raise single_error(
                loc[:6],
                f"The artifacts are nested more than {MAX_DEPTH} levels deep, at {shown}... "
                "CompiledArtifacts are never that deep: pass the compiled_artifacts.json that "
                "floe platform compile writes, or recompile the product.",
                None,
            )
        if isinstance(value, Mapping):
            stack.extend((item, (*loc, str(key))) for key, item in value.items())
        elif isinstance(value, (list, tuple)):
            stack.extend((item, (*loc, index)) for index, item in enumerate(value))


def refuse_unsupported_plugins(artifacts: ProductArtifacts) -> None:
    """Refuse plugin kinds this orchestrator does not run (rather than skip them silently).

    Raises:
        pydantic.ValidationError: ``plugins.ingestion`` or ``plugins.semantic`` is set.
    """
    plugins = artifacts.model.plugins
    for kind in UNSUPPORTED_PLUGINS:
        chosen = getattr(plugins, kind, None) if plugins is not None else None
        if chosen is not None:
            raise single_error(
                ("plugins", kind),
                f"`plugins.{kind}` is set (type {chosen.type!r}), but floe-orchestrator-dagster "
                f"does not run {kind} yet: its work would be skipped without a word. Remove "
                f"plugins.{kind} from manifest.yaml for this product, or run it with an "
                f"orchestrator that supports {kind}.",
                chosen.type,
            )


def _warn_if_other_version(version: str) -> None:
    """Artifacts of another schema version that still validate run, with one warning."""
    from floe_core.schemas.versions import COMPILED_ARTIFACTS_VERSION as installed

    message = _version_mismatch(version, installed, "The artifacts")
    if message:
        import logging

        logging.getLogger("floe_orchestrator_dagster").warning(
            "%s They validate against the installed schema, so they are used.", message
        )


def _explained(error: Any, source: Any, where: str) -> Exception:
    """floe-core's validation errors, each with what to do, plus the version mismatch if any."""
    from floe_core.schemas.versions import COMPILED_ARTIFACTS_VERSION as installed

    document = source
    if isinstance(source, bytes):
        try:
            document = json.loads(source)
        except UnicodeDecodeError as bad:
            return single_error(
                (),
                f"{where} are not UTF-8 text (byte {source[bad.start : bad.start + 1]!r} at "
                f"offset {bad.start}). It must be the JSON file that floe platform compile "
                "writes: recompile the product.",
                None,
            )
        except (ValueError, RecursionError):  # not JSON, or nested past json's own limit
            document = None
    version = document.get("version") if isinstance(document, Mapping) else None
    items: list[tuple[tuple[str | int, ...], str, Any]] = []
    mismatch = _version_mismatch(version, installed, where)
    if mismatch:
        items.append((("version",), mismatch, version))
    for issue in error.errors():
        loc = tuple(issue["loc"])
        value = issue.get("input")
        # pydantic prints the input beside the message: only short scalars, never a secret
        plain = isinstance(value, (str, int, float, bool)) and not _is_secret(loc)
        items.append((loc, _hint(issue, installed, where), value if plain else None))
    return _errors(items)


def _version_mismatch(version: Any, installed: str, where: str) -> str | None:
    ours = _major_minor(installed)
    theirs = _major_minor(version)
    if ours is None or theirs is None or theirs == ours:
        return None
    from importlib.metadata import version as installed_release

    floe_core = installed_release("floe-core")
    if theirs > ours:
        return (
            f"{where} were compiled for CompiledArtifacts schema {version}, newer than the "
            f"{installed} that the installed floe-core {floe_core} reads. Install the floe-core "
            "release that compiled it beside this plugin, or recompile the product with "
            f"floe-core {floe_core}."
        )
    return (
        f"{where} were compiled for CompiledArtifacts schema {version}, older than the "
        f"{installed} that the installed floe-core {floe_core} reads. Recompile the product: "
        "floe platform compile --spec floe.yaml --manifest manifest.yaml."
    )


def _major_minor(value: Any) -> tuple[int, int] | None:
    parts = str(value).split(".") if isinstance(value, str) else []
    try:
        return (int(parts[0]), int(parts[1])) if len(parts) == 3 else None
    except ValueError:
        return None


def _hint(issue: Mapping[str, Any], installed: str, where: str) -> str:
    loc = ".".join(str(part) for part in issue["loc"])
    kind = issue["type"]
    shown = _shown(issue.get("input"), secret=_is_secret(issue["loc"]))
    recompile = "recompile the product with floe platform compile"
    if kind == "json_invalid":
        return (
            f"{where} are not valid JSON ({issue['msg']}). It must be the JSON file that floe "
            f"platform compile writes: {recompile}."
        )
    if not loc:
        return (
            f"{where} must be a JSON object; got {shown}. Pass the compiled_artifacts.json that "
            f"floe platform compile writes, or {recompile}."
        )
    if kind == "missing":
        return (
            f"Field {loc} is required by CompiledArtifacts {installed} but missing. The "
            f"artifacts are incomplete or hand-written: {recompile}."
        )
    if kind == "extra_forbidden":
        return (
            f"Field {loc} is not a field of CompiledArtifacts {installed}. Remove it, or "
            f"{recompile} using the installed floe-core."
        )
    if loc == "version":
        return (
            f"Field version is {shown}, which is not a schema version (MAJOR.MINOR.PATCH, e.g. "
            f"{installed}): {recompile}."
        )
    message = str(issue["msg"])
    message = message[:1].lower() + message[1:]
    return (
        f"Field {loc} is invalid: {message}; got {shown}. Fix the field in the artifacts, or "
        f"{recompile}."
    )


def _is_secret(loc: Any) -> bool:
    return any(part in str(step).lower() for step in loc for part in _SECRET_PARTS)


def _shown(value: Any, *, secret: bool = False) -> str:
    """A value as a message shows it: short, and never a secret."""
    if secret:
        return "a hidden value (it may be a secret)"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, (list, tuple)):
        return "a list"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def single_error(loc: tuple[str | int, ...], message: str, value: Any) -> Exception:
    return _errors([(loc, message, value)])


def _errors(items: list[tuple[tuple[str | int, ...], str, Any]]) -> Exception:
    from pydantic import ValidationError
    from pydantic_core import PydanticCustomError

    return ValidationError.from_exception_data(
        "CompiledArtifacts",
        [
            {
                "type": PydanticCustomError("floe_invalid_artifacts", "{message}", {"message": m}),
                "loc": loc,
                "input": value,
            }
            for loc, m, value in items
        ],
    )
