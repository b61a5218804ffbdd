"""The demo's work folder: what ``floe-dagster demo`` created there, and removing only that.

The marker ``.floe-dagster-demo`` is a regular file holding a manifest (JSON) of every file the
demo created in the folder, with its SHA-256, and of every folder it made. Before a new run, the
previous run's files are removed, then its folders once empty, and nothing else:

- a ``--dir`` that is a symbolic link is refused: the demo never works in, or deletes from, the
  folder a link points to;
- a folder that holds anything the manifest does not list (a user's file, a file the user
  changed since, a symbolic link, a marker that is no regular file or holds no manifest) is
  refused before anything is removed, so the demo never deletes, overwrites or appends to it.

Everything is walked without following symbolic links, and only regular files the walk found and
the manifest lists are deleted, so no path in the manifest can reach outside the folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from floe_orchestrator_dagster._errors import DemoError

MARKER = ".floe-dagster-demo"
#: The manifest format, written in the marker; a marker without it is not removed from.
FORMAT = "floe-dagster-demo/1"
_SHOWN = 5


@dataclass
class Tree:
    """What a folder holds, walked without following symbolic links (paths relative, POSIX)."""

    files: dict[str, str] = field(default_factory=dict)  # regular file -> its SHA-256
    folders: set[str] = field(default_factory=set)
    others: set[str] = field(default_factory=set)  # symbolic links, sockets, devices...


def work_folder(folder: Path) -> Path:
    """``folder`` made absolute (a link at its end is not followed: it is refused).

    Raises:
        DemoError: ``folder`` is a symbolic link, or exists and is not a folder.

    Examples:
        >>> work_folder(Path("/srv/products/../demo")).as_posix()
        '/srv/demo'
    """
    path = Path(os.path.abspath(folder))
    if path.is_symlink():
        raise DemoError(
            f"The --dir {folder} is a symbolic link (to {os.readlink(path)}); the demo never "
            "follows one, so that it never writes to or deletes from the folder it points to. "
            "Pass the real folder, or another --dir."
        )
    if path.exists() and not path.is_dir():
        raise DemoError(f"The --dir {folder} exists and is not a folder; pass another --dir.")
    return path.resolve()  # the folder itself is no link: this resolves only its parents


def clear_previous_demo(folder: Path) -> None:
    """Remove what a previous demo created in ``folder``, or refuse when anything else is there.

    Raises:
        DemoError: ``folder`` holds something the previous demo did not create (named in the
            message), or is no demo folder; nothing was removed then.
    """
    if not folder.exists():
        return
    tree = scan(folder)
    if not (tree.files or tree.folders or tree.others):
        return
    if MARKER not in tree.files:
        if MARKER in tree.folders or MARKER in tree.others:
            raise DemoError(
                f"The marker {folder / MARKER} is not a regular file, so the demo did not write "
                "it; nothing was removed. Pass another --dir, or remove the folder yourself."
            )
        raise DemoError(
            f"The folder {folder} exists and is not a floe-dagster demo folder; pass another "
            "--dir or remove it."
        )
    files, folders = read_manifest(folder / MARKER)
    foreign = sorted(
        {name for name, digest in tree.files.items() if files.get(name) != digest} - {MARKER}
        | (tree.folders - folders)
        | tree.others
    )
    if foreign:
        shown = ", ".join(foreign[:_SHOWN]) + (", ..." if len(foreign) > _SHOWN else "")
        raise DemoError(
            f"The folder {folder} holds {len(foreign)} file(s) or folder(s) the demo did not "
            f"create, or that changed since it did ({shown}); nothing was removed. Move them out "
            "of the folder, or pass another --dir."
        )
    for name in sorted(set(tree.files) & set(files)):
        (folder / name).unlink()
    for name in sorted(tree.folders & folders, key=lambda n: n.count("/"), reverse=True):
        try:
            (folder / name).rmdir()
        except OSError:  # not empty: something appeared meanwhile; it stays, and so does this
            continue
    (folder / MARKER).unlink()


def write_manifest(folder: Path) -> None:
    """List in the marker everything ``folder`` holds now: all of it the demo created.

    ``clear_previous_demo`` left the folder empty, so everything in it came from this run.
    """
    tree = scan(folder)
    manifest = {
        "format": FORMAT,
        "note": "floe-dagster demo created these; the next demo run in this folder removes them",
        "files": {name: digest for name, digest in sorted(tree.files.items()) if name != MARKER},
        "folders": sorted(tree.folders),
    }
    marker = folder / MARKER
    marker.unlink(missing_ok=True)  # a fresh regular file, never through a link put there
    with marker.open("x", encoding="utf-8") as out:
        json.dump(manifest, out, indent=1)
        out.write("\n")


def read_manifest(marker: Path) -> tuple[dict[str, str], set[str]]:
    """The files (with their SHA-256) and folders a marker lists.

    Raises:
        DemoError: The marker holds no manifest of this format (an older demo's marker, or one
            written by hand), or lists a path outside the folder.
    """
    try:
        document: Any = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        document = None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise DemoError(
            f"The marker {marker} holds no list of the files the demo created (an older "
            "floe-dagster wrote it, or it was edited), so the demo cannot tell its files from "
            "yours; nothing was removed. Remove the folder yourself, or pass another --dir."
        )
    files = document.get("files")
    folders = document.get("folders")
    if not (
        isinstance(files, dict)
        and all(isinstance(d, str) for d in files.values())
        and isinstance(folders, list)
        and all(_inside(name) for name in [*files, *folders])
    ):
        raise DemoError(
            f"The marker {marker} lists a path that is not a file inside the folder; nothing was "
            "removed. Remove the folder yourself, or pass another --dir."
        )
    return dict(files), set(folders)


def scan(folder: Path) -> Tree:
    """Everything under ``folder``, never following a symbolic link."""
    tree = Tree()
    pending = [(folder, "")]
    while pending:
        current, prefix = pending.pop()
        with os.scandir(current) as entries:
            for entry in entries:
                name = f"{prefix}{entry.name}"
                mode = entry.stat(follow_symlinks=False).st_mode
                if stat.S_ISDIR(mode):
                    tree.folders.add(name)
                    pending.append((Path(entry.path), f"{name}/"))
                elif stat.S_ISREG(mode):
                    tree.files[name] = _sha256(Path(entry.path))
                else:
                    tree.others.add(name)
    return tree


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as data:
        for block in iter(lambda: data.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _inside(name: object) -> bool:
    """A relative POSIX path with no ``..``: one that ``scan`` could have written."""
    if not isinstance(name, str) or not name or "\\" in name:
        return False
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and path.as_posix() == name
