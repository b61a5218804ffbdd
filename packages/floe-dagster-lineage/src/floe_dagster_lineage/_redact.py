"""Keeping secrets out of messages: configurations masked recursively, URLs without user info.

Everything this package prints about a configuration (an error, a warning, a repr) goes through
``redacted`` or ``safe_url`` first. A key that looks like a secret (``password``, ``token``,
``api_key``, ``sasl.password``, ``auth`` and whatever sits under it...) has its value replaced by
``***`` at any depth, in dicts and lists alike; any string that looks like a URL loses its user
info and query, even when it is not a valid URL.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

MASK = "***"
# substrings of a key's name that mark its value as a secret (matched case-insensitively)
SECRET_WORDS = (
    "password",
    "passwd",
    "pwd",
    "secret",
    "token",
    "key",
    "auth",
    "credential",
    "private",
    "sasl",
    "cookie",
    "signature",
)
# scheme://user:password@host... or user:password@host, whether or not urlsplit accepts it
_USERINFO = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*://)?(?P<userinfo>[^/?#\s]*@)")


def is_secret_key(key: object) -> bool:
    """Whether a configuration key's value must never be shown.

    Examples:
        >>> [is_secret_key(k) for k in ("sasl.password", "apiKey", "url", "type")]
        [True, True, False, False]
    """
    name = str(key).lower()
    return any(word in name for word in SECRET_WORDS)


def redacted(value: Any) -> Any:
    """A copy of a configuration value that is safe to print.

    Mappings are copied with every secret-like key's value replaced by ``***`` (at any depth, so
    ``{"config": {"sasl.password": ...}}`` and ``{"auth": {...}}`` are masked too); lists and
    tuples are walked; strings lose the user info and query of any URL they hold.

    Args:
        value: A configuration (mapping, list, scalar).

    Returns:
        The redacted copy (dicts and lists; other values as they are).

    Examples:
        >>> redacted({"type": "kafka", "config": {"sasl.password": "p", "bootstrap": "b:9092"}})
        {'type': 'kafka', 'config': {'sasl.password': '***', 'bootstrap': 'b:9092'}}
        >>> redacted([{"url": "http://u:pw@marquez:5000/api"}])
        [{'url': 'http://marquez:5000/api'}]
    """
    if isinstance(value, Mapping):
        return {key: MASK if is_secret_key(key) else redacted(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [redacted(item) for item in value]
    if isinstance(value, str) and ("@" in value or "://" in value):
        return safe_url(value)
    return value


def safe_url(url: str) -> str:
    """The URL without user info or query (they may hold credentials), valid URL or not.

    Examples:
        >>> safe_url("https://user:pw@marquez:5000/api/v1/lineage?key=k")
        'https://marquez:5000/api/v1/lineage'
        >>> safe_url("http://user:pw@[broken/path")
        'http://[broken/path'
        >>> safe_url("user:pw@marquez:5000")
        'marquez:5000'
    """
    text = str(url)
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:  # an invalid URL is still stripped, never printed raw
        return _strip(text)
    if not parts.netloc:
        return _strip(text)
    netloc = parts.hostname or ""
    if ":" in netloc:  # an IPv6 literal
        netloc = f"[{netloc}]"
    if port:
        netloc += f":{port}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _strip(text: str) -> str:
    """User info and query removed by pattern, for strings ``urlsplit`` cannot take apart."""
    stripped = _USERINFO.sub(lambda match: match.group("scheme") or "", text, count=1)
    return stripped.split("?", 1)[0].split("#", 1)[0]


_INLINE_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*://)[^/?#\s@]+@")


def secret_values(config: Any) -> set[str]:
    """Every string held under a secret-like key of a configuration, at any depth.

    Examples:
        >>> sorted(secret_values({"url": "u", "auth": {"apiKey": "k1"}, "list": [{"token": "k2"}]}))
        ['k1', 'k2']
    """
    found: set[str] = set()
    if isinstance(config, Mapping):
        for key, item in config.items():
            if is_secret_key(key):
                found.update(_strings(item))
            else:
                found.update(secret_values(item))
    elif isinstance(config, (list, tuple)):
        for item in config:
            found.update(secret_values(item))
    return found


def _strings(value: Any) -> set[str]:
    if isinstance(value, Mapping):
        return {text for item in value.values() for text in _strings(item)}
    if isinstance(value, (list, tuple)):
        return {text for item in value for text in _strings(item)}
    return {str(value)} if value not in (None, "") and not isinstance(value, bool) else set()


def scrub(text: str, secrets: set[str] | frozenset[str] = frozenset()) -> str:
    """Free text (a third party's error message) without the given secrets or URL user info.

    Examples:
        >>> scrub("cannot reach http://u:pw@kafka:9092 with key s3cr3t", {"s3cr3t"})
        'cannot reach http://kafka:9092 with key ***'
    """
    for secret in sorted(secrets, key=len, reverse=True):
        if len(secret) >= 3:  # masking "1" or "ab" everywhere would only garble the message
            text = text.replace(secret, MASK)
    return _INLINE_USERINFO.sub(lambda match: match.group("scheme"), text)
