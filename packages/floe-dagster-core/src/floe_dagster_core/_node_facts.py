"""What observers learn about each dbt node before the run: from the dbt manifest, once.

For every model: its asset key, its upstream assets and where they live (database the node sets
itself, schema, alias, compute target, documented columns), its own description, documented
columns, config, file, unique id and compiled-SQL path, and its floe facts (quality tier). For
every dbt test: the model it tests, its column, severity and kind. Observers (lineage above all)
build their events from these and from what dbt reports during the run.

Only a run needs them, so ``OnFirstUse`` computes them when a step first asks, not when the
definitions load (a code server that only serves the UI never pays for them).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from floe_dagster_core._dbt_events import ModelFacts
from floe_dagster_core._transform import TransformModel

_ASSET_TYPES = ("model", "seed", "snapshot", "source")
_V = TypeVar("_V")
_CONFIG_KEYS = ("materialized", "access", "owner", "group")


class OnFirstUse(Mapping[str, _V], Generic[_V]):
    """A mapping built by ``build`` on its first use, once, whichever thread asks first.

    Examples:
        >>> calls = []
        >>> facts = OnFirstUse(lambda: calls.append(1) or {"a": 1})
        >>> calls, facts["a"], facts.get("b"), len(facts), calls
        ([], 1, None, 1, [1])
    """

    def __init__(self, build: Callable[[], Mapping[str, _V]]) -> None:
        self._build: Callable[[], Mapping[str, _V]] | None = build
        self._built: Mapping[str, _V] = {}
        self._lock = threading.Lock()

    def _mapping(self) -> Mapping[str, _V]:
        if self._build is not None:
            with self._lock:
                if self._build is not None:
                    self._built = self._build()
                    self._build = None
        return self._built

    def __getitem__(self, key: str) -> _V:
        return self._mapping()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._mapping())

    def __len__(self) -> int:
        return len(self._mapping())


@dataclass(frozen=True)
class DbtTestFacts:
    """A dbt test of a model, as the manifest declares it."""

    name: str
    model: str
    column: str | None
    severity: str
    assertion: str
    test_type: str


def model_facts(
    manifest: Mapping[str, Any],
    models: Mapping[str, Mapping[str, Any]],
    transforms: Mapping[str, TransformModel],
    translator: Any,
) -> dict[str, ModelFacts]:
    """The facts of every model, by dbt unique id."""
    nodes = manifest.get("nodes", {})
    sources = manifest.get("sources", {})
    facts = {}
    for name, node in models.items():
        upstream = []
        relations = []
        for uid in (node.get("depends_on") or {}).get("nodes", []):
            up = nodes.get(uid) or sources.get(uid)
            if up is None or up.get("resource_type") not in _ASSET_TYPES:
                continue
            key = translator.get_asset_key(up).to_user_string()
            upstream.append(key)
            relations.append(_relation(up, key, translator))
        config = node.get("config") or {}
        transform = transforms.get(name)
        facts[node["unique_id"]] = ModelFacts(
            asset_key=name,
            model=name,
            upstream=tuple(upstream),
            compute=translator.compute(node),
            metadata={
                "schema": node.get("schema"),
                # only a database the model sets itself: the manifest's resolved one is the
                # default target's, not the one of the compute target the model runs on
                "database": config.get("database"),
                "alias": node.get("alias") or name,
                "materialization": config.get("materialized"),
                "quality_tier": transform.quality_tier if transform else None,
                "description": node.get("description") or None,
                "columns": _columns(node),
                "config": {k: config[k] for k in _CONFIG_KEYS if config.get(k) is not None},
                "tags": list(node.get("tags") or []),
                "unique_id": node["unique_id"],
                "original_file_path": node.get("original_file_path"),
                "compiled_path": _compiled_path(node),
                "project": node.get("package_name"),
                "upstream_relations": relations,
            },
        )
    return facts


def dbt_test_facts(manifest: Mapping[str, Any]) -> dict[str, DbtTestFacts]:
    """The facts of every dbt test attached to a model, by dbt unique id."""
    nodes = manifest.get("nodes", {})
    found = {}
    for uid, node in nodes.items():
        if node.get("resource_type") != "test":
            continue
        attached = node.get("attached_node") or next(
            (p for p in (node.get("depends_on") or {}).get("nodes", []) if p.startswith("model.")),
            None,
        )
        model = nodes.get(attached or "")
        if model is None or model.get("resource_type") != "model":
            continue
        metadata = node.get("test_metadata") or {}
        found[uid] = DbtTestFacts(
            name=node["name"],
            model=model["name"],
            column=node.get("column_name") or (metadata.get("kwargs") or {}).get("column_name"),
            severity=str((node.get("config") or {}).get("severity") or "ERROR").lower(),
            assertion=str(metadata.get("name") or node["name"]),
            test_type="generic" if metadata else "singular",
        )
    return found


def _relation(node: Mapping[str, Any], key: str, translator: Any) -> dict[str, Any]:
    source = node.get("resource_type") == "source"
    return {
        "asset_key": key,
        "resource_type": node.get("resource_type"),
        # a source's database is part of its declaration; a model's only when it sets one
        "database": node.get("database") if source else (node.get("config") or {}).get("database"),
        "schema": node.get("schema"),
        "alias": node.get("identifier") if source else (node.get("alias") or node.get("name")),
        "compute": None if source else translator.compute(node),
        "columns": _columns(node),
        "description": node.get("description") or None,
        "config": {
            k: (node.get("config") or {})[k]
            for k in _CONFIG_KEYS
            if (node.get("config") or {}).get(k) is not None
        },
    }


def _columns(node: Mapping[str, Any]) -> dict[str, str | None]:
    return {
        str(column.get("name") or name): column.get("data_type") or None
        for name, column in (node.get("columns") or {}).items()
    }


def _compiled_path(node: Mapping[str, Any]) -> str | None:
    package, path = node.get("package_name"), node.get("original_file_path")
    return f"compiled/{package}/{path}" if package and path else None
