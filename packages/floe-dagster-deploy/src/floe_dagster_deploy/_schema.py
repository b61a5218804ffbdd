"""``values.schema.json`` generated from :class:`HelmValues`.

Helm checks values against this schema on ``install``, ``upgrade``, ``template`` and ``lint``. It
carries what JSON Schema can say (types, enums, ranges, quantity patterns, unknown keys refused,
an external database needs a host); what it cannot (a request above its limit) the pydantic model
checks before the values are written.
"""

from __future__ import annotations

import json
from typing import Any

from floe_dagster_deploy._values import HelmValues

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def values_schema() -> dict[str, Any]:
    """The JSON Schema of the floe-dagster chart's values.

    Examples:
        >>> schema = values_schema()
        >>> schema["additionalProperties"], "dagster-webserver" in schema["properties"]
        (False, True)
    """
    schema = HelmValues.model_json_schema(by_alias=True, mode="validation")
    return {"$schema": SCHEMA_DIALECT, **schema}


def values_schema_json() -> str:
    """The schema as the text of ``charts/floe-dagster/values.schema.json``.

    Examples:
        >>> values_schema_json().startswith('{\\n  "$schema"')
        True
    """
    return json.dumps(values_schema(), indent=2, sort_keys=False) + "\n"
