"""The transform graph: checked before anything is built, in time linear in transforms + edges.

Refused, each with a message that names the culprit and the fix: names (models, upstreams,
compute targets; matched whole, a trailing newline included) that are not dbt/SQL
identifiers, unknown materializations, tags Dagster cannot carry, duplicate names (both
occurrences), and cycles (the cycle itself, ``a -> b -> c -> a``). An upstream name that is no
transform (``raw_customers``) is a source: it becomes a source asset, not an error.
"""

from __future__ import annotations

import keyword
import re
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from floe_dagster_core._errors import graph_error
from floe_dagster_core._transform import TransformModel

# Every pattern is used with ``fullmatch``: with ``match``, ``$`` also matches before a trailing
# newline, so ``"spark\n"`` would pass and reach dbt as a target name.
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
#: A source may be qualified by its dbt source name: ``raw.customers``.
UPSTREAM = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?")
#: Dagster's tag keys: letters, digits, ``_ . -``, at most 63 characters.
TAG = re.compile(r"[A-Za-z0-9_.-]{1,63}")
MAX_NAME_LENGTH = 128
#: Names Dagster refuses for ops and outputs, which a model's asset gets on both asset paths
#: (``dagster._core.definitions.utils.DISALLOWED_NAMES``, the same in Dagster 1.10 to 1.13).
DAGSTER_RESERVED = frozenset(
    {
        "context",
        "conf",
        "config",
        "meta",
        "arg_dict",
        "dict",
        "input_arg_dict",
        "output_arg_dict",
        "int",
        "str",
        "float",
        "bool",
        "input",
        "output",
        "type",
        *keyword.kwlist,
    }
)
MATERIALIZATIONS = frozenset(
    {
        "table",
        "view",
        "incremental",
        "ephemeral",
        "materialized_view",
        "dynamic_table",
        "snapshot",
    }
)


@dataclass(frozen=True)
class TransformGraph:
    """Validated transforms in topological order (every transform after its upstreams).

    Attributes:
        order: The transforms, upstreams first (ties keep the input order).
        by_name: Each transform by name.
        sources: Upstream names that are not transforms, sorted.
    """

    order: tuple[TransformModel, ...]
    by_name: Mapping[str, TransformModel]
    sources: tuple[str, ...]

    def edges(self) -> set[tuple[str, str]]:
        """Every ``(upstream, downstream)`` pair, sources included."""
        return {(up, t.name) for t in self.order for up in t.depends_on}


def build_graph(transforms: Sequence[TransformModel], location: str) -> TransformGraph:
    """Check ``transforms`` and return them as a graph.

    Args:
        transforms: The transforms, in the order the artifacts list them.
        location: The field path of the list, used in messages (``transforms.models``).

    Raises:
        pydantic_core.PydanticCustomError: Inside a validator, pydantic turns it into the
            ``ValidationError`` the caller sees.

    Examples:
        >>> from floe_dagster_core._transform import TransformModel
        >>> g = build_graph([TransformModel(name="b", depends_on=["a"])], "transforms")
        >>> g.sources
        ('a',)
    """
    _check_fields(transforms, location)
    by_name = _check_duplicates(transforms, location)
    order = _topological_order(transforms, by_name)
    sources = sorted({up for t in transforms for up in t.depends_on if up not in by_name})
    return TransformGraph(order=tuple(order), by_name=by_name, sources=tuple(sources))


def _check_fields(transforms: Sequence[TransformModel], location: str) -> None:
    for index, t in enumerate(transforms):
        where = f"{location}[{index}]"
        if not IDENTIFIER.fullmatch(t.name) or len(t.name) > MAX_NAME_LENGTH:
            raise graph_error(
                "invalid_identifier",
                f"`{where}.name`: {t.name!r} is not a valid dbt model name. A name starts with a "
                "letter or underscore, has only letters, digits and underscores, and at most "
                f"{MAX_NAME_LENGTH} characters (e.g. 'stg_customers'). Rename the model in "
                "floe.yaml and in the dbt project.",
                name=t.name,
            )
        if t.name in DAGSTER_RESERVED:
            raise graph_error(
                "invalid_identifier",
                f"`{where}.name`: {t.name!r} is a name Dagster reserves (a Python keyword or one "
                f"of {', '.join(sorted(DAGSTER_RESERVED - set(keyword.kwlist)))}), so the model's "
                "asset cannot be built. Rename the model in floe.yaml and in the dbt project "
                f"(e.g. '{t.name}_model').",
                name=t.name,
            )
        for up in t.depends_on:
            if not UPSTREAM.fullmatch(up):
                raise graph_error(
                    "invalid_identifier",
                    f"`{where}.depends_on`: transform {t.name!r} depends on {up!r}, which is not a "
                    "valid dbt model or source name (letters, digits and underscores, optionally "
                    "'source.table'). Fix the dependency in floe.yaml.",
                    name=t.name,
                )
        if t.materialization not in MATERIALIZATIONS:
            raise graph_error(
                "unknown_materialization",
                f"`{where}.materialization`: transform {t.name!r} has materialization "
                f"{t.materialization!r}, which is not a dbt materialization. Use one of: "
                f"{', '.join(sorted(MATERIALIZATIONS))}.",
                name=t.name,
            )
        for tag in t.tags:
            if not TAG.fullmatch(tag):
                raise graph_error(
                    "invalid_tag",
                    f"`{where}.tags`: transform {t.name!r} has tag {tag!r}, which Dagster cannot "
                    "carry. A tag has 1 to 63 letters, digits, '_', '.' or '-'. Rename the tag in "
                    "floe.yaml.",
                    name=t.name,
                )
        if t.compute is not None:
            subject = f"transform {t.name!r} has compute target"
            check_compute(t.compute, f"{where}.compute", subject, "floe.yaml")


def check_compute(compute: str, where: str, subject: str, fix_in: str) -> None:
    """Refuse a compute target name that is no dbt target name (it also makes resource keys).

    Args:
        compute: The compute target name.
        where: Its field path, e.g. ``transforms.default_compute``.
        subject: What the message says before the value, e.g. ``transform 'a' has compute target``.
        fix_in: The file to fix it in (``floe.yaml``, ``manifest.yaml``).

    Raises:
        pydantic_core.PydanticCustomError: ``floe_invalid_identifier``, naming field and value.

    Examples:
        >>> check_compute("duckdb", "transforms.default_compute", "default compute", "x")
    """
    if not IDENTIFIER.fullmatch(compute):
        raise graph_error(
            "invalid_identifier",
            f"`{where}`: {subject} {compute!r}, which is not a valid dbt target name. A compute "
            "target name starts with a letter or underscore and has only letters, digits and "
            f"underscores (e.g. 'duckdb'); it becomes the dbt target, the dbt selector "
            f"'tag:floe_compute__<name>' and the Dagster resource key 'dbt_<name>'. Fix it in "
            f"{fix_in}.",
            compute=compute,
        )


def _check_duplicates(
    transforms: Sequence[TransformModel], location: str
) -> dict[str, TransformModel]:
    by_name: dict[str, TransformModel] = {}
    first_index: dict[str, int] = {}
    for index, t in enumerate(transforms):
        if t.name in by_name:
            raise graph_error(
                "duplicate_transform",
                f"Duplicate transform name {t.name!r}: {location}[{first_index[t.name]}] and "
                f"{location}[{index}] are both named {t.name!r}. Transform names must be unique; "
                "rename or remove one of them in floe.yaml.",
                name=t.name,
            )
        by_name[t.name] = t
        first_index[t.name] = index
    return by_name


def _topological_order(
    transforms: Sequence[TransformModel], by_name: Mapping[str, TransformModel]
) -> list[TransformModel]:
    """Kahn's algorithm; what is left over holds at least one cycle, which is reported."""
    waiting: dict[str, int] = {}
    downstream: dict[str, list[str]] = {t.name: [] for t in transforms}
    for t in transforms:
        ups = {up for up in t.depends_on if up in by_name}
        waiting[t.name] = len(ups)
        for up in ups:
            downstream[up].append(t.name)
    ready = deque(t.name for t in transforms if waiting[t.name] == 0)
    order: list[TransformModel] = []
    while ready:
        name = ready.popleft()
        order.append(by_name[name])
        for down in downstream[name]:
            waiting[down] -= 1
            if waiting[down] == 0:
                ready.append(down)
    if len(order) < len(transforms):
        left = {name for name, count in waiting.items() if count > 0}
        cycle = _find_cycle(next(t.name for t in transforms if t.name in left), left, by_name)
        path = " -> ".join(cycle)
        raise graph_error(
            "dependency_cycle",
            f"Transform {cycle[0]!r} depends on {cycle[1]!r}, which forms a cycle: {path}. "
            "Remove one of these dependencies in floe.yaml.",
            cycle=cycle,
        )
    return order


def _find_cycle(start: str, left: set[str], by_name: Mapping[str, TransformModel]) -> list[str]:
    """Follow upstreams inside the left-over set until a name repeats: that loop is a cycle."""
    seen: dict[str, int] = {}
    path: list[str] = []
    name = start
    while name not in seen:
        seen[name] = len(path)
        path.append(name)
        # Every left-over transform waits on at least one left-over upstream.
        name = next(up for up in by_name[name].depends_on if up in left)
    return [*path[seen[name] :], name]
