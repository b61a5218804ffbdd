"""Where the spool lives by default: one file per destination, in the user's state folder.

See ``default_spool_path``: ``$FLOE_DAGSTER_LINEAGE_SPOOL``, else the XDG state folder, else
``~/.local/state``, else (a pod with a read-only HOME) the temp folder, with a warning.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

logger = logging.getLogger("floe_dagster_lineage")

SPOOL_ENV = "FLOE_DAGSTER_LINEAGE_SPOOL"
_FILE_NAME = "lineage-spool.jsonl"
_OFF = {"off", "none", "false", "0", "disabled"}


def spool_file_name(destination: str | None = None) -> str:
    """The default spool's file name: one spool per destination, so that a replay never sends
    one receiver's events to another.

    Args:
        destination: What the transport delivers to (``spool_destination(transport)``).

    Examples:
        >>> spool_file_name()
        'lineage-spool.jsonl'
        >>> spool_file_name("http http://marquez:5000/api/v1/lineage")
        'lineage-spool-http-be1f833b1b.jsonl'
    """
    if not destination:
        return _FILE_NAME
    kind = re.sub(r"[^A-Za-z0-9_.-]+", "-", destination.split(" ", 1)[0])[:20] or "transport"
    digest = hashlib.sha256(destination.encode("utf-8")).hexdigest()[:10]
    return f"lineage-spool-{kind}-{digest}.jsonl"


def spool_destination(transport: Any) -> str:
    """What a transport delivers to, without secrets: its ``destination``, else its name.

    Examples:
        >>> from floe_dagster_lineage import HttpTransport
        >>> spool_destination(HttpTransport("http://u:pw@marquez:5000/api/v1/lineage"))
        'http http://marquez:5000/api/v1/lineage'
    """
    name = str(getattr(transport, "name", None) or type(transport).__name__)
    destination = getattr(transport, "destination", None)
    return f"{name} {destination}" if destination else name


def default_spool_path(
    environ: Mapping[str, str] | None = None, *, destination: str | None = None
) -> Path | None:
    """Where undelivered events are spooled unless told otherwise; None when spooling is off.

    In order: ``$FLOE_DAGSTER_LINEAGE_SPOOL`` (a file path, used as is for every destination;
    ``off`` switches spooling off); ``$XDG_STATE_HOME/floe-dagster/<file>``;
    ``~/.local/state/floe-dagster/<file>``; and, when neither folder can be created or written
    (a Kubernetes pod whose HOME is read-only or ``/``), ``<tempdir>/floe-dagster-<uid>/<file>``,
    with a warning saying so. ``<file>`` is ``spool_file_name(destination)``:
    ``lineage-spool.jsonl``, or ``lineage-spool-<transport>-<hash>.jsonl`` for a destination.

    Args:
        environ: The environment to read (``os.environ`` by default).
        destination: What the transport delivers to (``spool_destination(transport)``).

    Examples:
        >>> default_spool_path({"FLOE_DAGSTER_LINEAGE_SPOOL": "/data/spool.jsonl"})
        PosixPath('/data/spool.jsonl')
        >>> default_spool_path({"FLOE_DAGSTER_LINEAGE_SPOOL": "off"}) is None
        True
        >>> default_spool_path({"HOME": "/home/me"}, destination="console").name  # doctest: +SKIP
        'lineage-spool-console-d4f4a1ec38.jsonl'
    """
    file_name = spool_file_name(destination)
    env = os.environ if environ is None else environ
    explicit = env.get(SPOOL_ENV, "").strip()
    if explicit:
        return None if explicit.lower() in _OFF else Path(explicit).expanduser()
    candidates: list[Path] = []
    if env.get("XDG_STATE_HOME"):
        candidates.append(Path(env["XDG_STATE_HOME"]) / "floe-dagster")
    home = env.get("HOME")
    if home and home != "/":
        candidates.append(Path(home) / ".local" / "state" / "floe-dagster")
    for folder in candidates:
        if _writable_folder(folder):
            return folder / file_name
    uid = os.getuid() if hasattr(os, "getuid") else "user"
    fallback = Path(tempfile.gettempdir()) / f"floe-dagster-{uid}"
    logger.warning(
        "no writable state folder for the lineage spool (tried %s); spooling to %s instead, "
        "which may not outlive this machine or pod. Set %s to a file on a persistent volume to "
        "keep undelivered events.",
        ", ".join(str(folder) for folder in candidates) or "none: HOME is unset or /",
        fallback / file_name,
        SPOOL_ENV,
    )
    return fallback / file_name


def _writable_folder(folder: Path) -> bool:
    """Whether the folder is, or could be created, writable (nothing is created here)."""
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            return candidate.is_dir() and os.access(candidate, os.W_OK | os.X_OK)
    return False
