"""The PreTokenGeneration trigger: V1 (ID token claims) and V2/V3 (ID and access token claims, scopes).

Implements user-pool-lambda-pre-token-generation.html. The request has ``userAttributes``,
``groupConfiguration`` {groupsToOverride, iamRolesToOverride, preferredRole}, ``clientMetadata`` and (V2/V3)
``scopes``. Honoured: V1 ``claimsOverrideDetails`` {claimsToAddOrOverride (strings), claimsToSuppress,
groupOverrideDetails}, applied to the ID token (the group override to both tokens' ``cognito:groups``);
V2/V3 ``claimsAndScopeOverrideDetails`` {idTokenGeneration, accessTokenGeneration {…, scopesToAdd,
scopesToSuppress}, groupOverrideDetails}. A suppressed claim wins over an added one.
Differences: claims Cognito forbids changing (``PROTECTED``, ``dev:*``; in access tokens also ``scope``,
``client_id``, ``username``, ``event_id``) are left as they are, silently.
The client-credentials grant (``userpools.oauth2.machine``) runs it only for ``V3_0``, with source
TokenGeneration_ClientCredentials, no user (``userAttributes`` empty; ``userName`` is the client id,
unconfirmed) and the access token alone.
"""

from __future__ import annotations

from typing import Any

from userpools.domain.user import User
from userpools.errors import InvalidLambdaResponseException
from userpools.operations.context import Context
from userpools.triggers.events import UNRECOGNIZABLE, user_attributes
from userpools.triggers.invoke import configured, run_trigger

PROTECTED = frozenset(
    {
        "acr", "amr", "aud", "at_hash", "auth_time", "azp", "cognito:username", "exp", "iat", "identities",
        "iss", "jti", "nbf", "nonce", "origin_jti", "sub", "token_use",
    }
)  # fmt: skip
ACCESS_PROTECTED = PROTECTED | {"scope", "client_id", "username", "event_id"}
_VERSIONS = {"V1_0": "1", "V2_0": "2", "V3_0": "3"}
CLIENT_CREDENTIALS = "TokenGeneration_ClientCredentials"


async def pre_token_generation(
    ctx: Context,
    pool: dict[str, Any],
    user: User | None,
    source: str,
    *,
    client_id: str,
    access: dict[str, Any],
    id_claims: dict[str, Any] | None,
    client_metadata: dict[str, str] | None,
) -> None:
    """Invokes PreTokenGeneration (when configured) and applies its response to the claim sets in place.

    ``user`` is None for the client-credentials grant (machine tokens), which only a V3_0 trigger sees.
    """
    if configured(pool, "PreTokenGeneration") is None:
        return
    version_name = ((pool.get("LambdaConfig") or {}).get("PreTokenGenerationConfig") or {}).get(
        "LambdaVersion"
    )
    version = _VERSIONS.get(version_name or "V1_0", "1")
    if source == CLIENT_CREDENTIALS and version != "3":
        return
    base = id_claims if id_claims is not None else access
    request: dict[str, Any] = {
        "userAttributes": user_attributes(user) if user is not None else {},
        "groupConfiguration": {
            "groupsToOverride": list(base.get("cognito:groups") or access.get("cognito:groups") or []),
            "iamRolesToOverride": list(base.get("cognito:roles") or []),
            "preferredRole": base.get("cognito:preferred_role"),
        },
        "clientMetadata": client_metadata or {},
    }
    if version != "1":
        request["scopes"] = str(access.get("scope", "")).split()
    key = "claimsOverrideDetails" if version == "1" else "claimsAndScopeOverrideDetails"
    user_name = user.username if user is not None else client_id
    response = await run_trigger(
        ctx, pool, "PreTokenGeneration", source, user_name=user_name, request=request,
        client_id=client_id, response={key: None}, version=version,
    )  # fmt: skip
    details = _object((response or {}).get(key))
    if version == "1":
        if id_claims is not None:
            _apply_claims(id_claims, details, PROTECTED, strings_only=True)
    else:
        if id_claims is not None:
            _apply_claims(id_claims, _object(details.get("idTokenGeneration")), PROTECTED)
        access_details = _object(details.get("accessTokenGeneration"))
        _apply_claims(access, access_details, ACCESS_PROTECTED)
        _apply_scopes(access, access_details)
    if "groupOverrideDetails" in details:
        _apply_groups(access, id_claims, _object(details["groupOverrideDetails"]))


def _object(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidLambdaResponseException(UNRECOGNIZABLE)
    return value


def _names(value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InvalidLambdaResponseException(UNRECOGNIZABLE)
    return value


def _changeable(name: str, protected: frozenset[str]) -> bool:
    return name not in protected and not name.startswith("dev:")


def _apply_claims(
    claims: dict[str, Any], details: dict[str, Any], protected: frozenset[str], *, strings_only: bool = False
) -> None:
    added = _object(details.get("claimsToAddOrOverride"))
    suppressed = _names(details.get("claimsToSuppress"))
    for name, value in added.items():
        if strings_only and not isinstance(value, str):
            raise InvalidLambdaResponseException(UNRECOGNIZABLE)
        if _changeable(name, protected):
            claims[name] = value
    for name in suppressed:
        if _changeable(name, protected):
            claims.pop(name, None)


def _apply_scopes(access: dict[str, Any], details: dict[str, Any]) -> None:
    scopes = str(access.get("scope", "")).split()
    suppressed = set(_names(details.get("scopesToSuppress")))
    scopes += [s for s in _names(details.get("scopesToAdd")) if s not in scopes]
    access["scope"] = " ".join(s for s in scopes if s not in suppressed)


def _apply_groups(access: dict[str, Any], id_claims: dict[str, Any] | None, groups: dict[str, Any]) -> None:
    """groupOverrideDetails replaces cognito:groups (both tokens) and the ID token's roles; empty removes."""
    names = _names(groups.get("groupsToOverride"))
    roles = _names(groups.get("iamRolesToOverride"))
    preferred = groups.get("preferredRole")
    if preferred is not None and not isinstance(preferred, str):
        raise InvalidLambdaResponseException(UNRECOGNIZABLE)
    for claims in (access, id_claims):
        if claims is None:
            continue
        claims.pop("cognito:groups", None)
        if names:
            claims["cognito:groups"] = names
    if id_claims is not None:
        for claim, value in (("cognito:roles", roles or None), ("cognito:preferred_role", preferred)):
            id_claims.pop(claim, None)
            if value:
                id_claims[claim] = value
