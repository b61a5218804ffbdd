"""load_manifest keeps the parsed manifest per path while the file stays the same (issue 14)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from floe_dagster_core import DbtProject
from floe_dagster_core._dbt_project import load_manifest


def project_with_manifest(folder: Path, nodes: dict[str, object]) -> DbtProject:
    (folder / "target").mkdir(parents=True, exist_ok=True)
    (folder / "target" / "manifest.json").write_text(json.dumps({"nodes": nodes}))
    return DbtProject(project_dir=folder, profiles_dir=None, profile=None, source="dbt_default")


def test_a_second_load_of_an_unchanged_manifest_is_the_same_object(tmp_path: Path) -> None:
    project = project_with_manifest(tmp_path, {"model.p.a": {}})

    first = load_manifest(project)

    assert load_manifest(project) is first
    assert first == {"nodes": {"model.p.a": {}}}


def test_a_rewritten_manifest_is_read_again(tmp_path: Path) -> None:
    project = project_with_manifest(tmp_path, {"model.p.a": {}})
    first = load_manifest(project)
    path = tmp_path / "target" / "manifest.json"

    path.write_text(json.dumps({"nodes": {"model.p.a": {}, "model.p.b": {}}}))
    stamp = path.stat()
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns + 1_000_000))

    again = load_manifest(project)
    assert again is not first
    assert set(again["nodes"]) == {"model.p.a", "model.p.b"}


def test_only_a_few_products_are_kept(tmp_path: Path) -> None:
    from floe_dagster_core import _dbt_project

    for index in range(_dbt_project._MANIFESTS_KEPT + 3):
        load_manifest(project_with_manifest(tmp_path / str(index), {}))

    assert len(_dbt_project._MANIFESTS) <= _dbt_project._MANIFESTS_KEPT
