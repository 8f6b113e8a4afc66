"""The CSV file of a user import job: parsing, the header check and each row's rules.

Implements "Creating the user import CSV file" (cognito-user-pools-using-import-tool-csv-header) of the
Amazon Cognito developer guide: the header row holds exactly the columns GetCSVHeader lists (any order);
values are not quoted and a comma inside a value is escaped with a backslash; the file is UTF-8 without
a byte-order mark; ``cognito:username`` and ``cognito:mfa_enabled`` are required; at least one of the
pool's auto-verified attributes must be verified (each one, when the pool has only one); email / phone
number must be present when marked verified; the pool's required attributes must be present; birthdate
is written ``mm/dd/yyyy``. Rows are validated here without I/O; uniqueness is checked by the job runner.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from userpools.domain.attributes import check_writes, schema_error
from userpools.domain.schema import by_name, required_attributes
from userpools.errors import InvalidParameterException

USERNAME = "cognito:username"
MFA_ENABLED = "cognito:mfa_enabled"
MAX_FILE_BYTES = 100 * 1024 * 1024  # the developer guide's limits: 100 MB, 500,000 rows, 16,000 chars a row
MAX_ROWS = 500_000
MAX_ROW_CHARS = 16_000
_US_DATE = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")
_WHITESPACE = re.compile(r"\s")
SMS_MFA_OPTION = {"DeliveryMedium": "SMS", "AttributeName": "phone_number"}


class CsvFileError(Exception):
    """The file as a whole can't be imported (the job fails, as Cognito's does on an unparsable file)."""


class RowError(Exception):
    """One row can't be imported; the message is the log line's reason."""


@dataclass(frozen=True)
class CsvFile:
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (line number in the file, values), header excluded


@dataclass(frozen=True)
class ImportRules:
    """What a row is checked against, taken from the pool when the job starts."""

    schema: tuple[dict[str, Any], ...]
    auto_verified: tuple[str, ...]
    mfa: str  # the pool's MfaConfiguration: OFF | ON | OPTIONAL
    # Derived from ``schema`` once per job rather than once per row (see ``of``).
    known: dict[str, dict[str, Any]] = field(default_factory=dict)
    required: tuple[str, ...] = ()

    @classmethod
    def of(cls, schema: Sequence[dict[str, Any]], auto_verified: Sequence[str], mfa: str) -> ImportRules:
        return cls(
            tuple(schema), tuple(auto_verified), mfa, by_name(schema), tuple(required_attributes(schema))
        )


def parse(data: bytes) -> CsvFile:
    """Splits the file into its header and rows; raises CsvFileError when it can't be read at all."""
    if data.startswith(b"\xef\xbb\xbf"):
        raise CsvFileError("The CSV file starts with a byte-order mark; save it as UTF-8 without one.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CsvFileError(f"The CSV file is not UTF-8 (byte {exc.start}).") from None
    reader = csv.reader(io.StringIO(text, newline=""), quoting=csv.QUOTE_NONE, escapechar="\\", strict=True)
    try:
        header = [name.strip() for name in next(reader, [])]
        rows = [(reader.line_num, values) for values in reader if any(v.strip() for v in values)]
    except csv.Error as exc:
        raise CsvFileError(f"The CSV file can't be parsed: {exc}.") from None
    if not header or header == [""]:
        raise CsvFileError("The CSV file is empty: its first line must be the header.")
    if len(rows) > MAX_ROWS:
        raise CsvFileError(f"The CSV file has more than {MAX_ROWS} users.")
    return CsvFile(header, rows)


def header_problem(header: Sequence[str], expected: Iterable[str]) -> str | None:
    """Why ``header`` isn't the pool's (GetCSVHeader's columns, any order), or None."""
    wanted = set(expected)
    seen = set(header)
    if len(seen) != len(header):
        return "The CSV header repeats a column."
    unknown = sorted(seen - wanted)
    if unknown:
        return f"The CSV header has columns that are not in the user pool: {', '.join(unknown)}."
    missing = sorted(wanted - seen)
    if missing:
        return f"The CSV header lacks columns of the user pool: {', '.join(missing)}."
    return None


def row_user(
    rules: ImportRules, header: Sequence[str], values: Sequence[str]
) -> tuple[str, dict[str, str], bool]:
    """The username, attributes and SMS-MFA flag of one row; raises RowError with the reason."""
    if len(values) != len(header):
        raise RowError(f"The row has {len(values)} values; the header has {len(header)} columns.")
    if sum(map(len, values)) > MAX_ROW_CHARS:
        raise RowError(f"The row is longer than {MAX_ROW_CHARS} characters.")
    given = {name: value.strip() for name, value in zip(header, values, strict=True)}
    username = given.pop(USERNAME, "")
    if not username:
        raise RowError("The cognito:username value is missing.")
    if _WHITESPACE.search(username) or len(username) > 128:
        raise RowError("The cognito:username value must be 1 to 128 characters without spaces or tabs.")
    mfa = _mfa(rules, given.pop(MFA_ENABLED, ""))
    attributes = {name: value for name, value in given.items() if value}
    if attributes.get("birthdate"):
        attributes["birthdate"] = _birthdate(attributes["birthdate"])
    try:
        attributes = check_writes(rules.schema, attributes, creating=True, known=rules.known)
        for name in rules.required:
            if not attributes.get(name):
                raise schema_error(name, "The attribute is required")
    except InvalidParameterException as exc:
        raise RowError(exc.message) from None
    _check_verified(rules, attributes)
    if mfa and not attributes.get("phone_number"):
        raise RowError("cognito:mfa_enabled is true but the user has no phone_number for SMS MFA.")
    return username, attributes, mfa


def _mfa(rules: ImportRules, value: str) -> bool:
    if value.lower() not in ("", "true", "false"):
        raise RowError("The cognito:mfa_enabled value must be true or false.")
    enabled = value.lower() == "true"
    if rules.mfa == "OFF" and enabled:
        raise RowError("cognito:mfa_enabled is true but MFA is off in the user pool.")
    if rules.mfa == "ON" and not enabled:
        raise RowError("cognito:mfa_enabled must be true: MFA is required in the user pool.")
    return enabled


def _birthdate(value: str) -> str:
    match = _US_DATE.match(value)
    if match is None:
        raise RowError("The birthdate value must be written mm/dd/yyyy.")
    month, day, year = match.groups()
    return f"{year}-{month}-{day}"


def _check_verified(rules: ImportRules, attributes: dict[str, str]) -> None:
    verified = [a for a in ("email", "phone_number") if attributes.get(f"{a}_verified") == "true"]
    for attribute in verified:
        if not attributes.get(attribute):
            raise RowError(f"{attribute}_verified is true but the {attribute} value is missing.")
    auto = [a for a in rules.auto_verified if a in ("email", "phone_number")]
    if len(auto) == 1 and auto[0] not in verified:
        raise RowError(
            f"The User Record does not set the auto verified attribute {auto[0]}_verified to true."
        )
    if not any(a in verified for a in auto):
        raise RowError(
            "The User Record does not set any of the auto verified attributes to true. "
            "(Example: email_verified to true)."
        )
