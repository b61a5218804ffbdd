"""The password-like rule, and its JSON Schema twin, which Helm applies."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from floe_dagster_deploy import (
    PASSWORD_LIKE_WORDS,
    is_password_like,
    mask_password_like,
    refuse_password_like,
)
from floe_dagster_deploy._passwords import password_like_keys, password_like_pattern


@pytest.mark.parametrize(
    "key",
    [
        "password",
        "PASSWORD",
        "sslpassword",
        "passwd",
        "db_pwd",
        "ssl-passphrase",
        "client_secret",
        "aws.secret.access.key",
        "AWS_ACCESS_KEY_ID",
        "API_KEY",
        "api-key",
        "Api.Key",
        "TOKEN",
        "auth_token",
        "private_key",
        "GOOGLE_APPLICATION_CREDENTIALS",
        "Pass-Word",
    ],
)
def test_password_like(key):
    assert is_password_like(key)


@pytest.mark.parametrize(
    "key",
    [
        "sslmode",
        "sslkey",
        "sslcert",
        "sslrootcert",
        "passfile",
        "keepalives",
        "application_name",
        "connect_timeout",
        "target_session_attrs",
        "DBT_TARGET",
        "key",
        "monkey",
    ],
)
def test_not_password_like(key):
    assert not is_password_like(key)


def test_the_words_are_documented_in_order():
    assert PASSWORD_LIKE_WORDS[:3] == ("password", "passwd", "pwd")
    assert "apikey" in PASSWORD_LIKE_WORDS
    assert "credential" in PASSWORD_LIKE_WORDS


@given(st.text(alphabet="pPaAsSwWoOrRdDtTkKeEnNyYcCiIlL-_.x", max_size=14))
def test_the_schema_pattern_says_what_the_model_says(key):
    """Helm checks values.schema.json, pydantic the model: both refuse the same keys."""
    assert bool(re.search(password_like_pattern(), key)) == is_password_like(key)


def test_the_schema_pattern_has_no_inline_flags():
    # ECMA-262 (JSON Schema's regex dialect) has no (?i); Go's regexp (Helm) would accept it
    assert "(?" not in password_like_pattern()


def test_password_like_keys_keep_their_order():
    assert password_like_keys({"token": "a", "sslmode": "b", "password": "c"}) == [
        "token",
        "password",
    ]


def test_mask_hides_only_password_like_values():
    assert mask_password_like({"password": "hunter2", "sslmode": "require"}) == {
        "password": "<hidden>",
        "sslmode": "require",
    }
    assert mask_password_like(["not", "a", "mapping"]) == ["not", "a", "mapping"]


def test_refusal_names_every_key_and_the_fix_but_no_value():
    with pytest.raises(ValueError, match="looks like a password") as info:
        refuse_password_like(
            {"sslmode": "require", "password": "hunter2", "API_TOKEN": "t0k3n"},
            "deploy.database.params",
            "put the password in the Secret",
        )
    message = str(info.value)
    assert message.startswith(
        "`deploy.database.params.password`, `deploy.database.params.API_TOKEN` looks like a "
        "password"
    )
    assert "stored in plain text in a ConfigMap" in message
    assert "remove it and put the password in the Secret" in message
    assert "contains one of password, passwd, pwd" in message
    assert "hunter2" not in message
    assert "t0k3n" not in message
