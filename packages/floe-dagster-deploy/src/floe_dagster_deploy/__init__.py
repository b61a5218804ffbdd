"""floe-dagster-deploy."""

from __future__ import annotations

__all__ = ["__version__"]


def __getattr__(name: str) -> str:
    if name == "__version__":
        from importlib.metadata import version

        return version("floe-dagster-deploy")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
