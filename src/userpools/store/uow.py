"""A unit of work: one database transaction and the repositories that run inside it."""

from __future__ import annotations

from userpools.store.clients import ClientRepo
from userpools.store.connection import Conn
from userpools.store.domains import DomainRepo
from userpools.store.groups import GroupRepo
from userpools.store.identity_providers import IdentityProviderRepo
from userpools.store.pools import PoolRepo
from userpools.store.resource_servers import ResourceServerRepo
from userpools.store.ui_customizations import UICustomizationRepo
from userpools.store.users import UserRepo


class UnitOfWork:
    def __init__(self, conn: Conn, dialect: str) -> None:
        self.conn = conn
        self.dialect = dialect
        self.pools = PoolRepo(conn)
        self.clients = ClientRepo(conn)
        self.users = UserRepo(conn)
        self.groups = GroupRepo(conn)
        self.resource_servers = ResourceServerRepo(conn)
        self.domains = DomainRepo(conn)
        self.identity_providers = IdentityProviderRepo(conn)
        self.ui_customizations = UICustomizationRepo(conn)
