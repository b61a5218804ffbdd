"""``TransformModel``: one dbt model of the product, the unit every other module works on."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator


class TransformModel(BaseModel):
    """One dbt model of the product, as the compiler or floe-core's ``TransformConfig`` gives it.

    Examples:
        >>> TransformModel(name="stg_customers", depends_on=["raw_customers"]).depends_on
        ['raw_customers']
    """

    model_config = ConfigDict(extra="ignore", frozen=True, from_attributes=True)

    name: str = Field(description="The dbt model name, e.g. 'stg_customers'.")
    compute: str | None = Field(
        default=None, description="Compute target override; None means the product default."
    )
    tags: list[str] = Field(default_factory=list)
    depends_on: list[str] = Field(default_factory=list)
    quality_tier: str | None = None
    path: str = ""
    schema_name: str = ""
    materialization: str = "table"
    meta: dict[str, Any] = Field(default_factory=dict)

    @field_validator("tags", "depends_on", "meta", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any, info: Any) -> Any:
        # The compiler writes null for an absent list.
        if value is None:
            return {} if info.field_name == "meta" else []
        return value

    @field_validator("materialization", mode="before")
    @classmethod
    def _default_materialization(cls, value: Any) -> Any:
        return "table" if value in (None, "") else value
