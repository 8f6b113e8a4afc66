"""A unit of work: one database transaction and the repositories that run inside it."""

from __future__ import annotations

from collections.abc import Callable

from userpools.store.auth_state import AuthStateRepo
from userpools.store.clients import ClientRepo
from userpools.store.connection import Conn
from userpools.store.domains import DomainRepo
from userpools.store.groups import GroupRepo
from userpools.store.identity_providers import IdentityProviderRepo
from userpools.store.pool_cache import PoolCache
from userpools.store.pools import PoolRepo
from userpools.store.refresh_tokens import RefreshTokenRepo
from userpools.store.resource_servers import ResourceServerRepo
from userpools.store.signing_keys import SigningKeyRepo
from userpools.store.ui_customizations import UICustomizationRepo
from userpools.store.users import UserRepo


class UnitOfWork:
    def __init__(self, conn: Conn, dialect: str, pool_cache: PoolCache | None = None) -> None:
        self.conn = conn
        self.dialect = dialect
        self.on_commit: list[Callable[[], None]] = []  # run by Database right after the commit
        self.pools = PoolRepo(conn, pool_cache, self.on_commit)
        self.clients = ClientRepo(conn)
        self.users = UserRepo(conn)
        self.auth = AuthStateRepo(conn)
        self.groups = GroupRepo(conn)
        self.resource_servers = ResourceServerRepo(conn)
        self.domains = DomainRepo(conn)
        self.identity_providers = IdentityProviderRepo(conn)
        self.ui_customizations = UICustomizationRepo(conn)
        self.signing_keys = SigningKeyRepo(conn)
        self.refresh_tokens = RefreshTokenRepo(conn)
