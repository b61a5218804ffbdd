"""A tolerant pydantic view of floe's CompiledArtifacts: the parts this package uses.

It reads the ``compiled_artifacts.json`` written by ``floe platform compile`` (floe-core 0.1.0a1,
schema version 0.16.0) and ignores every field it does not use, so newer artifacts still load. It
takes a dict, the JSON file, or any object with the same attributes: floe-core's own validated
``CompiledArtifacts`` (what the plugin facade passes, so the file is parsed once). Each transform
also accepts the fields of floe-core's ``TransformConfig`` (path, schema_name, materialization,
meta). Validating a ``CompiledArtifacts`` validates the transform graph too.
"""

from __future__ import annotations

import errno
from collections.abc import Mapping, Sequence
from os import PathLike
from pathlib import Path
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from floe_dagster_core._errors import ArtifactsNotFoundError
from floe_dagster_core._graph import TransformGraph, build_graph, check_compute
from floe_dagster_core._specs import check_resource_keys
from floe_dagster_core._transform import TransformModel

#: The file ``floe platform compile --output`` writes by convention.
ARTIFACTS_FILE = "compiled_artifacts.json"
# hide_input_in_errors: pydantic would print the input beside each error, and for an error of the
# whole document (the graph checks) that is the tail of its repr, where dbt_profiles (passwords
# included) sits; ``load_artifacts`` adds back the inputs that are safe to show
_VIEW = ConfigDict(extra="ignore", frozen=True, from_attributes=True, hide_input_in_errors=True)
#: Field names whose values are never shown in an error (dbt profiles hold credentials).
_SECRET_PARTS = ("password", "secret", "token", "key", "credential", "passphrase", "profiles")


class Transforms(BaseModel):
    """``transforms`` of the artifacts: the models and the product's default compute target."""

    model_config = _VIEW

    models: list[TransformModel] = Field(default_factory=list)
    default_compute: str | None = None

    @field_validator("models", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return [] if value is None else value


class ArtifactsMetadata(BaseModel):
    """``metadata`` of the artifacts."""

    model_config = _VIEW

    product_name: str = Field(min_length=1)
    product_version: str | None = None


class PluginChoice(BaseModel):
    """One entry of ``plugins`` (e.g. ``plugins.compute``): the plugin type and its config."""

    model_config = _VIEW

    type: str
    config: dict[str, Any] | None = None


class Plugins(BaseModel):
    """``plugins`` of the artifacts, as far as this package reads them (the compute plugin)."""

    model_config = _VIEW

    compute: PluginChoice | None = None


class CompiledArtifacts(BaseModel):
    """The parts of floe's CompiledArtifacts the Dagster plugin reads.

    Validation checks the transform graph as well (duplicates, cycles, identifiers,
    materializations); ``graph`` then holds it in topological order.

    Examples:
        >>> artifacts = CompiledArtifacts.model_validate({
        ...     "version": "0.16.0",
        ...     "metadata": {"product_name": "shop"},
        ...     "transforms": {"models": [{"name": "a"}, {"name": "b", "depends_on": ["a"]}]},
        ... })
        >>> [t.name for t in artifacts.graph.order]
        ['a', 'b']
    """

    model_config = _VIEW

    version: str = Field(description="Schema version of the artifacts, e.g. '0.16.0'.")
    metadata: ArtifactsMetadata
    transforms: Transforms = Field(default_factory=Transforms)
    dbt_profiles: dict[str, Any] | None = None
    plugins: Plugins | None = None
    _graph: TransformGraph = PrivateAttr()

    @field_validator("transforms", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return {} if value is None else value

    @model_validator(mode="after")
    def _check_graph(self) -> CompiledArtifacts:
        # collisions first: their message names both targets, the sharpest hint for 'a-b'/'a_b'
        computes = [("transforms.default_compute", self.default_compute)]
        if not self.transforms.default_compute:
            computes = [("plugins.compute.type", self.default_compute)]
        computes += [
            (f"transforms.models[{index}].compute", t.compute)
            for index, t in enumerate(self.transforms.models)
            if t.compute is not None
        ]
        check_resource_keys(computes)
        self._graph = build_graph(self.transforms.models, "transforms.models")
        _check_default_computes(self)
        return self

    @property
    def graph(self) -> TransformGraph:
        """The validated transform graph."""
        return self._graph

    @property
    def default_compute(self) -> str:
        """The product's default compute target (``duckdb`` when the artifacts name none)."""
        if self.transforms.default_compute:
            return self.transforms.default_compute
        compute = self.plugins.compute if self.plugins is not None else None
        return compute.type if compute is not None and compute.type else "duckdb"

    def compute_of(self, transform: TransformModel) -> str:
        """The compute target ``transform`` runs on."""
        return transform.compute or self.default_compute


def _check_default_computes(artifacts: CompiledArtifacts) -> None:
    """``transforms.default_compute`` and ``plugins.compute.type`` are compute targets too."""
    fix = "manifest.yaml (the platform's compute plugin) and recompile the product"
    default = artifacts.transforms.default_compute
    if default is not None:
        check_compute(
            default, "transforms.default_compute", "the product's default compute target is", fix
        )
    plugin = artifacts.plugins.compute if artifacts.plugins is not None else None
    if plugin is not None:
        check_compute(plugin.type, "plugins.compute.type", "the compute plugin type is", fix)


class TransformList(BaseModel):
    """A validated list of transforms (what ``create_assets_from_transforms`` receives)."""

    model_config = ConfigDict(frozen=True, hide_input_in_errors=True)

    transforms: list[TransformModel]
    default_compute: str | None = None
    _graph: TransformGraph = PrivateAttr()

    @model_validator(mode="after")
    def _check_graph(self) -> TransformList:
        computes = [(f"transforms[{i}].compute", t.compute) for i, t in enumerate(self.transforms)]
        if self.default_compute is not None:
            computes.insert(0, ("default_compute", self.default_compute))
        check_resource_keys((where, c) for where, c in computes if c is not None)
        self._graph = build_graph(self.transforms, "transforms")
        if self.default_compute is not None:
            check_compute(
                self.default_compute,
                "default_compute",
                "the default compute target is",
                "the default_compute argument",
            )
        return self

    @property
    def graph(self) -> TransformGraph:
        """The validated transform graph."""
        return self._graph


def load_artifacts(
    artifacts: CompiledArtifacts | Mapping[str, Any] | str | PathLike[str] | Any,
) -> CompiledArtifacts:
    """Validate CompiledArtifacts given as a model, a dict, the JSON file, or an object.

    An object is read through its attributes: floe-core's own ``CompiledArtifacts`` works as is.

    Raises:
        pydantic.ValidationError: The artifacts are invalid; the message names the field path,
            the bad value and what is expected.
        ArtifactsNotFoundError: ``artifacts`` is a path that does not exist.

    Examples:
        >>> load_artifacts({"version": "0.16.0", "metadata": {"product_name": "p"}}).graph.order
        ()
    """
    if isinstance(artifacts, CompiledArtifacts):
        return artifacts
    try:
        if isinstance(artifacts, (str, PathLike)):
            return CompiledArtifacts.model_validate_json(read_artifacts_file(artifacts))
        if isinstance(artifacts, Mapping):
            return CompiledArtifacts.model_validate(artifacts)
        return CompiledArtifacts.model_validate(artifacts, from_attributes=True)
    except ValidationError as error:
        raise with_safe_inputs(error) from None


def with_safe_inputs(error: ValidationError) -> ValidationError:
    """``error`` with each input shown that is safe to show: a field's short scalar value.

    Inputs of secret-like fields (password, token, key..., anything in dbt_profiles), whole
    objects and lists, and the input of a document-wide error stay hidden; the messages (which
    name field and value where that is safe) and error types are kept.

    Examples:
        >>> try:
        ...     TransformList.model_validate({"transforms": [{"name": 1}]})
        ... except ValidationError as error:
        ...     print(str(with_safe_inputs(error)).splitlines()[2].split("[")[1])
        type=string_type, input_value=1, input_type=int]
    """
    details: list[InitErrorDetails] = []
    for issue in error.errors():
        value = issue.get("input")
        loc = tuple(issue["loc"])
        shown = (
            bool(loc)
            and isinstance(value, (str, int, float, bool))
            and len(str(value)) <= 200
            and not any(part in str(step).lower() for step in loc for part in _SECRET_PARTS)
        )
        context = {**issue.get("ctx", {}), "message": issue["msg"]}
        details.append(
            {
                "type": PydanticCustomError(issue["type"], "{message}", context),
                "loc": loc,
                "input": value if shown else None,
            }
        )
    return ValidationError.from_exception_data(error.title, details)


def read_artifacts_file(path: str | PathLike[str]) -> bytes:
    """The bytes of a ``compiled_artifacts.json``; the one place that reports a missing file.

    Raises:
        ArtifactsNotFoundError: The file does not exist (or is a folder without the file, or
            the path is no possible file name: too long, a NUL byte, a symlink loop).
    """
    file = Path(path)
    try:
        if file.is_dir():
            file = file / ARTIFACTS_FILE
        return file.read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        raise ArtifactsNotFoundError(file) from None
    except ValueError:  # a NUL byte or a lone surrogate: no file can have that name
        raise ArtifactsNotFoundError(file) from None
    except OSError as error:
        if error.errno in (errno.ENAMETOOLONG, errno.ELOOP):
            raise ArtifactsNotFoundError(file) from None
        raise


def models_by_compute(artifacts: CompiledArtifacts) -> dict[str, list[str]]:
    """The models of each compute target, in the artifacts' order."""
    found: dict[str, list[str]] = {}
    for transform in artifacts.transforms.models:
        found.setdefault(artifacts.compute_of(transform), []).append(transform.name)
    return found


def validate_transforms(
    transforms: Sequence[Any], default_compute: str | None = None
) -> TransformList:
    """Validate transforms given as dicts, ``TransformModel`` or attribute objects.

    ``default_compute``, when given, is checked as a compute target name too.
    """
    try:
        models = [t if isinstance(t, TransformModel) else _to_model(t) for t in transforms]
        return TransformList(transforms=models, default_compute=default_compute)
    except ValidationError as error:
        raise with_safe_inputs(error) from None


def _to_model(transform: Any) -> Any:
    if isinstance(transform, Mapping):
        return transform
    return TransformModel.model_validate(transform, from_attributes=True)
