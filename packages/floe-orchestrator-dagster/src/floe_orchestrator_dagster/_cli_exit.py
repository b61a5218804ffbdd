"""Exit codes of the ``floe-dagster`` command line, and the one way its commands fail.

Every command module imports these from here (none imports ``_cli``, which imports them all):

- 0: success;
- ``EXIT_FAILED`` (1): a check that ran and failed, e.g. an unreachable webserver;
- ``EXIT_BAD_INPUT`` (2): bad input, e.g. a missing or invalid manifest, an unknown orchestrator,
  a malformed URL.

An error is one line on stderr, ``error: <message>``, never a traceback.
"""

from __future__ import annotations

import sys
from typing import NoReturn

import click

EXIT_FAILED = 1
EXIT_BAD_INPUT = 2


def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    """Print ``error: message`` on stderr and exit with ``code``.

    Examples:
        >>> fail("manifest.yaml not found. Pass an existing file.")  # doctest: +SKIP
    """
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def first_problem(exc: Exception) -> tuple[str, str]:
    """The first problem of a pydantic ValidationError: the field path, and what is wrong.

    The path is empty for another error; the text has no period at its end.
    """
    from pydantic import ValidationError

    if isinstance(exc, ValidationError):
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        return where, str(error["msg"]).removeprefix("Value error, ").rstrip(".")
    return "", str(exc).splitlines()[0].rstrip(".")
