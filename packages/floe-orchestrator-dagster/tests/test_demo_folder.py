"""The demo deletes only what it created (issue 16, Deliver 5).

``floe-dagster demo --dir X`` used to ``rmtree`` any folder holding a ``.floe-dagster-demo``
marker (a file or a folder), with the user's own files inside, and resolved ``--dir`` first, so
a symbolic link's target was deleted. These tests call ``prepare_folder`` directly (no compile,
no dbt) and the CLI where it refuses before anything runs.
"""

from __future__ import annotations

import inspect
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from floe_orchestrator_dagster._cli import main
from floe_orchestrator_dagster._demo import prepare_folder
from floe_orchestrator_dagster._demo_folder import FORMAT, MARKER, write_manifest
from floe_orchestrator_dagster._errors import DemoError

PRODUCT = {"dbt_project.yml", "floe.yaml", "manifest.yaml", "models/schema.yml"}


def tree(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (links not followed) with its text."""
    found = {}
    for root, _, files in os.walk(folder):
        for name in files:
            path = Path(root) / name
            found[path.relative_to(folder).as_posix()] = (
                "<link>" if path.is_symlink() else path.read_text(errors="replace")
            )
    return found


def invoke(*args: str):
    if "mix_stderr" in inspect.signature(CliRunner).parameters:  # click < 8.2
        return CliRunner(mix_stderr=False).invoke(main, list(args))
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def users_folder(tmp_path: Path) -> Path:
    """A folder of the user's, with files of their own."""
    folder = tmp_path / "mine"
    (folder / "notes").mkdir(parents=True)
    (folder / "precious.txt").write_text("keep me")
    (folder / "notes" / "todo.md").write_text("keep me too")
    return folder


def test_the_marker_is_a_regular_file_listing_what_the_demo_created(tmp_path: Path):
    folder = prepare_folder(tmp_path / "demo")
    marker = folder / MARKER
    assert marker.is_file()
    assert not marker.is_symlink()
    manifest = json.loads(marker.read_text())
    assert manifest["format"] == FORMAT
    assert set(manifest["files"]) >= PRODUCT
    assert set(manifest["files"]) == set(tree(folder)) - {MARKER}
    assert all(len(digest) == 64 for digest in manifest["files"].values())  # SHA-256
    assert {"models", "models/staging", "seeds"} <= set(manifest["folders"])


def test_a_second_run_removes_exactly_what_the_first_created(tmp_path: Path):
    folder = prepare_folder(tmp_path / "demo")
    first = tree(folder)
    # what compiling and running add (dbt's target, logs, lineage), recorded when the run ends
    (folder / "target" / "run").mkdir(parents=True)
    (folder / "target" / "run" / "a.sql").write_text("select 1")
    (folder / "lineage").mkdir()
    (folder / "lineage" / "events.jsonl").write_text("{}\n")
    write_manifest(folder)
    prepare_folder(folder)
    assert tree(folder) == first  # the run's files and folders are gone, the product is fresh
    assert not (folder / "target").exists()
    assert not (folder / "lineage").exists()


@pytest.mark.parametrize(
    "marker",
    ["file", "folder", "old-demo"],
    ids=["a marker file by hand", "a marker folder", "an older demo's marker"],
)
def test_a_marker_without_a_manifest_removes_nothing(users_folder: Path, marker: str):
    """The old demo ran rmtree on such a folder, the user's files with it."""
    before = tree(users_folder)
    if marker == "folder":
        (users_folder / MARKER).mkdir()
        expected = "is not a regular file, so the demo did not write it; nothing was removed"
    else:
        text = "created by floe-dagster demo; safe to delete\n" if marker == "old-demo" else "x"
        (users_folder / MARKER).write_text(text)
        before = tree(users_folder)
        expected = "holds no list of the files the demo created"
    with pytest.raises(DemoError, match=expected):
        prepare_folder(users_folder)
    assert tree(users_folder) == before


def test_a_folder_without_a_marker_is_refused(users_folder: Path):
    before = tree(users_folder)
    with pytest.raises(DemoError, match="is not a floe-dagster demo folder; pass another --dir"):
        prepare_folder(users_folder)
    assert tree(users_folder) == before


def test_a_users_file_in_a_demo_folder_is_kept_and_named(tmp_path: Path):
    folder = prepare_folder(tmp_path / "demo")
    (folder / "models" / "mine.sql").write_text("select 42")
    (folder / "report.txt").write_text("my report")
    before = tree(folder)
    with pytest.raises(DemoError) as caught:
        prepare_folder(folder)
    assert str(caught.value) == (
        f"The folder {folder} holds 2 file(s) or folder(s) the demo did not create, or that "
        "changed since it did (models/mine.sql, report.txt); nothing was removed. Move them out "
        "of the folder, or pass another --dir."
    )
    assert tree(folder) == before  # not even the demo's own files were removed


def test_a_demo_file_the_user_changed_is_kept(tmp_path: Path):
    folder = prepare_folder(tmp_path / "demo")
    (folder / "floe.yaml").write_text("my own product now")
    with pytest.raises(DemoError, match=r"that changed since it did \(floe.yaml\)"):
        prepare_folder(folder)
    assert (folder / "floe.yaml").read_text() == "my own product now"


def test_a_link_inside_the_folder_is_never_followed(tmp_path: Path, users_folder: Path):
    folder = prepare_folder(tmp_path / "demo")
    (folder / "elsewhere").symlink_to(users_folder, target_is_directory=True)
    before = tree(users_folder)
    with pytest.raises(DemoError, match=r"\(elsewhere\); nothing was removed"):
        prepare_folder(folder)
    assert tree(users_folder) == before


@pytest.mark.parametrize("listed", ["../outside.txt", "/etc/hostname", "a/../../outside.txt"])
def test_a_manifest_listing_a_path_outside_the_folder_is_refused(tmp_path: Path, listed: str):
    folder = prepare_folder(tmp_path / "demo")
    (tmp_path / "outside.txt").write_text("not the demo's")
    manifest = json.loads((folder / MARKER).read_text())
    manifest["files"][listed] = "0" * 64
    (folder / MARKER).write_text(json.dumps(manifest))
    with pytest.raises(DemoError, match="lists a path that is not a file inside the folder"):
        prepare_folder(folder)
    assert (tmp_path / "outside.txt").read_text() == "not the demo's"


def test_a_dir_that_is_a_symbolic_link_is_refused(tmp_path: Path, users_folder: Path):
    """The old demo resolved --dir, then deleted the target of the link."""
    (users_folder / MARKER).write_text("created by floe-dagster demo; safe to delete\n")
    link = tmp_path / "link"
    link.symlink_to(users_folder, target_is_directory=True)
    before = tree(users_folder)
    with pytest.raises(DemoError) as caught:
        prepare_folder(link)
    assert str(caught.value) == (
        f"The --dir {link} is a symbolic link (to {users_folder}); the demo never follows one, so "
        "that it never writes to or deletes from the folder it points to. Pass the real folder, "
        "or another --dir."
    )
    result = invoke("demo", "--dir", str(link))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: The --dir {link} is a symbolic link")
    assert "1/4 copying" not in result.stdout  # refused before the first step
    assert tree(users_folder) == before
    assert link.is_symlink()


def test_a_link_to_nowhere_is_refused_too(tmp_path: Path):
    link = tmp_path / "dangling"
    link.symlink_to(tmp_path / "nowhere", target_is_directory=True)
    with pytest.raises(DemoError, match="is a symbolic link"):
        prepare_folder(link)
    assert not (tmp_path / "nowhere").exists()


def test_a_file_as_dir_is_refused(tmp_path: Path):
    (tmp_path / "file").write_text("mine")
    with pytest.raises(DemoError, match="exists and is not a folder; pass another --dir"):
        prepare_folder(tmp_path / "file")
    assert (tmp_path / "file").read_text() == "mine"


def test_an_empty_or_missing_folder_is_used(tmp_path: Path):
    (tmp_path / "empty").mkdir()
    for folder in (tmp_path / "empty", tmp_path / "missing" / "deeper"):
        assert set(tree(prepare_folder(folder))) >= PRODUCT
