"""A pool's MFA settings: MfaConfiguration and which factors (SMS, TOTP, email) are turned on.

Implements the rules of https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/
API_SetUserPoolMfaConfig.html, API_CreateUserPool.html (MfaConfiguration) and the developer guide's
user-pool-settings-mfa pages, including behaviour measured against the live service by others
(floci-io/floci's Cognito tests):

- SetUserPoolMfaConfig replaces the whole configuration: an omitted MfaConfiguration means OFF and omitted
  factor members are turned off. OFF together with any factor member (even ``{"Enabled": false}``) is refused
  with "Invalid MFA configuration given, can't turn off MFA and configure an MFA together."; ON/OPTIONAL with
  no factor member with "Invalid MFA Configuration given. SMS MFA, Email MFA, or Software Token MFA must be
  enabled.". WebAuthnConfiguration is not a factor and is kept when omitted.
- CreateUserPool can only turn on SMS MFA: MfaConfiguration ON/OPTIONAL needs an SmsConfiguration.
- UpdateUserPool: an omitted MfaConfiguration is OFF (factors are kept, unused, for a later ON); SMS MFA needs
  the SmsConfiguration in the same request; ON/OPTIONAL with no factor enabled is refused.
- Email MFA needs Amazon SES sending (EmailSendingAccount DEVELOPER) and the ESSENTIALS or PLUS plan.

The factor switches are stored in the pool document under ``MfaFactors`` (never shown by DescribeUserPool):
``{"Sms": bool, "SoftwareTokenMfaConfiguration": {"Enabled": bool}?, "EmailMfaConfiguration": {...}?,
"WebAuthnConfiguration": {...}?}``. SMS MFA uses the pool's own SmsConfiguration and SmsAuthenticationMessage.
Read them with :func:`enabled_factors`.
"""

from __future__ import annotations

import copy
from typing import Any

from userpools.errors import FeatureUnavailableInTierException, InvalidParameterException

MFA_KEY = "MfaFactors"
SMS = "SmsMfaConfiguration"
TOTP = "SoftwareTokenMfaConfiguration"
EMAIL = "EmailMfaConfiguration"
WEBAUTHN = "WebAuthnConfiguration"
OFF_WITH_FACTORS = "Invalid MFA configuration given, can't turn off MFA and configure an MFA together."
ON_WITHOUT_FACTORS = (
    "Invalid MFA Configuration given. SMS MFA, Email MFA, or Software Token MFA must be enabled."
)


def enabled_factors(pool: dict[str, Any], *, ignore_mode: bool = False) -> set[str]:
    """The MFA challenges offered: ``SMS_MFA``, ``SOFTWARE_TOKEN_MFA``, ``EMAIL_OTP`` (none when OFF)."""
    if pool.get("MfaConfiguration", "OFF") == "OFF" and not ignore_mode:
        return set()
    factors = pool.get(MFA_KEY) or {}
    out = set()
    if factors.get("Sms"):
        out.add("SMS_MFA")
    if (factors.get(TOTP) or {}).get("Enabled"):
        out.add("SOFTWARE_TOKEN_MFA")
    if EMAIL in factors:
        out.add("EMAIL_OTP")
    return out


def view(pool: dict[str, Any]) -> dict[str, Any]:
    """GetUserPoolMfaConfig's answer for ``pool``."""
    mode = pool.get("MfaConfiguration", "OFF")
    factors = pool.get(MFA_KEY) or {}
    out: dict[str, Any] = {"MfaConfiguration": mode}
    if mode != "OFF":
        if factors.get("Sms"):
            sms: dict[str, Any] = {"SmsAuthenticationMessage": pool.get("SmsAuthenticationMessage")}
            if "SmsConfiguration" in pool:
                sms["SmsConfiguration"] = pool["SmsConfiguration"]
            out[SMS] = {k: v for k, v in sms.items() if v is not None}
        for key in (TOTP, EMAIL):
            if key in factors:
                out[key] = copy.deepcopy(factors[key])
    if WEBAUTHN in factors:
        out[WEBAUTHN] = copy.deepcopy(factors[WEBAUTHN])
    return out


def on_create(req: dict[str, Any], doc: dict[str, Any]) -> dict[str, Any]:
    """MfaConfiguration and factors of a new pool; only SMS MFA can be turned on here."""
    mode = req.get("MfaConfiguration") or "OFF"
    if mode != "OFF" and "SmsConfiguration" not in req:
        raise InvalidParameterException(
            f"MfaConfiguration {mode} needs an SmsConfiguration in CreateUserPool (only SMS MFA can be "
            "set up here); turn on TOTP or email MFA with SetUserPoolMfaConfig."
        )
    return {"MfaConfiguration": mode, MFA_KEY: {"Sms": mode != "OFF"}}


def on_update(pool: dict[str, Any], req: dict[str, Any], doc: dict[str, Any]) -> dict[str, Any]:
    """UpdateUserPool: omitted MfaConfiguration is OFF; SMS MFA lasts only while SmsConfiguration is given."""
    mode = req.get("MfaConfiguration") or "OFF"
    factors = copy.deepcopy(pool.get(MFA_KEY) or {"Sms": False})
    if "SmsConfiguration" not in req:
        factors["Sms"] = False
    elif mode != "OFF" and (
        pool.get("MfaConfiguration", "OFF") == "OFF"
        or not enabled_factors({MFA_KEY: factors}, ignore_mode=True)
    ):
        # As in CreateUserPool, turning MFA on with an SmsConfiguration means SMS MFA; a pool whose MFA is
        # already on keeps the factors SetUserPoolMfaConfig chose.
        factors["Sms"] = True
    updated = {**doc, "MfaConfiguration": mode, MFA_KEY: factors}
    if mode != "OFF":
        if not enabled_factors(updated):
            raise InvalidParameterException(ON_WITHOUT_FACTORS)
        if EMAIL in factors:
            _check_email_mfa(updated)
    return {"MfaConfiguration": mode, MFA_KEY: factors}


def set_config(pool: dict[str, Any], req: dict[str, Any]) -> dict[str, Any]:
    """SetUserPoolMfaConfig: the pool members to replace (MfaConfiguration, factors, SMS settings)."""
    mode = req.get("MfaConfiguration") or "OFF"
    present = [key for key in (SMS, TOTP, EMAIL) if key in req]
    if mode == "OFF" and present:
        raise InvalidParameterException(OFF_WITH_FACTORS)
    if mode != "OFF" and not present:
        raise InvalidParameterException(ON_WITHOUT_FACTORS)
    changes: dict[str, Any] = {"MfaConfiguration": mode}
    factors: dict[str, Any] = {"Sms": False}
    if SMS in req:
        sms = req[SMS]
        sms_configuration = sms.get("SmsConfiguration") or pool.get("SmsConfiguration")
        if not sms_configuration:
            raise InvalidParameterException(
                "SMS MFA needs an SmsConfiguration: give one in SmsMfaConfiguration or on the user pool."
            )
        changes["SmsConfiguration"] = copy.deepcopy(sms_configuration)
        if sms.get("SmsAuthenticationMessage"):
            changes["SmsAuthenticationMessage"] = sms["SmsAuthenticationMessage"]
        factors["Sms"] = True
    if TOTP in req:
        factors[TOTP] = {"Enabled": bool(req[TOTP].get("Enabled", False))}
    if EMAIL in req:
        factors[EMAIL] = copy.deepcopy(req[EMAIL])
        _check_email_mfa(pool)
    if WEBAUTHN in req:
        factors[WEBAUTHN] = {"UserVerification": "preferred", **copy.deepcopy(req[WEBAUTHN])}
    elif WEBAUTHN in (pool.get(MFA_KEY) or {}):
        factors[WEBAUTHN] = copy.deepcopy(pool[MFA_KEY][WEBAUTHN])
    changes[MFA_KEY] = factors
    return changes


def _check_email_mfa(pool: dict[str, Any]) -> None:
    tier = pool.get("UserPoolTier") or "ESSENTIALS"
    if tier == "LITE":
        raise FeatureUnavailableInTierException(
            "Email MFA needs the ESSENTIALS or PLUS feature plan; this user pool is on LITE."
        )
    if (pool.get("EmailConfiguration") or {}).get("EmailSendingAccount") != "DEVELOPER":
        raise InvalidParameterException(
            "Email MFA needs the user pool to send email with Amazon SES: set EmailConfiguration "
            "EmailSendingAccount to DEVELOPER first."
        )
