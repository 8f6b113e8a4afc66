from __future__ import annotations

import pytest

from userpools.domain.list_filter import parse
from userpools.errors import InvalidParameterException


def test_empty_filter_lists_everyone_by_username() -> None:
    for text in (None, "", "   "):
        query = parse(text)
        assert (query.column, query.condition) == ("username_key", None)


@pytest.mark.parametrize(
    ("text", "column", "condition"),
    [
        ('email = "Jane@Example.com"', "f_email", ("eq", "jane@example.com")),
        ('email^="JA"', "f_email", ("prefix", ("ja", "jb"))),
        ('phone_number = "+1555"', "f_phone_number", ("eq", "+1555")),
        ('name ^= "Zo"', "f_name", ("prefix", ("zo", "zp"))),
        ('given_name = "X"', "f_given_name", ("eq", "x")),
        ('family_name = "Reddy"', "f_family_name", ("eq", "reddy")),
        ('preferred_username = "Neo"', "f_preferred_username", ("eq", "neo")),
        ('username = "Alice"', "username", ("eq", "Alice")),
        ('cognito:user_status = "confirmed"', "status", ("eq", "CONFIRMED")),
        ('cognito:user_status ^= "force"', "status", ("prefix", ("FORCE", "FORCF"))),
        ('sub = "ABC-def"', "sub", ("eq", "abc-def")),
        ('status = "Enabled"', "enabled", ("eq", True)),
        ('status = "Disabled"', "enabled", ("eq", False)),
        ('status = "enabled"', "enabled", ("in", [])),  # case-sensitive
        ('status ^= "Dis"', "enabled", ("eq", False)),
        ('status ^= ""', "enabled", None),
        ('email ^= ""', "f_email", None),
        ('family_name = "O\\"Brien"', "f_family_name", ("eq", 'o"brien')),
    ],
)
def test_filters(text: str, column: str, condition: object) -> None:
    query = parse(text)
    assert (query.column, query.condition) == (column, condition)


@pytest.mark.parametrize(
    "text", ["email = jane", 'email == "x"', 'email = "a" and name = "b"', '= "x"', 'email ~ "x"']
)
def test_syntax_errors(text: str) -> None:
    with pytest.raises(InvalidParameterException, match="Error while parsing filter"):
        parse(text)


@pytest.mark.parametrize("attribute", ["custom:tier", "address", "email_verified"])
def test_unsearchable_attributes(attribute: str) -> None:
    with pytest.raises(InvalidParameterException, match="Invalid search attribute"):
        parse(f'{attribute} = "x"')
