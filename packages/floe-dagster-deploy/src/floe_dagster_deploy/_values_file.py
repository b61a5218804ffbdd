"""The chart's ``values.yaml``: the model's defaults, each section under a comment.

Generated, like the schema, so the chart's defaults cannot drift from :class:`HelmValues`.
"""

from __future__ import annotations

import inspect

import yaml
from pydantic import BaseModel

from floe_dagster_deploy._values import HelmValues

HEADER = """\
# Default values of the floe-dagster chart (the "medium" workload size).
# Generated from floe_dagster_deploy.HelmValues: do not edit by hand, run
#   python -m floe_dagster_deploy.schema --values > charts/floe-dagster/values.yaml
# Values for another size: floe-dagster helm-values --size small|medium|large
"""


def _comment(field_name: str) -> str:
    field = HelmValues.model_fields[field_name]
    text = field.description or ""
    annotation = field.annotation
    if not text and isinstance(annotation, type) and issubclass(annotation, BaseModel):
        text = inspect.getdoc(annotation) or ""
    first = " ".join(text.split("\n\n")[0].split())
    return f"# {first}\n" if first else ""


def values_yaml() -> str:
    """The text of ``charts/floe-dagster/values.yaml``.

    Examples:
        >>> import yaml
        >>> yaml.safe_load(values_yaml()) == HelmValues().to_values()
        True
    """
    values = HelmValues().to_values()
    aliases = {(info.alias or name): name for name, info in HelmValues.model_fields.items()}
    parts = [HEADER]
    for key, value in values.items():
        block = yaml.safe_dump({key: value}, sort_keys=False)
        parts.append("\n" + _comment(aliases[key]) + block)
    return "".join(parts)
