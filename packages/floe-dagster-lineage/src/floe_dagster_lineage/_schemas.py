"""The JSON Schemas shipped as package data: the official OpenLineage ones and floe's own.

``schemas/openlineage``: ``VERSION.json`` beside them records the spec version, the upstream commit
and every file's ``$id``. ``schemas/floe``: floe's custom facets (``<version>/<Facet>.json``).
``SchemaValidator`` registers both so that validation never leaves the machine.
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


def shipped_floe_schemas() -> Traversable:
    """The folder of floe's own facet schemas (``<version>/<Facet>.json``)."""
    return resources.files("floe_dagster_lineage") / "schemas" / "floe"
