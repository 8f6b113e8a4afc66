"""A unit of work: one database transaction and the repositories that run inside it.

Repositories are made on first use: a request touches two or three of them, and building all of them
for every request showed up in profiles of the hottest read paths.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any

from userpools.ports import Clock, SystemClock
from userpools.store.auth_state import AuthStateRepo
from userpools.store.branding import BrandingRepo
from userpools.store.cimd import CimdRepo
from userpools.store.clients import ClientRepo
from userpools.store.connection import Conn
from userpools.store.devices import DeviceRepo
from userpools.store.domains import DomainRepo
from userpools.store.groups import GroupRepo
from userpools.store.identity_providers import IdentityProviderRepo
from userpools.store.import_jobs import ImportJobRepo
from userpools.store.journal import Journal
from userpools.store.oauth_codes import OAuthCodeRepo
from userpools.store.passkeys import PasskeyRepo
from userpools.store.pool_cache import PoolCache
from userpools.store.pools import PoolRepo
from userpools.store.recoveries import RecoveryRepo
from userpools.store.refresh_tokens import RefreshTokenRepo
from userpools.store.replicas import ReplicaRepo
from userpools.store.resource_servers import ResourceServerRepo
from userpools.store.risk import RiskRepo
from userpools.store.sessions import SessionRepo
from userpools.store.signing_keys import SigningKeyRepo
from userpools.store.terms import TermsRepo
from userpools.store.ui_customizations import UICustomizationRepo
from userpools.store.user_links import UserLinkRepo
from userpools.store.users import UserRepo


class UnitOfWork:
    def __init__(
        self, conn: Conn, dialect: str, pool_cache: PoolCache | None = None, clock: Clock | None = None
    ) -> None:
        self.conn = conn
        self.dialect = dialect
        self.pool_cache = pool_cache
        self.clock = clock or SystemClock()
        self.on_commit: list[Callable[[], None]] = []  # run by Database right after the commit
        # What one repository's query read for another, to save that one's round trip (see with_pool).
        self.read_ahead: dict[tuple[str, str], Any] = {}

    @cached_property
    def pools(self) -> PoolRepo:
        return PoolRepo(self.conn, self.pool_cache, self.on_commit, self.read_ahead)

    @cached_property
    def clients(self) -> ClientRepo:
        return ClientRepo(self.conn, self.read_ahead)

    @cached_property
    def journal(self) -> Journal:
        return Journal(self.conn, self.clock)

    async def flush(self) -> None:
        """Writes what must go with the transaction (the change journal); Database runs it before COMMIT."""
        if "journal" in self.__dict__:
            await self.journal.flush()

    @cached_property
    def users(self) -> UserRepo:
        return UserRepo(self.conn, self.journal, self.read_ahead)

    @cached_property
    def auth(self) -> AuthStateRepo:
        return AuthStateRepo(self.conn, self.read_ahead)

    @cached_property
    def groups(self) -> GroupRepo:
        return GroupRepo(self.conn, self.journal, self.read_ahead)

    @cached_property
    def resource_servers(self) -> ResourceServerRepo:
        return ResourceServerRepo(self.conn)

    @cached_property
    def domains(self) -> DomainRepo:
        return DomainRepo(self.conn)

    @cached_property
    def identity_providers(self) -> IdentityProviderRepo:
        return IdentityProviderRepo(self.conn)

    @cached_property
    def user_links(self) -> UserLinkRepo:
        return UserLinkRepo(self.conn)

    @cached_property
    def ui_customizations(self) -> UICustomizationRepo:
        return UICustomizationRepo(self.conn)

    @cached_property
    def brandings(self) -> BrandingRepo:
        return BrandingRepo(self.conn)

    @cached_property
    def terms(self) -> TermsRepo:
        return TermsRepo(self.conn)

    @cached_property
    def signing_keys(self) -> SigningKeyRepo:
        return SigningKeyRepo(self.conn, self.read_ahead)

    @cached_property
    def refresh_tokens(self) -> RefreshTokenRepo:
        return RefreshTokenRepo(self.conn)

    @cached_property
    def devices(self) -> DeviceRepo:
        return DeviceRepo(self.conn)

    @cached_property
    def recoveries(self) -> RecoveryRepo:
        return RecoveryRepo(self.conn)

    @cached_property
    def oauth_codes(self) -> OAuthCodeRepo:
        return OAuthCodeRepo(self.conn)

    @cached_property
    def passkeys(self) -> PasskeyRepo:
        return PasskeyRepo(self.conn)

    @cached_property
    def risk(self) -> RiskRepo:
        return RiskRepo(self.conn)

    @cached_property
    def sessions(self) -> SessionRepo:
        return SessionRepo(self.conn)

    @cached_property
    def cimd(self) -> CimdRepo:
        return CimdRepo(self.conn)

    @cached_property
    def replicas(self) -> ReplicaRepo:
        return ReplicaRepo(self.conn)

    @cached_property
    def import_jobs(self) -> ImportJobRepo:
        return ImportJobRepo(self.conn)
