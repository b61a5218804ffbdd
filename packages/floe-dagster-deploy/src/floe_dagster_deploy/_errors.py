"""Errors raised by floe-dagster-deploy.

Hierarchy::

    DeployError                         base of everything this package raises on purpose
    └── UnknownWorkloadSizeError        a workload size that is not small, medium or large
        (ValueError)

Invalid Helm values are refused by pydantic's ``ValidationError`` (a ``ValueError``): each error
carries the field path (``dagster-webserver.resources.requests.cpu``) and says what to write.
"""

from __future__ import annotations

from collections.abc import Sequence


class DeployError(Exception):
    """Base class of the errors this package raises on purpose."""


class UnknownWorkloadSizeError(DeployError, ValueError):
    """The workload size is not one of the presets; the message lists the valid ones."""

    def __init__(self, size: object, valid: Sequence[str]) -> None:
        self.size = size
        self.valid = tuple(valid)
        super().__init__(
            f"Unknown workload size {size!r}. Valid options: {', '.join(self.valid)}. "
            "Set deploy.workload_size (or --size) to one of them."
        )
