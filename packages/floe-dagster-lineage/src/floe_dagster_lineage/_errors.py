"""Errors of floe-dagster-lineage.

Hierarchy::

    LineageError (ValueError)     anything this package refuses: what, where and the fix
    ├── FacetError                a facet that cannot be sent conformant (missing field, no schema)
    ├── TransportConfigError      a transport configuration that cannot work (unknown type, no url)
    ├── DeliveryError             a transport could not deliver one event; the emitter catches it,
    │                             logs one warning and spools it: it never reaches a run
    └── SpoolError                the spool cannot be used (locked too long, not writable); the
                                  emitter catches it, logs and counts the event as dropped

Callers get ``FacetError`` and ``TransportConfigError`` when they build an emitter or an event
from bad input (a programming or configuration mistake, raised before anything is sent).
``DeliveryError`` and ``SpoolError`` stay inside the emitter; ``replay_spool`` raises
``SpoolError`` (the CLI prints it).
"""

from __future__ import annotations


class LineageError(ValueError):
    """Base class of the errors raised by floe-dagster-lineage."""


class FacetError(LineageError):
    """A facet cannot be sent as a conformant OpenLineage facet."""


class TransportConfigError(LineageError):
    """A transport configuration is invalid."""


class DeliveryError(LineageError):
    """A transport failed to deliver one event (never raised out of the emitter)."""


class SpoolError(LineageError):
    """The spool file cannot be locked, read or written (never raised out of the emitter)."""
