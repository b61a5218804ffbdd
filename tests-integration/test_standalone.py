"""The repository stands alone: nothing it runs reads a path above the repository root."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# spellings of a path that leaves the checkout for a sibling folder (a user's clone has none)
_CLIMBS = ('"..", "shared"', '/ ".." /', "../shared", 'parents[3] / ".."', 'parents[1] / ".."')


def test_no_tracked_file_reads_above_the_repository_root():
    tracked = subprocess.run(
        ["git", "ls-files", "*.py", "*.toml", "*.cfg", "*.ini", ".ci/*"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert tracked, "git ls-files found nothing: run the tests from a git checkout"
    offenders = [
        f"{name}: {climb}"
        for name in tracked
        if name != "tests-integration/test_standalone.py"
        for climb in _CLIMBS
        if climb in (ROOT / name).read_text(encoding="utf-8", errors="replace")
    ]
    assert offenders == []
