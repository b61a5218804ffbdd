"""Kubernetes name rules as annotated string types, so the values model and the generated
``values.schema.json`` both refuse a name Kubernetes would refuse (and the templates stay safe).

The patterns are those of ``k8s.io/apimachinery/pkg/util/validation``: a DNS-1123 label
(namespaces, volume names), a DNS-1123 subdomain (Secrets, ConfigMaps, ServiceAccounts), a
Secret or ConfigMap key, an environment variable name, and label keys and values. They are
anchored with ``^...$`` and checked by pydantic's Rust regex engine, where ``$`` is the end of the
text: a trailing newline never passes.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, StringConstraints
from pydantic.config import JsonDict

DNS_LABEL = r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"
DNS_SUBDOMAIN = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
SECRET_KEY = r"^[-._a-zA-Z0-9]+$"
ENV_VAR_NAME = r"^[-._a-zA-Z][-._a-zA-Z0-9]*$"
_LABEL_NAME = r"[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?"
LABEL_KEY = rf"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?{_LABEL_NAME}$"
LABEL_VALUE = rf"^({_LABEL_NAME})?$"
# absolute, no ':' (Kubernetes refuses it in mountPath), no '..' segment
MOUNT_PATH = r"^(/[^:/]+)+/?$"
RELATIVE_PATH = r"^[^:/]+(/[^:/]+)*$"


def _not_dot_key(key: str) -> str:
    # the pattern admits '.', '..' and '..x', which Kubernetes refuses as Secret keys
    if key in (".", "..") or key.startswith(".."):
        raise ValueError(
            f"{key!r} is not a valid Secret or ConfigMap key: it may not be '.', '..' or start "
            "with '..'."
        )
    return key


def _no_dot_dot(path: str) -> str:
    if ".." in path.strip("/").split("/"):
        raise ValueError(f"{path!r} has a '..' segment; give the path without it.")
    return path


DnsLabel = Annotated[str, StringConstraints(pattern=DNS_LABEL, max_length=63)]
"""A DNS-1123 label: a namespace or a volume name."""

DnsSubdomain = Annotated[str, StringConstraints(pattern=DNS_SUBDOMAIN, max_length=253)]
"""A DNS-1123 subdomain: the name of a Secret, ConfigMap or ServiceAccount."""

OptionalDnsLabel = Annotated[str, StringConstraints(pattern=rf"^$|{DNS_LABEL}", max_length=63)]
OptionalDnsSubdomain = Annotated[
    str, StringConstraints(pattern=rf"^$|{DNS_SUBDOMAIN}", max_length=253)
]

SecretKey = Annotated[
    str, StringConstraints(pattern=SECRET_KEY, max_length=253), AfterValidator(_not_dot_key)
]
"""A key inside a Secret or ConfigMap."""

EnvVarName = Annotated[str, StringConstraints(pattern=ENV_VAR_NAME, max_length=253)]
LabelKey = Annotated[str, StringConstraints(pattern=LABEL_KEY, max_length=317)]
LabelValue = Annotated[str, StringConstraints(pattern=LABEL_VALUE, max_length=63)]
MountPath = Annotated[
    str, StringConstraints(pattern=MOUNT_PATH, max_length=4096), AfterValidator(_no_dot_dot)
]
RelativePath = Annotated[
    str, StringConstraints(pattern=RELATIVE_PATH, max_length=4096), AfterValidator(_no_dot_dot)
]

STRICT_MAP: JsonDict = {"additionalProperties": False}
"""Schema extra for a mapping with constrained keys: pydantic writes the key pattern as
``patternProperties``, which alone would let any other key through."""
