"""Kubernetes resource quantities ("500m", "2", "1Gi"): validation and comparison.

The patterns are written for both Python's ``re`` and Go's RE2, because they also go into
``values.schema.json`` where Helm checks them. Only the forms a person writes for CPU and memory
are accepted: a decimal number, for CPU optionally in millicores (``m``), for memory optionally
with a binary (``Ki`` … ``Ei``) or decimal (``k`` … ``E``) suffix.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, Field

CPU_PATTERN = r"^([0-9]+(\.[0-9]+)?|\.[0-9]+)m?$"
MEMORY_PATTERN = r"^([0-9]+(\.[0-9]+)?|\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$"

_MEMORY_FACTORS = {
    "": 1,
    "k": 10**3,
    "M": 10**6,
    "G": 10**9,
    "T": 10**12,
    "P": 10**15,
    "E": 10**18,
    "Ki": 2**10,
    "Mi": 2**20,
    "Gi": 2**30,
    "Ti": 2**40,
    "Pi": 2**50,
    "Ei": 2**60,
}
_MEMORY_SPLIT = re.compile(r"^([0-9.]+)([A-Za-z]*)$")


def cpu_millicores(quantity: str) -> Decimal:
    """The CPU quantity in millicores: ``"500m"`` -> 500, ``"2"`` -> 2000.

    Examples:
        >>> cpu_millicores("500m"), cpu_millicores("1.5")
        (Decimal('500'), Decimal('1500.0'))
    """
    if not re.fullmatch(CPU_PATTERN, quantity):
        raise ValueError(
            f"{quantity!r} is not a Kubernetes CPU quantity; write cores or millicores, "
            'e.g. "500m", "2" or "0.5".'
        )
    if quantity.endswith("m"):
        return Decimal(quantity[:-1])
    return Decimal(quantity) * 1000


def memory_bytes(quantity: str) -> Decimal:
    """The memory quantity in bytes: ``"1Gi"`` -> 1073741824.

    Examples:
        >>> memory_bytes("1Gi"), memory_bytes("512M")
        (Decimal('1073741824'), Decimal('512000000'))
    """
    match = _MEMORY_SPLIT.fullmatch(quantity)
    if not re.fullmatch(MEMORY_PATTERN, quantity) or match is None:
        raise ValueError(
            f"{quantity!r} is not a Kubernetes memory quantity; write bytes with a suffix, "
            'e.g. "512Mi", "1Gi" or "4G".'
        )
    number, suffix = match.groups()
    return Decimal(number) * _MEMORY_FACTORS[suffix]


def _check_cpu(value: str) -> str:
    """Refuse anything but a positive CPU quantity."""
    if cpu_millicores(value) <= 0:
        raise ValueError(f'CPU quantity {value!r} must be above zero, e.g. "100m".')
    return value


def _check_memory(value: str) -> str:
    """Refuse anything but a positive memory quantity."""
    if memory_bytes(value) <= 0:
        raise ValueError(f'Memory quantity {value!r} must be above zero, e.g. "256Mi".')
    return value


CpuQuantity = Annotated[
    str,
    Field(
        # the pattern is for Helm (values.schema.json); Python checks with _check_cpu, whose
        # message says what to write instead of quoting a regular expression
        json_schema_extra={"pattern": CPU_PATTERN},
        description='Kubernetes CPU quantity: cores or millicores, e.g. "500m", "2".',
        examples=["500m", "2"],
    ),
    AfterValidator(_check_cpu),
]
MemoryQuantity = Annotated[
    str,
    Field(
        json_schema_extra={"pattern": MEMORY_PATTERN},
        description='Kubernetes memory quantity, e.g. "512Mi", "1Gi".',
        examples=["512Mi", "1Gi"],
    ),
    AfterValidator(_check_memory),
]
