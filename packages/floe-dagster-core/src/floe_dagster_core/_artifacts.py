"""A tolerant pydantic view of floe's CompiledArtifacts: the parts this plugin uses.

It reads the ``compiled_artifacts.json`` written by ``floe platform compile`` (floe-core 0.1.0a1,
schema version 0.16.0) and ignores every field it does not use, so newer artifacts still load.
Each transform also accepts the fields of floe-core's ``TransformConfig`` (path, schema_name,
materialization, meta). Validating a ``CompiledArtifacts`` validates the transform graph too.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from os import PathLike
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from floe_dagster_core._graph import TransformGraph, build_graph


class TransformModel(BaseModel):
    """One dbt model of the product, as the compiler or floe-core's ``TransformConfig`` gives it.

    Examples:
        >>> TransformModel(name="stg_customers", depends_on=["raw_customers"]).depends_on
        ['raw_customers']
    """

    model_config = ConfigDict(extra="ignore", frozen=True)

    name: str = Field(description="The dbt model name, e.g. 'stg_customers'.")
    compute: str | None = Field(
        default=None, description="Compute target override; None means the product default."
    )
    tags: list[str] = Field(default_factory=list)
    depends_on: list[str] = Field(default_factory=list)
    quality_tier: str | None = None
    path: str = ""
    schema_name: str = ""
    materialization: str = "table"
    meta: dict[str, Any] = Field(default_factory=dict)

    @field_validator("tags", "depends_on", "meta", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any, info: Any) -> Any:
        # The compiler writes null for an absent list.
        if value is None:
            return {} if info.field_name == "meta" else []
        return value

    @field_validator("materialization", mode="before")
    @classmethod
    def _default_materialization(cls, value: Any) -> Any:
        return "table" if value in (None, "") else value


class Transforms(BaseModel):
    """``transforms`` of the artifacts: the models and the product's default compute target."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    models: list[TransformModel] = Field(default_factory=list)
    default_compute: str | None = None

    @field_validator("models", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return [] if value is None else value


class ArtifactsMetadata(BaseModel):
    """``metadata`` of the artifacts."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    product_name: str = Field(min_length=1)
    product_version: str | None = None


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

    model_config = ConfigDict(extra="ignore", frozen=True)

    version: str = Field(description="Schema version of the artifacts, e.g. '0.16.0'.")
    metadata: ArtifactsMetadata
    transforms: Transforms = Field(default_factory=Transforms)
    dbt_profiles: dict[str, Any] | None = None
    plugins: dict[str, Any] | None = None
    observability: dict[str, Any] | None = None
    _graph: TransformGraph = PrivateAttr()

    @field_validator("transforms", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return {} if value is None else value

    @model_validator(mode="after")
    def _check_graph(self) -> CompiledArtifacts:
        self._graph = build_graph(self.transforms.models, "transforms.models")
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
        plugins = self.plugins or {}
        compute = plugins.get("compute") or {}
        return str(compute.get("type") or "duckdb")

    def compute_of(self, transform: TransformModel) -> str:
        """The compute target ``transform`` runs on."""
        return transform.compute or self.default_compute


class TransformList(BaseModel):
    """A validated list of transforms (what ``create_assets_from_transforms`` receives)."""

    model_config = ConfigDict(frozen=True)

    transforms: list[TransformModel]
    _graph: TransformGraph = PrivateAttr()

    @model_validator(mode="after")
    def _check_graph(self) -> TransformList:
        self._graph = build_graph(self.transforms, "transforms")
        return self

    @property
    def graph(self) -> TransformGraph:
        """The validated transform graph."""
        return self._graph


def load_artifacts(
    artifacts: CompiledArtifacts | Mapping[str, Any] | str | PathLike[str],
) -> CompiledArtifacts:
    """Validate CompiledArtifacts given as a model, a dict, or the path of the JSON file.

    Raises:
        pydantic.ValidationError: The artifacts are invalid; the message names the field path,
            the bad value and what is expected.
        FileNotFoundError: ``artifacts`` is a path that does not exist.

    Examples:
        >>> load_artifacts({"version": "0.16.0", "metadata": {"product_name": "p"}}).graph.order
        []
    """
    if isinstance(artifacts, CompiledArtifacts):
        return artifacts
    if isinstance(artifacts, (str, PathLike)):
        path = Path(artifacts)
        if not path.is_file():
            raise FileNotFoundError(
                f"compiled artifacts not found at {path}: run `floe platform compile --spec "
                "floe.yaml --manifest manifest.yaml --output compiled_artifacts.json` first, or "
                "pass the artifacts as a dict"
            )
        return CompiledArtifacts.model_validate_json(path.read_bytes())
    return CompiledArtifacts.model_validate(artifacts)


def read_artifacts_dict(artifacts: Mapping[str, Any] | str | PathLike[str]) -> dict[str, Any]:
    """The raw artifacts as a dict (read from the file when given a path)."""
    if isinstance(artifacts, (str, PathLike)):
        path = Path(artifacts)
        if not path.is_file():
            return {}
        loaded = json.loads(path.read_text())
        return loaded if isinstance(loaded, dict) else {}
    return dict(artifacts)


def validate_transforms(transforms: Sequence[Any]) -> TransformList:
    """Validate transforms given as dicts, ``TransformModel`` or attribute objects."""
    models = [t if isinstance(t, TransformModel) else _to_model(t) for t in transforms]
    return TransformList(transforms=models)


def _to_model(transform: Any) -> Any:
    if isinstance(transform, Mapping):
        return transform
    return TransformModel.model_validate(transform, from_attributes=True)
