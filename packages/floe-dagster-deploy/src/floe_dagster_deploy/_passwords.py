"""The password-like rule: which keys may not carry a literal value in generated values.

A key is password-like when, lower-cased and with ``-``, ``_`` and ``.`` removed, it contains
one of :data:`PASSWORD_LIKE_WORDS` (``password``, ``passwd``, ``pwd``, ``passphrase``,
``secret``, ``token``, ``apikey``, ``accesskey``, ``privatekey``, ``credential``). So
``password``, ``sslpassword``, ``API_KEY``, ``aws.secret.access.key`` and
``GOOGLE_APPLICATION_CREDENTIALS`` are password-like; ``sslkey``, ``passfile``, ``sslmode``
and ``keepalives`` are not (a bare ``key`` is too common a word to refuse).

Values end up in ConfigMaps and pod specs in plain text, while a Secret is read at run time, so
a password-like database parameter is refused outright, and a password-like environment
variable may only have a literal value that is an absolute file path (a file of a mounted
Secret, e.g. ``/var/secrets/gcp/key.json``). The same rules are written as JSON Schema into
``values.schema.json``, so Helm refuses what the model refuses.
"""

from __future__ import annotations

from collections.abc import Mapping

PASSWORD_LIKE_WORDS: tuple[str, ...] = (
    "password",
    "passwd",
    "pwd",
    "passphrase",
    "secret",
    "token",
    "apikey",
    "accesskey",
    "privatekey",
    "credential",
)

_SEPARATORS = str.maketrans("", "", "-_.")


def is_password_like(key: str) -> bool:
    """Whether ``key`` names a password, token or other secret (see the module docstring).

    Examples:
        >>> is_password_like("sslpassword"), is_password_like("API_KEY")
        (True, True)
        >>> is_password_like("sslmode"), is_password_like("sslkey")
        (False, False)
    """
    folded = key.lower().translate(_SEPARATORS)
    return any(word in folded for word in PASSWORD_LIKE_WORDS)


def is_file_path(value: str) -> bool:
    """Whether ``value`` is an absolute file path, the one literal a password-like key may have."""
    return value.startswith("/")


def password_like_keys(values: Mapping[str, object]) -> list[str]:
    """The password-like keys of ``values``, in order.

    Examples:
        >>> password_like_keys({"sslmode": "require", "password": "x", "API-Token": "y"})
        ['password', 'API-Token']
    """
    return [key for key in values if is_password_like(key)]


def password_like_pattern() -> str:
    """:func:`is_password_like` as a JSON Schema ``pattern`` (unanchored, case-insensitive).

    Written without inline flags, which ECMA-262 regular expressions do not have: each letter
    is a character class, and separators may sit between any two letters.

    Examples:
        >>> import re
        >>> pattern = password_like_pattern()
        >>> bool(re.search(pattern, "SSL_Pass-Word")), bool(re.search(pattern, "sslmode"))
        (True, False)
    """
    words = []
    for word in PASSWORD_LIKE_WORDS:
        letters = [f"[{c}{c.upper()}]" for c in word]
        words.append("[-_.]*".join(letters))
    return "(" + "|".join(words) + ")"


def mask_password_like(values: object) -> object:
    """``values`` with the value of each password-like key hidden, so an error never shows it.

    Pydantic prints a field's input in its errors; the check that refuses a password-like key
    runs on this masked copy.

    Examples:
        >>> mask_password_like({"password": "hunter2", "sslmode": "require"})
        {'password': '<hidden>', 'sslmode': 'require'}
    """
    if not isinstance(values, Mapping):
        return values
    return {
        key: "<hidden>" if isinstance(key, str) and is_password_like(key) else value
        for key, value in values.items()
    }


def refuse_password_like(
    values: Mapping[str, str], where: str, fix: str = "read it from a Kubernetes Secret"
) -> Mapping[str, str]:
    """Raise ``ValueError`` naming the password-like keys of ``values`` (found at ``where``).

    Examples:
        >>> refuse_password_like({"sslmode": "require"}, "postgresql.params")
        {'sslmode': 'require'}
    """
    found = password_like_keys(values)
    if found:
        keys = ", ".join(f"`{where}.{key}`" for key in found)
        raise ValueError(
            f"{keys} looks like a password, and its value would be stored in plain text in a "
            f"ConfigMap: remove it and {fix}. A key is password-like when it contains one of "
            f"{', '.join(PASSWORD_LIKE_WORDS)} (ignoring case, '-', '_' and '.')."
        )
    return values
