"""A user pool's settings: Cognito's defaults and the rules CreateUserPool / UpdateUserPool enforce.

The stored pool document is the full wire ``UserPoolType`` (what DescribeUserPool returns) with every default
filled in at creation, so readers never need a fallback. Defaults chosen, and where they come from:

- ``Policies.PasswordPolicy`` when omitted: MinimumLength 8, RequireUppercase/Lowercase/Numbers/Symbols true,
  TemporaryPasswordValidityDays 7 (AWS CLI ``create-user-pool`` example output; API_PasswordPolicyType:
  "Defaults to 7", 0 means the default). A PasswordPolicy given in part keeps what it says; an omitted
  boolean is false, an omitted MinimumLength is 8. PasswordHistorySize appears only when given.
- ``Policies.SignInPolicy``: ``{"AllowedFirstAuthFactors": ["PASSWORD"]}`` (choice-based sign-in off).
- ``DeletionProtection`` INACTIVE, ``LambdaConfig`` ``{}``, ``MfaConfiguration`` OFF, ``UserPoolTags`` ``{}``,
  ``UserPoolTier`` ESSENTIALS (API_CreateUserPool: "Defaults to ESSENTIALS"),
  ``UsernameConfiguration.CaseSensitive`` true (API_UsernameConfigurationType: "This is the default value"),
  ``EmailConfiguration`` ``{"EmailSendingAccount": "COGNITO_DEFAULT"}``,
  ``UserAttributeUpdateSettings`` ``{"AttributesRequireVerificationBeforeUpdate": []}``.
- ``AdminCreateUserConfig``: AllowAdminCreateUserOnly false, UnusedAccountValidityDays mirrored from
  TemporaryPasswordValidityDays (7), InviteMessageTemplate "Your username is {username} and temporary password
  is {####}. " / subject "Your temporary password" (AWS CLI ``describe-user-pool`` example).
- ``VerificationMessageTemplate``: DefaultEmailOption CONFIRM_WITH_CODE, SmsMessage / EmailMessage "Your
  verification code is {####}. ", EmailSubject "Your verification code"; with CONFIRM_WITH_LINK the
  EmailMessageByLink "Please click the link below to verify your email address. {##Verify Email##} " and
  EmailSubjectByLink "Your verification link" instead. The legacy SmsVerificationMessage /
  EmailVerificationMessage / EmailVerificationSubject mirror the template, as DescribeUserPool shows them; a
  request giving both spellings with different texts is refused.
- ``SmsAuthenticationMessage`` "Your authentication code is {####}. ".
- ``AccountRecoverySetting`` stays absent unless given (Cognito then prefers a verified phone, then email).

UpdateUserPool follows the API reference: "If you don't provide a value for an attribute, Amazon Cognito sets
it to its default value." Immutable members (schema, alias/username attributes, case sensitivity, ARN) are
kept; so are those the reference says are kept when omitted (DcrConfiguration) and, as a deliberate choice,
the pool name, tags, feature plan, KeyConfiguration and IssuerConfiguration.

Known differences: message templates are accepted whatever the EmailSendingAccount (the reference reserves
email templates for DEVELOPER sending, but a local server sends through its own configured sender); SMS
settings are stored, never checked against IAM (no InvalidSmsRoleAccessPolicyException); rule messages
Cognito doesn't document are worded here, as clearly as we could.
"""

from __future__ import annotations

import copy
from typing import Any

from userpools.domain import pool_mfa
from userpools.domain.pool_schema import build_schema
from userpools.errors import (
    FeatureUnavailableInTierException,
    InvalidParameterException,
    TierChangeNotAllowedException,
    UserPoolTaggingException,
)

DEFAULT_PASSWORD_POLICY: dict[str, Any] = {
    "MinimumLength": 8,
    "RequireUppercase": True,
    "RequireLowercase": True,
    "RequireNumbers": True,
    "RequireSymbols": True,
    "TemporaryPasswordValidityDays": 7,
}
DEFAULT_TEMPORARY_PASSWORD_DAYS = 7
DEFAULT_SIGN_IN_POLICY: dict[str, Any] = {"AllowedFirstAuthFactors": ["PASSWORD"]}
DEFAULT_SMS_MESSAGE = "Your verification code is {####}. "
DEFAULT_EMAIL_MESSAGE = "Your verification code is {####}. "
DEFAULT_EMAIL_SUBJECT = "Your verification code"
DEFAULT_EMAIL_MESSAGE_BY_LINK = (
    "Please click the link below to verify your email address. {##Verify Email##} "
)
DEFAULT_EMAIL_SUBJECT_BY_LINK = "Your verification link"
DEFAULT_SMS_AUTHENTICATION_MESSAGE = "Your authentication code is {####}. "
DEFAULT_INVITE_TEMPLATE: dict[str, str] = {
    "SMSMessage": "Your username is {username} and temporary password is {####}. ",
    "EmailMessage": "Your username is {username} and temporary password is {####}. ",
    "EmailSubject": "Your temporary password",
}
DEFAULT_TIER = "ESSENTIALS"
DEFAULT_ACR_VALUES = {f"Level{n}": f"urn:cognito:loa:{n}" for n in range(1, 5)}
MAX_TAGS = 50

# Legacy top-level member -> VerificationMessageTemplate member it mirrors.
_LEGACY_TEMPLATE = {
    "SmsVerificationMessage": "SmsMessage",
    "EmailVerificationMessage": "EmailMessage",
    "EmailVerificationSubject": "EmailSubject",
}
# Members UpdateUserPool leaves alone when the request omits them.
_KEPT_ON_UPDATE = (
    "UserPoolTags",
    "LogDeliveryConfiguration",  # not a UserPoolType member: SetLogDeliveryConfiguration's (issue 6)
    "DcrConfiguration",
    "KeyConfiguration",
    "IssuerConfiguration",
    "UserPoolTier",
    "SessionConfiguration",  # Set/GetUserPoolSessionConfiguration (auth.user_sessions)
)
IMMUTABLE = ("SchemaAttributes", "AliasAttributes", "UsernameAttributes", "UsernameConfiguration", "Arn")


def new_pool_document(req: dict[str, Any], arn: str) -> dict[str, Any]:
    """The stored UserPoolType of a pool CreateUserPool makes from ``req`` (without Id, Name and dates)."""
    alias, username = _sign_in_attributes(req)
    schema = build_schema(req.get("Schema") or [])
    if "preferred_username" in alias and _required(schema, "preferred_username"):
        raise InvalidParameterException(
            "preferred_username can't be both a required attribute and an alias attribute."
        )
    doc: dict[str, Any] = {"Arn": arn, "SchemaAttributes": schema}
    if alias:
        doc["AliasAttributes"] = alias
    if username:
        doc["UsernameAttributes"] = username
    doc["UsernameConfiguration"] = {
        "CaseSensitive": bool((req.get("UsernameConfiguration") or {}).get("CaseSensitive", True))
    }
    _set_kept_members(doc, req)
    doc.update(_settings(req))
    doc.update(pool_mfa.on_create(req, doc))
    check_tier(doc)
    return doc


def updated_pool_document(pool: dict[str, Any], req: dict[str, Any]) -> dict[str, Any]:
    """The stored UserPoolType after UpdateUserPool: omitted settings return to their defaults."""
    doc: dict[str, Any] = {key: copy.deepcopy(pool[key]) for key in IMMUTABLE if key in pool}
    for key in _KEPT_ON_UPDATE:
        if key in pool:
            doc[key] = copy.deepcopy(pool[key])
    _set_kept_members(doc, req)
    doc.update(_settings(req))
    doc.update(pool_mfa.on_update(pool, req, doc))
    try:
        check_tier(doc)
    except FeatureUnavailableInTierException as exc:
        if doc["UserPoolTier"] != (pool.get("UserPoolTier") or DEFAULT_TIER):
            raise TierChangeNotAllowedException(exc.message) from None
        raise
    return doc


def _set_kept_members(doc: dict[str, Any], req: dict[str, Any]) -> None:
    """Tags, feature plan, key/issuer and DCR settings: what ``req`` gives replaces, the rest stays."""
    if "UserPoolTags" in req:
        doc["UserPoolTags"] = _tags(req["UserPoolTags"])
    if "UserPoolTier" in req:
        doc["UserPoolTier"] = req["UserPoolTier"]
    for key in ("KeyConfiguration", "IssuerConfiguration"):
        if key in req:
            doc[key] = copy.deepcopy(req[key])
    if "DcrConfiguration" in req:
        doc["DcrConfiguration"] = _dcr(req["DcrConfiguration"])
    doc.setdefault("UserPoolTier", DEFAULT_TIER)
    doc.setdefault("UserPoolTags", {})


def _settings(req: dict[str, Any]) -> dict[str, Any]:
    """The members CreateUserPool and UpdateUserPool both set, with defaults for what ``req`` omits."""
    policy = password_policy((req.get("Policies") or {}).get("PasswordPolicy"))
    out: dict[str, Any] = {
        "Policies": {"PasswordPolicy": policy, "SignInPolicy": _sign_in_policy(req.get("Policies"))},
        "DeletionProtection": req.get("DeletionProtection") or "INACTIVE",
        "LambdaConfig": _lambda_config(req.get("LambdaConfig")),
        "AdminCreateUserConfig": _admin_create_user_config(req, policy),
        "EmailConfiguration": _email_configuration(req.get("EmailConfiguration")),
        "SmsAuthenticationMessage": req.get("SmsAuthenticationMessage") or DEFAULT_SMS_AUTHENTICATION_MESSAGE,
    }
    auto_verified = _unique(req.get("AutoVerifiedAttributes") or [])
    if auto_verified:
        out["AutoVerifiedAttributes"] = auto_verified
    out["UserAttributeUpdateSettings"] = _attribute_update_settings(req, auto_verified)
    template = verification_template(req)
    out["VerificationMessageTemplate"] = template
    for legacy, member in _LEGACY_TEMPLATE.items():
        if member in template:
            out[legacy] = template[member]
    for key in ("SmsConfiguration", "UserPoolAddOns"):
        if key in req:
            out[key] = copy.deepcopy(req[key])
    if "DeviceConfiguration" in req:
        device = req["DeviceConfiguration"]
        out["DeviceConfiguration"] = {
            "ChallengeRequiredOnNewDevice": bool(device.get("ChallengeRequiredOnNewDevice", False)),
            "DeviceOnlyRememberedOnUserPrompt": bool(device.get("DeviceOnlyRememberedOnUserPrompt", False)),
        }
    if "AccountRecoverySetting" in req:
        out["AccountRecoverySetting"] = _account_recovery(req["AccountRecoverySetting"])
    if "AcrConfiguration" in req:
        out["AcrConfiguration"] = _acr(req["AcrConfiguration"])
    return out


def password_policy(given: dict[str, Any] | None) -> dict[str, Any]:
    """PasswordPolicyType with Cognito's defaults; TemporaryPasswordValidityDays 0 means the default."""
    if given is None:
        return dict(DEFAULT_PASSWORD_POLICY)
    policy: dict[str, Any] = {"MinimumLength": int(given.get("MinimumLength") or 8)}
    for key in ("RequireUppercase", "RequireLowercase", "RequireNumbers", "RequireSymbols"):
        policy[key] = bool(given.get(key, False))
    if given.get("PasswordHistorySize") is not None:
        policy["PasswordHistorySize"] = int(given["PasswordHistorySize"])
    policy["TemporaryPasswordValidityDays"] = (
        int(given.get("TemporaryPasswordValidityDays") or 0) or DEFAULT_TEMPORARY_PASSWORD_DAYS
    )
    return policy


def verification_template(req: dict[str, Any]) -> dict[str, Any]:
    """VerificationMessageTemplate merged with the legacy members it mirrors, defaults filled in."""
    given = dict(req.get("VerificationMessageTemplate") or {})
    for legacy, member in _LEGACY_TEMPLATE.items():
        value = req.get(legacy)
        if value is None:
            continue
        if member in given and given[member] != value:
            raise InvalidParameterException(
                f"{legacy} and VerificationMessageTemplate.{member} differ; give one or the same text."
            )
        given[member] = value
    option = given.get("DefaultEmailOption") or "CONFIRM_WITH_CODE"
    template: dict[str, Any] = {"SmsMessage": given.get("SmsMessage") or DEFAULT_SMS_MESSAGE}
    if option == "CONFIRM_WITH_CODE" or "EmailMessage" in given:
        template["EmailMessage"] = given.get("EmailMessage") or DEFAULT_EMAIL_MESSAGE
        template["EmailSubject"] = given.get("EmailSubject") or DEFAULT_EMAIL_SUBJECT
    elif "EmailSubject" in given:
        template["EmailSubject"] = given["EmailSubject"]
    if option == "CONFIRM_WITH_LINK" or "EmailMessageByLink" in given:
        template["EmailMessageByLink"] = given.get("EmailMessageByLink") or DEFAULT_EMAIL_MESSAGE_BY_LINK
        template["EmailSubjectByLink"] = given.get("EmailSubjectByLink") or DEFAULT_EMAIL_SUBJECT_BY_LINK
    elif "EmailSubjectByLink" in given:
        template["EmailSubjectByLink"] = given["EmailSubjectByLink"]
    template["DefaultEmailOption"] = option
    return template


def check_tier(doc: dict[str, Any]) -> None:
    """Features the pool's feature plan (UserPoolTier) doesn't include are refused."""
    tier = doc.get("UserPoolTier") or DEFAULT_TIER
    addons = (doc.get("UserPoolAddOns") or {}).get("AdvancedSecurityMode", "OFF")
    if addons != "OFF" and tier != "PLUS":
        raise FeatureUnavailableInTierException(
            f"Threat protection (UserPoolAddOns AdvancedSecurityMode {addons}) needs the PLUS feature plan; "
            f"this user pool is on {tier}."
        )
    if tier != "LITE":
        return
    factors = doc["Policies"]["SignInPolicy"]["AllowedFirstAuthFactors"]
    essentials = {
        "Choice-based sign-in (SignInPolicy factors other than PASSWORD)": factors != ["PASSWORD"],
        "Email MFA": "EMAIL_OTP" in pool_mfa.enabled_factors(doc, ignore_mode=True),
        "Dynamic client registration": (doc.get("DcrConfiguration") or {}).get("EnableStatus") == "Enabled",
        "Custom ACR level names": "AcrConfiguration" in doc,
    }
    for feature, used in essentials.items():
        if used:
            raise FeatureUnavailableInTierException(
                f"{feature} needs the ESSENTIALS or PLUS feature plan; this user pool is on LITE."
            )


def _sign_in_attributes(req: dict[str, Any]) -> tuple[list[str], list[str]]:
    alias = _unique(req.get("AliasAttributes") or [])
    username = _unique(req.get("UsernameAttributes") or [])
    if alias and username:
        # Wording as the service reports it (quoted by CloudFormation linters).
        raise InvalidParameterException(
            "Only one of the aliasAttributes or usernameAttributes can be set in a User pool."
        )
    return alias, username


def _required(schema: list[dict[str, Any]], name: str) -> bool:
    return any(a["Name"] == name and a.get("Required") for a in schema)


def _sign_in_policy(policies: dict[str, Any] | None) -> dict[str, Any]:
    given = (policies or {}).get("SignInPolicy")
    if given is None or "AllowedFirstAuthFactors" not in given:
        return copy.deepcopy(DEFAULT_SIGN_IN_POLICY)
    factors = _unique(given["AllowedFirstAuthFactors"])
    if "SOFTWARE_TOKEN" in factors:
        raise InvalidParameterException("SOFTWARE_TOKEN is not supported as a first authentication factor.")
    if "PASSWORD" not in factors:
        raise InvalidParameterException("AllowedFirstAuthFactors must include PASSWORD.")
    return {"AllowedFirstAuthFactors": factors}


def _lambda_config(given: dict[str, Any] | None) -> dict[str, Any]:
    config = copy.deepcopy(given or {})
    legacy, versioned = config.get("PreTokenGeneration"), config.get("PreTokenGenerationConfig")
    if legacy and versioned and versioned["LambdaArn"] != legacy:
        raise InvalidParameterException(
            "PreTokenGeneration and PreTokenGenerationConfig.LambdaArn must name the same function."
        )
    if legacy and not versioned:
        config["PreTokenGenerationConfig"] = {"LambdaVersion": "V1_0", "LambdaArn": legacy}
    if versioned and not legacy:
        config["PreTokenGeneration"] = versioned["LambdaArn"]
    if (config.get("CustomSMSSender") or config.get("CustomEmailSender")) and not config.get("KMSKeyID"):
        raise InvalidParameterException(
            "KMSKeyID is required when a CustomSMSSender or CustomEmailSender trigger is set."
        )
    return config


def _admin_create_user_config(req: dict[str, Any], policy: dict[str, Any]) -> dict[str, Any]:
    given = req.get("AdminCreateUserConfig") or {}
    unused = given.get("UnusedAccountValidityDays") or 0
    temporary_given = ((req.get("Policies") or {}).get("PasswordPolicy") or {}).get(
        "TemporaryPasswordValidityDays"
    )
    if unused and temporary_given and unused != policy["TemporaryPasswordValidityDays"]:
        raise InvalidParameterException(
            "Please use TemporaryPasswordValidityDays in PasswordPolicy instead of UnusedAccountValidityDays"
        )
    if unused and not temporary_given:
        policy["TemporaryPasswordValidityDays"] = int(unused)
    return {
        "AllowAdminCreateUserOnly": bool(given.get("AllowAdminCreateUserOnly", False)),
        "UnusedAccountValidityDays": policy["TemporaryPasswordValidityDays"],
        "InviteMessageTemplate": {**DEFAULT_INVITE_TEMPLATE, **(given.get("InviteMessageTemplate") or {})},
    }


def _email_configuration(given: dict[str, Any] | None) -> dict[str, Any]:
    config = copy.deepcopy(given or {})
    config.setdefault("EmailSendingAccount", "COGNITO_DEFAULT")
    if config["EmailSendingAccount"] == "DEVELOPER" and not config.get("SourceArn"):
        raise InvalidParameterException(
            "EmailConfiguration.SourceArn is required when EmailSendingAccount is DEVELOPER."
        )
    return config


def _attribute_update_settings(req: dict[str, Any], auto_verified: list[str]) -> dict[str, Any]:
    given = (req.get("UserAttributeUpdateSettings") or {}).get(
        "AttributesRequireVerificationBeforeUpdate"
    ) or []
    wanted = _unique(given)
    missing = [a for a in wanted if a not in auto_verified]
    if missing:
        raise InvalidParameterException(
            "AttributesRequireVerificationBeforeUpdate may only name auto-verified attributes "
            f"(AutoVerifiedAttributes); {', '.join(missing)} is not."
        )
    return {"AttributesRequireVerificationBeforeUpdate": wanted}


def _account_recovery(given: dict[str, Any]) -> dict[str, Any]:
    mechanisms = [dict(m) for m in given.get("RecoveryMechanisms") or []]
    names = [m["Name"] for m in mechanisms]
    priorities = [m["Priority"] for m in mechanisms]
    if len(set(names)) != len(names) or len(set(priorities)) != len(priorities):
        raise InvalidParameterException("RecoveryMechanisms must not repeat a Name or a Priority.")
    if "admin_only" in names and len(names) > 1:
        raise InvalidParameterException("admin_only can't be combined with another recovery mechanism.")
    return {"RecoveryMechanisms": sorted(mechanisms, key=lambda m: int(m["Priority"]))}


def _acr(given: dict[str, Any]) -> dict[str, Any]:
    effective = {level: {"AcrValue": value} for level, value in DEFAULT_ACR_VALUES.items()}
    for level, config in given.items():
        effective[level] = {"AcrValue": config.get("AcrValue") or DEFAULT_ACR_VALUES[level]}
    values = [c["AcrValue"] for c in effective.values()]
    if len(set(values)) != len(values):
        raise InvalidParameterException("Each ACR level name must be unique across Level1 to Level4.")
    return effective


def _dcr(given: dict[str, Any]) -> dict[str, Any]:
    config = copy.deepcopy(given)
    config.setdefault("EnableStatus", "Enabled")
    config.setdefault("OpenDcrEnabled", False)
    return config


def _tags(given: dict[str, str] | None) -> dict[str, str]:
    tags = dict(given or {})
    check_tags(tags, UserPoolTaggingException)
    return tags


def check_tags(
    tags: dict[str, str], error: type[InvalidParameterException] | type[UserPoolTaggingException]
) -> None:
    """At most 50 tags per pool; ``aws:`` keys are reserved for AWS."""
    if len(tags) > MAX_TAGS:
        raise error(f"A user pool can have at most {MAX_TAGS} tags.")
    reserved = sorted(k for k in tags if k.lower().startswith("aws:"))
    if reserved:
        raise error(f"Tag keys starting with aws: are reserved: {', '.join(reserved)}.")


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
