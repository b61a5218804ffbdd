"""docs/requirements.md: every requirement id the code cites is there, and every test it names
exists (issue 18), so the ids in comments point somewhere and the table cannot rot."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "requirements.md"
ID = re.compile(r"\b(?:FR|NFR|SC)-\d{3}\b|\bUS\d(?:\.\d)?\b")
REFERENCE = re.compile(r"`([\w./-]+\.py)::(\w+)`")


def rows() -> dict[str, str]:
    found = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) == 3 and ID.fullmatch(cells[0]):
            found[cells[0]] = cells[2]
    return found


def cited_ids() -> set[str]:
    cited: set[str] = set()
    for folder in ("packages", "tests-integration", "bench"):
        for path in (ROOT / folder).rglob("*.py"):
            if ".venv" not in path.parts:
                cited.update(ID.findall(path.read_text(encoding="utf-8")))
    return cited


def test_every_cited_requirement_id_has_a_row() -> None:
    missing = sorted(cited_ids() - set(rows()))
    assert not missing, f"Ids cited in the code with no row in docs/requirements.md: {missing}."


def test_every_named_test_exists() -> None:
    broken = []
    for requirement, proof in rows().items():
        for file, name in REFERENCE.findall(proof):
            path = ROOT / file
            if not path.is_file() or f"def {name}(" not in path.read_text(encoding="utf-8"):
                broken.append(f"{requirement}: {file}::{name}")
    assert not broken, f"docs/requirements.md names tests that do not exist: {broken}."


def test_every_row_names_its_proof() -> None:
    assert len(rows()) >= 40
    assert all(proof for proof in rows().values())
