"""Settings of dbt step retries (``retry:`` in the plugin config).

A retry runs only what earlier attempts left undone: the model that failed and the models dbt
skipped after it (floe-dagster-core's ``_retry``). Dagster is imported only when the policy is
built, so loading the plugin stays cheap.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class RetrySettings(BaseModel):
    """How often a failed dbt step is retried, and how long Dagster waits in between.

    Examples:
        >>> RetrySettings(max_retries=2, delay=30).max_retries
        2
        >>> RetrySettings().policy() is None
        True
    """

    # defer_build: the validators are built on first use, not when the plugin is loaded (NFR-001)
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    max_retries: int = Field(
        default=0,
        ge=0,
        le=10,
        description=(
            "Retries of a failed dbt step, each building only the models that failed or were "
            "skipped; 0 (the default) retries nothing."
        ),
    )
    delay: float | None = Field(
        default=None,
        ge=0,
        le=3600,
        allow_inf_nan=False,
        description="Seconds to wait before a retry (the first one, with a backoff).",
    )
    backoff: Literal["linear", "exponential"] | None = Field(
        default=None, description="How the delay grows from one retry to the next."
    )
    jitter: Literal["full", "plus_minus"] | None = Field(
        default=None, description="Random variation of the delay (Dagster's Jitter)."
    )

    @model_validator(mode="after")
    def _delay_for_backoff(self) -> RetrySettings:
        if (self.backoff or self.jitter) and self.delay is None:
            raise ValueError(
                "`retry.backoff` and `retry.jitter` vary retry.delay, which is not set; set "
                "retry.delay (seconds, e.g. 30) or remove them."
            )
        return self

    def policy(self) -> Any:
        """The ``dagster.RetryPolicy``, or None when no retry is configured."""
        if self.max_retries == 0:
            return None
        import dagster as dg

        return dg.RetryPolicy(
            max_retries=self.max_retries,
            delay=self.delay,
            backoff=dg.Backoff.LINEAR
            if self.backoff == "linear"
            else dg.Backoff.EXPONENTIAL
            if self.backoff == "exponential"
            else None,
            jitter=dg.Jitter.FULL
            if self.jitter == "full"
            else dg.Jitter.PLUS_MINUS
            if self.jitter == "plus_minus"
            else None,
        )
