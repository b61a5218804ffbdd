"""Errors of floe-dagster-core.

Every problem in the input is reported as a ``pydantic.ValidationError`` (FR-009), so callers
catch one type whatever went wrong::

    pydantic.ValidationError
     ├── invalid field (pydantic's own errors: the field path, the bad value, what is expected)
     ├── floe_duplicate_transform   two transforms share a name
     ├── floe_dependency_cycle      transforms depend on each other in a loop
     ├── floe_invalid_identifier    a name that is not a dbt/SQL identifier (models, upstreams,
     │                              compute targets, default_compute, plugins.compute.type)
     ├── floe_resource_key_collision  two compute targets that give one resource key (a-b, a_b)
     ├── floe_unknown_materialization
     ├── floe_invalid_tag           a tag Dagster cannot carry
     ├── floe_model_not_in_manifest a transform missing from the dbt project
     ├── floe_undefined_compute     a transform's compute target no platform configuration defines
     └── floe_profile_not_found     the compiled profiles lack the profile dbt_project.yml names

Two conditions are not about a field, and have a type of their own::

    ArtifactsNotFoundError (FileNotFoundError)   no compiled_artifacts.json where it was looked for
    DbtProjectError (ValueError)                 the dbt project cannot be read (dbt_project.yml)

Graph errors are raised as ``PydanticCustomError`` inside model validators; pydantic wraps them
into the ``ValidationError``. ``graph_error`` builds one with a uniform message.
"""

from __future__ import annotations

from typing import Any

from pydantic_core import PydanticCustomError


def graph_error(kind: str, message: str, **context: Any) -> PydanticCustomError:
    """A ``PydanticCustomError`` of type ``floe_<kind>`` whose message is ``message`` verbatim."""
    # PydanticCustomError formats "{name}" placeholders from context; braces in user values would
    # be misread, so the message is passed whole as the one placeholder.
    return PydanticCustomError(f"floe_{kind}", "{message}", {"message": message, **context})


def validation_error(
    title: str, kind: str, message: str, loc: tuple[str | int, ...], value: Any
) -> Exception:
    """A ``pydantic.ValidationError`` raised outside a validator, at field path ``loc``."""
    from pydantic import ValidationError

    return ValidationError.from_exception_data(
        title,
        [{"type": graph_error(kind, message), "loc": loc, "input": value}],
    )


class ArtifactsNotFoundError(FileNotFoundError):
    """No ``compiled_artifacts.json`` at the path given; the message says how to make one."""

    def __init__(self, path: Any) -> None:
        self.path = path
        super().__init__(
            f"Compiled artifacts not found at {path}. Compile the product first: floe platform "
            f"compile --spec floe.yaml --manifest manifest.yaml --output {path}."
        )

    def __str__(self) -> str:
        return str(self.args[0])


class DbtProjectError(ValueError):
    """The product's dbt project cannot be used as it is; the message names the file and the fix."""


def dbt_error_of(invocation: Any) -> str:
    """dbt's own error of a finished ``DbtCliInvocation``, to quote in a message (no end period)."""
    error = dbt_error_text(invocation)
    return error.rstrip(".") if error else "dbt gave no error message"


def dbt_error_text(invocation: Any) -> str | None:
    """dbt's own error of a finished ``DbtCliInvocation`` as dbt wrote it, or None."""
    try:
        error = invocation.get_error()
    except Exception:  # noqa: BLE001 - only used to enrich a message
        return None
    return str(error) if error else None
