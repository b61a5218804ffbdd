"""The official OpenLineage JSON Schemas shipped as package data (``schemas/openlineage``).

``VERSION.json`` beside them records the spec version, the upstream commit and every file's
``$id``; ``SchemaValidator`` registers them so that validation never leaves the machine.
"""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importlib.abc import Traversable

#: The OpenLineage spec version of the shipped schemas (the core schema's ``$id`` carries it).
SPEC_VERSION = "2-0-2"


def shipped_schemas() -> Traversable:
    """The folder of the shipped OpenLineage schemas (``OpenLineage.json``, ``facets/``)."""
    return resources.files("floe_dagster_lineage") / "schemas" / "openlineage"
