"""Request-rate quotas by API category: GetProvisionedLimit, UpdateProvisionedLimit, and their enforcement.

"Quotas in Amazon Cognito" groups user pool operations into categories with a combined request rate
(requests per second) for the whole account in one Region, across all its pools; over it a request fails
with TooManyRequestsException. RespondToAuthChallenge and AdminRespondToAuthChallenge have their own
rate, three times UserAuthentication's. One Userpools deployment is one account; each served region
counts apart. USERPOOLS_QUOTA_SCOPE=account counts so; ``pool`` (the default) gives each user pool its
own counters, the provisioned values of the region applying to each (operations/quota_pools.py tells
the pool of a request). A ``LimitDefinition`` names its category with the ``Category`` attribute (the
model's docs).

Enforcement is off unless USERPOOLS_QUOTAS=on (docs/quotas.md); off, nothing is counted or read. On
SQLite, when one process owns the store (as for store/pool_cache.py), the counter is in memory; on
PostgreSQL, and on a SQLite file shared by several worker processes (Settings.shared_store), it is a row
per counter and second shared by every node (store/quotas.py). Provisioned values are re-read at most
once a second, at once on the node that changed them.

Known differences: only API operations are counted (not the hosted UI / OAuth 2.0 endpoints, where
Cognito counts UserFederation, UserToken and ClientAuthentication too); the highest value accepted is
USERPOOLS_QUOTA_MAX_RPS, or ten times the default, in place of an account's Service Quotas maximum.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from userpools.errors import (
    InvalidParameterException,
    ResourceNotFoundException,
    ServiceQuotaExceededException,
    TooManyRequestsException,
)
from userpools.operations.context import Context, Services
from userpools.operations.quota_pools import PoolOf
from userpools.operations.registry import operation
from userpools.store.database import Database
from userpools.store.quotas import QuotaRepo

# Category -> default RPS, and its operations, from the developer guide's operation categories.
DEFAULTS = {
    "UserAuthentication": 120,
    "UserCreation": 50,
    "UserFederation": 25,  # federated sign-in through the hosted UI (no API operation)
    "UserAccountRecovery": 30,
    "UserRead": 120,
    "UserUpdate": 25,
    "UserToken": 120,
    "UserResourceRead": 50,
    "UserResourceUpdate": 25,
    "UserList": 30,
    "UserPoolRead": 15,
    "UserPoolUpdate": 15,
    "UserPoolResourceRead": 20,
    "UserPoolResourceUpdate": 15,
    "UserPoolClientRead": 15,
    "UserPoolClientUpdate": 15,
    "ClientAuthentication": 150,  # the token endpoint's client_credentials grant (no API operation)
}
_OPERATIONS = {
    "UserAuthentication": "InitiateAuth AdminInitiateAuth RespondToAuthChallenge AdminRespondToAuthChallenge",
    "UserCreation": "SignUp ConfirmSignUp AdminCreateUser AdminConfirmSignUp",
    "UserAccountRecovery": (
        "ForgotPassword ConfirmForgotPassword ChangePassword AdminResetUserPassword AdminSetUserPassword"
    ),
    "UserRead": "GetUser AdminGetUser GetUserAuthFactors AdminGetUserAuthFactors ListWebAuthnCredentials",
    "UserUpdate": (
        "AdminAddUserToGroup AdminRemoveUserFromGroup AdminDeleteUser AdminDeleteUserAttributes "
        "AdminDisableUser AdminEnableUser AdminDisableProviderForUser AdminLinkProviderForUser "
        "AdminSetUserMFAPreference AdminSetUserSettings AdminUpdateUserAttributes AdminUserGlobalSignOut "
        "AdminUpdateAuthEventFeedback AssociateSoftwareToken VerifySoftwareToken DeleteUser "
        "DeleteUserAttributes GetUserAttributeVerificationCode GlobalSignOut ResendConfirmationCode "
        "SetUserMFAPreference SetUserSettings UpdateAuthEventFeedback UpdateUserAttributes "
        "VerifyUserAttribute StartWebAuthnRegistration CompleteWebAuthnRegistration "
        "DeleteWebAuthnCredential AdminDeleteSoftwareToken"
    ),
    "UserToken": "RevokeToken GetTokensFromRefreshToken",
    "UserResourceRead": (
        "AdminGetDevice AdminListDevices AdminListGroupsForUser AdminListUserAuthEvents GetDevice ListDevices"
    ),
    "UserResourceUpdate": (
        "AdminForgetDevice AdminUpdateDeviceStatus ConfirmDevice ForgetDevice UpdateDeviceStatus"
    ),
    "UserList": "ListUsers ListUsersInGroup",
    "UserPoolRead": (
        "DescribeUserPool ListUserPools GetUserPoolMfaConfig DescribeRiskConfiguration "
        "GetLogDeliveryConfiguration ListTagsForResource"
    ),
    "UserPoolUpdate": (
        "CreateUserPool UpdateUserPool DeleteUserPool AddCustomAttributes SetUserPoolMfaConfig "
        "SetRiskConfiguration SetLogDeliveryConfiguration TagResource UntagResource"
    ),
    "UserPoolResourceRead": (
        "DescribeIdentityProvider DescribeResourceServer DescribeUserImportJob DescribeUserPoolDomain "
        "GetCSVHeader GetGroup GetIdentityProviderByIdentifier GetSigningCertificate GetUICustomization "
        "ListGroups ListIdentityProviders ListResourceServers ListUserImportJobs "
        "DescribeManagedLoginBranding DescribeManagedLoginBrandingByClient DescribeTerms "
        "DescribeTermsByClient ListTerms"
    ),
    "UserPoolResourceUpdate": (
        "CreateGroup UpdateGroup DeleteGroup CreateIdentityProvider UpdateIdentityProvider "
        "DeleteIdentityProvider CreateResourceServer UpdateResourceServer DeleteResourceServer "
        "CreateUserImportJob StartUserImportJob StopUserImportJob CreateUserPoolDomain "
        "UpdateUserPoolDomain DeleteUserPoolDomain SetUICustomization CreateManagedLoginBranding "
        "UpdateManagedLoginBranding DeleteManagedLoginBranding CreateTerms UpdateTerms DeleteTerms"
    ),
    "UserPoolClientRead": "DescribeUserPoolClient ListUserPoolClients ListUserPoolClientSecrets",
    "UserPoolClientUpdate": (
        "CreateUserPoolClient UpdateUserPoolClient DeleteUserPoolClient AddUserPoolClientSecret "
        "DeleteUserPoolClientSecret"
    ),
}
RESPOND = ("RespondToAuthChallenge", "AdminRespondToAuthChallenge")  # counted apart, at 3x the rate
CATEGORY_OF = {op: name for name, ops in _OPERATIONS.items() for op in ops.split()}
LIMITS_TTL = 1.0  # seconds a node keeps provisioned values before reading them again
SWEEP_EVERY = 10  # seconds between a node's sweeps of every counter's old windows (shared stores)
_generation = [0]  # bumped by UpdateProvisionedLimit: this process's throttles re-read at once


class Throttle:
    """Admits or refuses each request by its category's rate in the current one-second window."""

    def __init__(self, services: Services, database: Database) -> None:
        self.services = services
        self.database = database
        # Pool scope: each pool has its own counters (operations/quota_pools.py tells the pool).
        self.pools = PoolOf(database) if services.settings.quota_scope == "pool" else None
        # Unshared SQLite only: counter -> count in ``local_second``. Older windows never matter again,
        # so they are dropped at once: memory stays bounded whatever pool ids requests name.
        self.local: dict[str, int] = {}
        self.local_second = 0
        self.swept = 0  # the second of this process's last sweep of every counter's old windows
        self.limits: dict[str, int] = {}
        self.read_at = -LIMITS_TTL
        self.generation = -1

    async def admit(self, op_name: str, region: str, params: Mapping[str, Any]) -> None:
        """``params``: the request's validated parameters (in pool scope they tell the pool)."""
        category = CATEGORY_OF.get(op_name)
        if category is None:
            return
        limit = await self.limit_of(f"{region}/{category}")  # provisioned per region: each pool gets it
        counter = f"{region}/{category}"
        if op_name in RESPOND:
            counter, limit = counter + "/respond", limit * 3
        pool_id = await self.pools(params) if self.pools is not None else None
        if pool_id is not None:
            counter = f"{counter}/{pool_id}"  # none: the region's counter (ListUserPools, unknown client)
        if await self.hit(counter, int(self.services.clock.now())) > limit:
            raise TooManyRequestsException(
                f"Rate exceeded for the {category} category ({limit} requests per second)."
            )

    async def hit(self, counter: str, second: int) -> int:
        """Counts one request in ``counter``'s window ``second``; the window's count including it."""
        if not self.database.shared:
            if second != self.local_second:
                self.local, self.local_second = {}, second
            count = self.local[counter] = self.local.get(counter, 0) + 1
            return count
        sweep = second - self.swept >= SWEEP_EVERY  # counters never hit again leave no rows behind
        if sweep:
            self.swept = second
        if self.database.is_sqlite:
            async with self.database.unit_of_work(True) as uow:
                return await QuotaRepo(uow.conn, uow.dialect).hit(counter, second, sweep)
        async with self.database.relaxed_connection() as conn:  # the upsert commits alone, unflushed
            return await QuotaRepo(conn, "postgresql").hit(counter, second, sweep)

    async def limit_of(self, key: str) -> int:
        if self.generation != _generation[0] or time.monotonic() - self.read_at >= LIMITS_TTL:
            async with self.database.unit_of_work(False) as uow:
                self.limits = await QuotaRepo(uow.conn, uow.dialect).limits()
            self.read_at, self.generation = time.monotonic(), _generation[0]
        return self.limits.get(key) or DEFAULTS[key.partition("/")[2]]


def category_of(definition: dict[str, Any]) -> str:
    attributes = definition["Attributes"]
    if set(attributes) != {"Category"}:
        raise InvalidParameterException("LimitDefinition Attributes must hold exactly the Category key.")
    category = attributes["Category"]
    if category not in DEFAULTS:
        raise ResourceNotFoundException(f"There is no provisioned limit for the category {category!r}.")
    return str(category)


def max_of(ctx: Context, category: str) -> int:
    return ctx.settings.quota_max_rps or 10 * DEFAULTS[category]


async def limit_type(ctx: Context, category: str) -> dict[str, Any]:
    stored = (await QuotaRepo(ctx.uow.conn, ctx.uow.dialect).limits()).get(f"{ctx.region}/{category}")
    free = DEFAULTS[category]
    return {
        "LimitDefinition": {"LimitClass": "API_CATEGORY", "Attributes": {"Category": category}},
        "ProvisionedLimitValue": stored or free,
        "FreeLimitValue": free,
    }


@operation("GetProvisionedLimit", write=False)
async def get_provisioned_limit(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    return {"Limit": await limit_type(ctx, category_of(req["LimitDefinition"]))}


@operation("UpdateProvisionedLimit", write=True)
async def update_provisioned_limit(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    category = category_of(req["LimitDefinition"])
    value, free, most = req["RequestedLimitValue"], DEFAULTS[category], max_of(ctx, category)
    if value < free:
        raise InvalidParameterException(
            f"RequestedLimitValue must be at least the default limit of {category} ({free})."
        )
    if value > most:
        raise ServiceQuotaExceededException(
            f"RequestedLimitValue {value} exceeds the maximum of {most} requests per second for {category}."
        )
    await QuotaRepo(ctx.uow.conn, ctx.uow.dialect).set_limit(f"{ctx.region}/{category}", value, ctx.now)
    ctx.uow.on_commit.append(_bump)
    return {"Limit": await limit_type(ctx, category)}


def _bump() -> None:
    _generation[0] += 1
