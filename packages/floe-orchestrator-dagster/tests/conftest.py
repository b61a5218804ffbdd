from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture
def manifest_path() -> Path:
    """A real floe manifest.yaml (it validates against floe-core's PlatformManifest)."""
    return DATA / "manifest.yaml"


@pytest.fixture
def write_manifest(tmp_path: Path, manifest_path: Path):
    """Write a copy of the real manifest with the orchestrator block replaced."""

    def write(orchestrator_block: str) -> Path:
        text = manifest_path.read_text().replace(
            "  orchestrator:\n    type: dagster\n", orchestrator_block
        )
        path = tmp_path / "manifest.yaml"
        path.write_text(text)
        return path

    return write
