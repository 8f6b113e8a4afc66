"""The pool settings user operations obey, read in one place with Cognito's defaults.

The stored pool document is the wire ``UserPoolType``; members may be absent in older documents, so
every read goes through here with the default the API documents (API_CreateUserPool.html).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from userpools.domain.schema import standard_schema

DEFAULT_PASSWORD_POLICY: dict[str, Any] = {
    "MinimumLength": 8,
    "RequireUppercase": True,
    "RequireLowercase": True,
    "RequireNumbers": True,
    "RequireSymbols": True,
    "PasswordHistorySize": 0,
    "TemporaryPasswordValidityDays": 7,
}
# Without AccountRecoverySetting Cognito prefers a verified phone, then a verified email (legacy order).
DEFAULT_RECOVERY = (("verified_phone_number", 1), ("verified_email", 2))


@dataclass(frozen=True)
class PoolRules:
    pool_id: str
    schema: tuple[dict[str, Any], ...]
    password_policy: dict[str, Any]
    case_sensitive: bool
    username_attributes: tuple[str, ...]
    alias_attributes: tuple[str, ...]
    auto_verified: tuple[str, ...]
    invite_template: dict[str, str]
    verification_template: dict[str, str]
    recovery: tuple[tuple[str, int], ...]
    email_sender: tuple[tuple[str, str], ...] = ()  # ("from", ...), ("reply_to", ...) of EmailConfiguration

    @property
    def pool_name(self) -> str:
        """The part of the pool id after ``_`` (SRP's "pool name")."""
        return self.pool_id.split("_", 1)[1]

    @property
    def temporary_password_days(self) -> int:
        days = int(self.password_policy.get("TemporaryPasswordValidityDays") or 0)
        return days or 7

    @property
    def password_history_size(self) -> int:
        return int(self.password_policy.get("PasswordHistorySize") or 0)


def pool_rules(pool: dict[str, Any]) -> PoolRules:
    policy = {**DEFAULT_PASSWORD_POLICY, **(pool.get("Policies") or {}).get("PasswordPolicy", {})}
    admin_create = pool.get("AdminCreateUserConfig") or {}
    recovery = (pool.get("AccountRecoverySetting") or {}).get("RecoveryMechanisms")
    return PoolRules(
        pool_id=str(pool["Id"]),
        schema=tuple(pool.get("SchemaAttributes") or _schema_from_request(pool.get("Schema") or [])),
        password_policy=policy,
        case_sensitive=bool((pool.get("UsernameConfiguration") or {}).get("CaseSensitive", True)),
        username_attributes=tuple(pool.get("UsernameAttributes") or ()),
        alias_attributes=tuple(pool.get("AliasAttributes") or ()),
        auto_verified=tuple(pool.get("AutoVerifiedAttributes") or ()),
        invite_template=dict(admin_create.get("InviteMessageTemplate") or {}),
        verification_template=_verification_template(pool),
        recovery=tuple((m["Name"], int(m["Priority"])) for m in recovery) if recovery else DEFAULT_RECOVERY,
        email_sender=_email_sender(pool.get("EmailConfiguration") or {}),
    )


def _email_sender(config: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """The pool's From and Reply-To (EmailConfiguration), passed to the email sender with each message."""
    pairs = (("from", config.get("From")), ("reply_to", config.get("ReplyToEmailAddress")))
    return tuple((key, str(value)) for key, value in pairs if value)


def _schema_from_request(requested: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """SchemaAttributes from a CreateUserPool ``Schema`` when the document has no SchemaAttributes yet."""
    schema = standard_schema()
    standard = {entry["Name"]: entry for entry in schema}
    for item in requested:
        name = str(item.get("Name", ""))
        if name in standard:
            standard[name].update({k: v for k, v in item.items() if k != "Name"})
        else:
            prefix = "dev:" if item.get("DeveloperOnlyAttribute") else "custom:"
            schema.append({"AttributeDataType": "String", "Mutable": True, "Required": False,
                           **item, "Name": prefix + name.removeprefix("custom:")})  # fmt: skip
    return schema


def _verification_template(pool: dict[str, Any]) -> dict[str, str]:
    """VerificationMessageTemplate, falling back to the legacy top-level members."""
    template = dict(pool.get("VerificationMessageTemplate") or {})
    legacy = {
        "EmailMessage": pool.get("EmailVerificationMessage"),
        "EmailSubject": pool.get("EmailVerificationSubject"),
        "SmsMessage": pool.get("SmsVerificationMessage"),
    }
    for name, value in legacy.items():
        if value and not template.get(name):
            template[name] = value
    return template
