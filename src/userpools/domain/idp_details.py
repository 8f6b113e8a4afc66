"""ProviderDetails and AttributeMapping of external identity providers, checked per ProviderType.

Keys and derived endpoints follow the ProviderDetails documentation of CreateIdentityProvider
(https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateIdentityProvider.html):
Cognito stores what was sent and adds the provider's fixed endpoints for social providers.
Known differences: an OIDC issuer's discovery document and a SAML MetadataURL are not fetched here
(endpoints not given explicitly are discovered when federation first uses them), and no SAML
encryption certificate (ActiveEncryptionCertificate) is generated.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from urllib.parse import urlsplit

from userpools.errors import InvalidParameterException

SOCIAL = ("Facebook", "Google", "LoginWithAmazon", "SignInWithApple")
# Keys a Describe never returns (Cognito keeps Apple's private key to itself).
WRITE_ONLY = {"SignInWithApple": ("private_key",)}
# Secret keys an Update may leave out to keep the stored value.
SECRET_KEYS = ("client_secret", "private_key")

_REQUIRED: dict[str, tuple[str, ...]] = {
    "Google": ("client_id", "client_secret", "authorize_scopes"),
    "Facebook": ("client_id", "client_secret", "authorize_scopes"),
    "LoginWithAmazon": ("client_id", "client_secret", "authorize_scopes"),
    "SignInWithApple": ("client_id", "team_id", "key_id", "private_key", "authorize_scopes"),
    "OIDC": ("client_id", "attributes_request_method", "oidc_issuer", "authorize_scopes"),
}
_OPTIONAL: dict[str, tuple[str, ...]] = {
    "Facebook": ("api_version",),
    "OIDC": ("client_secret", "authorize_url", "token_url", "attributes_url", "jwks_uri"),
    "SAML": (
        "MetadataFile",
        "MetadataURL",
        "IDPSignout",
        "IDPInit",
        "EncryptedResponses",
        "RequestSigningAlgorithm",
    ),
}
_DERIVED_KEYS = (
    "attributes_url", "attributes_url_add_attributes", "authorize_url", "oidc_issuer", "token_request_method",
    "token_url", "SLORedirectBindingURI", "SSORedirectBindingURI", "ActiveEncryptionCertificate",
)  # fmt: skip
_DEFAULT_USERNAME = {"Google": "sub", "OIDC": "sub", "SignInWithApple": "sub", "Facebook": "id",
                     "LoginWithAmazon": "user_id"}  # fmt: skip
_BOOLEAN_SAML = ("IDPSignout", "IDPInit", "EncryptedResponses")
_MD = "{urn:oasis:names:tc:SAML:2.0:metadata}"
_REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"


def _social(kind: str, details: Mapping[str, str]) -> dict[str, str]:
    if kind == "Google":
        return {
            "attributes_url": "https://people.googleapis.com/v1/people/me?personFields=",
            "attributes_url_add_attributes": "true",
            "authorize_url": "https://accounts.google.com/o/oauth2/v2/auth",
            "oidc_issuer": "https://accounts.google.com",
            "token_request_method": "POST",
            "token_url": "https://www.googleapis.com/oauth2/v4/token",
        }
    if kind == "Facebook":
        version = details.get("api_version") or "v17.0"
        return {
            "api_version": version,
            "attributes_url": f"https://graph.facebook.com/{version}/me?fields=",
            "attributes_url_add_attributes": "true",
            "authorize_url": f"https://www.facebook.com/{version}/dialog/oauth",
            "token_request_method": "GET",
            "token_url": f"https://graph.facebook.com/{version}/oauth/access_token",
        }
    if kind == "LoginWithAmazon":
        return {
            "attributes_url": "https://api.amazon.com/user/profile",
            "attributes_url_add_attributes": "false",
            "authorize_url": "https://www.amazon.com/ap/oa",
            "token_request_method": "POST",
            "token_url": "https://api.amazon.com/auth/o2/token",
        }
    return {  # SignInWithApple
        "attributes_url_add_attributes": "false",
        "authorize_url": "https://appleid.apple.com/auth/authorize",
        "oidc_issuer": "https://appleid.apple.com",
        "token_request_method": "POST",
        "token_url": "https://appleid.apple.com/auth/token",
    }


def _https(key: str, value: str) -> None:
    parts = urlsplit(value)
    local = parts.scheme == "http" and parts.hostname in ("localhost", "127.0.0.1")
    if not (parts.scheme == "https" or local) or not parts.hostname:
        raise InvalidParameterException(f"{key} must be an HTTPS URL.")


def _oidc(details: dict[str, str]) -> dict[str, str]:
    if details["attributes_request_method"] not in ("GET", "POST"):
        raise InvalidParameterException("attributes_request_method must be GET or POST.")
    for key in ("oidc_issuer", "authorize_url", "token_url", "attributes_url", "jwks_uri"):
        if key in details:
            _https(key, details[key])
    return {"attributes_url_add_attributes": "false"}


def _saml(details: dict[str, str]) -> dict[str, str]:
    has_file, has_url = bool(details.get("MetadataFile")), bool(details.get("MetadataURL"))
    if has_file == has_url:
        raise InvalidParameterException("Exactly one of MetadataFile or MetadataURL must be provided.")
    for key in _BOOLEAN_SAML:
        if key in details and details[key] not in ("true", "false"):
            raise InvalidParameterException(f"{key} must be true or false.")
    if details.get("RequestSigningAlgorithm", "rsa-sha256") != "rsa-sha256":
        raise InvalidParameterException("RequestSigningAlgorithm must be rsa-sha256.")
    if has_url:
        _https("MetadataURL", details["MetadataURL"])
        return {}
    return saml_endpoints(details["MetadataFile"])


def saml_endpoints(metadata: str) -> dict[str, str]:
    """SSO/SLO redirect-binding locations of a SAML IdP metadata document."""
    if "<!DOCTYPE" in metadata.upper() or "<!ENTITY" in metadata.upper():
        raise InvalidParameterException("Invalid SAML metadata: DTDs are not allowed.")
    try:
        root = ET.fromstring(metadata)
    except ET.ParseError as exc:
        raise InvalidParameterException(f"Invalid SAML metadata: {exc}") from None
    descriptor = root if root.tag == f"{_MD}IDPSSODescriptor" else root.find(f".//{_MD}IDPSSODescriptor")
    if descriptor is None:
        raise InvalidParameterException("Invalid SAML metadata: no IDPSSODescriptor found.")
    out: dict[str, str] = {}
    for tag, key in (
        ("SingleSignOnService", "SSORedirectBindingURI"),
        ("SingleLogoutService", "SLORedirectBindingURI"),
    ):
        for service in descriptor.findall(f"{_MD}{tag}"):
            if service.get("Binding") == _REDIRECT and service.get("Location"):
                out[key] = str(service.get("Location"))
                break
    if "SSORedirectBindingURI" not in out:
        raise InvalidParameterException("Invalid SAML metadata: no HTTP-Redirect SingleSignOnService found.")
    return out


def provider_details(
    kind: str, given: Mapping[str, str], stored: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Details to store: keys checked, secrets kept from ``stored`` when omitted, endpoints derived."""
    allowed = set(_REQUIRED.get(kind, ())) | set(_OPTIONAL.get(kind, ()))
    # Keys Cognito derives may come back from a Describe (e.g. Terraform round trips); they are recomputed.
    details = {k: v for k, v in given.items() if k in allowed or k not in _DERIVED_KEYS}
    for key in SECRET_KEYS:
        if stored and key in allowed and key not in details and key in stored:
            details[key] = stored[key]
    unknown = sorted(set(details) - allowed)
    if unknown:
        raise InvalidParameterException(f"Unsupported ProviderDetails key for {kind}: {unknown[0]}")
    missing = [k for k in _REQUIRED.get(kind, ()) if not details.get(k)]
    if missing:
        raise InvalidParameterException(f"{missing[0]} is required in ProviderDetails for {kind}.")
    if kind in SOCIAL:
        derived = _social(kind, details)
    elif kind == "OIDC":
        derived = _oidc(details)
    else:
        derived = _saml(details)
    return {**details, **derived}


def public_details(kind: str, details: Mapping[str, str]) -> dict[str, str]:
    hidden = WRITE_ONLY.get(kind, ())
    return {k: v for k, v in details.items() if k not in hidden}


def attribute_mapping(kind: str, mapping: Mapping[str, str], known: set[str]) -> dict[str, str]:
    """Pool attribute -> provider attribute; ``username`` gets Cognito's default for the provider type."""
    for key in mapping:
        if key != "username" and key not in known:
            raise InvalidParameterException(
                f"Attribute mapping key {key} is not an attribute of the user pool."
            )
    out = dict(mapping)
    if "username" not in out and kind in _DEFAULT_USERNAME:
        out["username"] = _DEFAULT_USERNAME[kind]
    return out
