"""``FloeDbtTranslator``: dagster-dbt's translator giving dbt nodes floe's keys and metadata.

Models and seeds get the key ``[name]`` and sources ``[source_name, name]``, the same keys as the
per-transform path; each model gets floe's metadata (compute target, schema, materialization,
path, quality tier), the floe and dbt tags, kinds ``dbt`` and its compute target, and a group per
schema or folder.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dagster import AssetKey
from dagster_dbt import DagsterDbtTranslator

from floe_dagster_core import _specs
from floe_dagster_core._transform import TransformModel

#: The prefix of the marker tags ``_dbt_assets`` puts on its in-memory manifest copy.
MARKER = "floe_compute__"


class FloeDbtTranslator(DagsterDbtTranslator):
    """Translate dbt nodes with floe's transform facts.

    Args:
        transforms: The product's transforms by name.
        compute_of: The compute target of each dbt model by name (models absent run on
            ``default_compute``).
        default_compute: The product's default compute target.

    Examples:
        >>> t = FloeDbtTranslator({}, {}, "duckdb")
        >>> t.get_asset_key({"resource_type": "model", "name": "a"}).to_user_string()
        'a'
    """

    def __init__(
        self,
        transforms: Mapping[str, TransformModel],
        compute_of: Mapping[str, str],
        default_compute: str,
    ) -> None:
        super().__init__()
        self.transforms = transforms
        self.compute_of = compute_of
        self.default_compute = default_compute

    def compute(self, props: Mapping[str, Any]) -> str:
        """The compute target of a dbt node."""
        return self.compute_of.get(props["name"], self.default_compute)

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        """``[name]``, or ``[source_name, name]`` for a source."""
        if dbt_resource_props["resource_type"] == "source":
            return AssetKey([dbt_resource_props["source_name"], dbt_resource_props["name"]])
        return AssetKey([dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        """The schema set on the model, else its folder, else its layer."""
        config = dbt_resource_props.get("config") or {}
        fqn = dbt_resource_props.get("fqn") or []
        folder = fqn[1] if len(fqn) > 2 else None
        transform = self.transforms.get(dbt_resource_props["name"])
        schema = (transform.schema_name if transform else None) or config.get("schema")
        path = f"models/{folder}/x.sql" if folder else None
        return _specs.group_name(schema, path, dbt_resource_props["name"])

    def get_tags(self, dbt_resource_props: Mapping[str, Any]) -> Mapping[str, str]:
        """The floe transform's tags and the dbt node's tags."""
        tags = [t for t in dbt_resource_props.get("tags") or [] if not t.startswith(MARKER)]
        transform = self.transforms.get(dbt_resource_props["name"])
        if transform is not None:
            tags = [*transform.tags, *(t for t in tags if t not in transform.tags)]
        return _specs.dagster_tags(tags)

    def get_metadata(self, dbt_resource_props: Mapping[str, Any]) -> Mapping[str, Any]:
        """dagster-dbt's metadata plus floe's (compute target, schema, materialization...)."""
        base = dict(super().get_metadata(dbt_resource_props))
        if dbt_resource_props["resource_type"] not in ("model", "seed", "snapshot"):
            return base
        config = dbt_resource_props.get("config") or {}
        transform = self.transforms.get(dbt_resource_props["name"])
        base.update(
            _specs.floe_metadata(
                compute=self.compute(dbt_resource_props),
                schema=dbt_resource_props.get("schema"),
                materialization=config.get("materialized"),
                path=dbt_resource_props.get("original_file_path"),
                quality_tier=transform.quality_tier if transform else None,
                tags=list(self.get_tags(dbt_resource_props)),
            )
        )
        return base

    def get_asset_spec(self, manifest: Mapping[str, Any], unique_id: str, project: Any) -> Any:
        """dagster-dbt's spec with kinds ``dbt`` and the node's compute target."""
        # dagster-dbt calls this again for every downstream of a node: remember each answer.
        memo = self.__dict__.setdefault("_floe_specs", {})
        found = memo.get((id(manifest), unique_id))
        if found is not None:
            return found
        self._specs_of_ancestors_first(manifest, unique_id, project, memo)
        spec = super().get_asset_spec(manifest, unique_id, project)
        props = manifest["nodes"].get(unique_id) or manifest["sources"][unique_id]
        if props["resource_type"] in ("model", "seed", "snapshot"):
            wanted = _specs.kinds(self.compute(props))
            if set(spec.kinds) != wanted:
                spec = spec.replace_attributes(kinds=wanted)
        memo[(id(manifest), unique_id)] = spec
        return spec

    def _specs_of_ancestors_first(
        self, manifest: Mapping[str, Any], unique_id: str, project: Any, memo: dict[Any, Any]
    ) -> None:
        """Compute every ancestor's spec first, parents before children, without recursion.

        dagster-dbt's ``get_asset_spec`` asks for each parent's spec in turn (recursively in
        0.26), so a chain thousands of models deep would exceed Python's recursion limit,
        depending on the order in which dagster-dbt visits the nodes. With the ancestors
        remembered first, each call goes one level deep at most.
        """
        nodes, sources = manifest["nodes"], manifest.get("sources", {})
        order: list[str] = []
        seen: set[str] = set()
        stack: list[tuple[str, bool]] = [(unique_id, False)]
        while stack:
            uid, parents_done = stack.pop()
            if parents_done:
                order.append(uid)
                continue
            if uid in seen or (id(manifest), uid) in memo:
                continue
            seen.add(uid)
            stack.append((uid, True))
            node = nodes.get(uid) or sources.get(uid) or {}
            for parent in (node.get("depends_on") or {}).get("nodes", []):
                if parent in nodes or parent in sources:
                    stack.append((parent, False))
        for uid in order[:-1]:  # the last is unique_id itself, which the caller computes
            self.get_asset_spec(manifest, uid, project)
