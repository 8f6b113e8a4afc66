"""Repository for user pool groups and their memberships.

A group is keyed by (pool, name); names are case-sensitive as in Cognito. Lists are keyset-paged on
indexes: groups of a pool by name (primary key), groups of a user by name (``user_groups`` primary
key), members of a group by user id (``ix_user_groups_pool_id_group_name_user_id``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, Row, Select, and_, bindparam, delete, exists, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from userpools.store.connection import Conn
from userpools.store.journal import Journal
from userpools.store.tables import groups, user_groups

# Group columns and the wire (``GroupType``) member each one becomes.
_WIRE = (
    ("name", "GroupName"),
    ("pool_id", "UserPoolId"),
    ("description", "Description"),
    ("role_arn", "RoleArn"),
    ("precedence", "Precedence"),
    ("modified", "LastModifiedDate"),
    ("created", "CreationDate"),
)
# Columns of a group's journal image (store/journal.py), besides its pool and name.
GROUP_IMAGE = ("description", "role_arn", "precedence", "created", "modified")
# Request members UpdateGroup may change, and their columns.
_UPDATABLE = {"Description": "description", "RoleArn": "role_arn", "Precedence": "precedence"}


def group_type(row: Row[Any]) -> dict[str, Any]:
    """The wire ``GroupType`` of a ``groups`` row; members that are not set are omitted."""
    mapping = row._mapping
    return {wire: mapping[col] for col, wire in _WIRE if mapping[col] is not None}


def member_key(sub: str, group: str) -> str:
    """A membership's journal key: the user's sub (36 characters), "/", the group name."""
    return f"{sub}/{group}"


def _token_order(group: dict[str, Any]) -> tuple[bool, int, str]:
    precedence = group.get("Precedence")
    return (precedence is None, precedence or 0, group["GroupName"])


def _groups_of_user(after: bool) -> Select[Any]:
    query = (
        select(groups)
        .join(
            user_groups,
            and_(user_groups.c.pool_id == groups.c.pool_id, user_groups.c.group_name == groups.c.name),
        )
        .where(user_groups.c.user_id == bindparam("user_id"))
    )
    if after:
        query = query.where(user_groups.c.group_name > bindparam("after"))
    return query.order_by(user_groups.c.group_name).limit(bindparam("limit", type_=Integer))


# Read for every token issued (cognito:groups): built once, for the first page and the next ones.
_GROUPS_OF_USER = {False: _groups_of_user(False), True: _groups_of_user(True)}


POOL_HAS_GROUPS = "pool-has-groups"  # read_ahead key: whether a pool had any group (ClientRepo.with_pool)


class GroupRepo:
    def __init__(
        self, conn: Conn, journal: Journal, read_ahead: dict[tuple[str, str], Any] | None = None
    ) -> None:
        self.conn = conn
        self.journal = journal
        self.read_ahead = read_ahead if read_ahead is not None else {}

    # Groups.

    async def insert(
        self,
        pool_id: str,
        name: str,
        *,
        description: str | None,
        role_arn: str | None,
        precedence: int | None,
        now: float,
    ) -> bool:
        """Creates the group; False (and nothing written) when the pool already has a group of that name."""
        values = {
            "pool_id": pool_id,
            "name": name,
            "description": description,
            "role_arn": role_arn,
            "precedence": precedence,
            "created": now,
            "modified": now,
        }
        if await self._group_exists(pool_id, name):
            return False
        try:
            # A savepoint so that losing a race to a concurrent creator leaves the transaction usable.
            async with self.conn.begin_nested():
                await self.conn.execute(insert(groups).values(**values))
        except IntegrityError:
            if await self._group_exists(pool_id, name):
                return False
            raise
        self.journal.record(pool_id, "group", name, {k: values[k] for k in GROUP_IMAGE})
        return True

    async def get(self, pool_id: str, name: str) -> dict[str, Any] | None:
        """The group's wire ``GroupType``, or None."""
        query = select(groups).where(groups.c.pool_id == pool_id, groups.c.name == name)
        row = (await self.conn.execute(query)).first()
        return None if row is None else group_type(row)

    async def count(self, pool_id: str) -> int:
        query = select(func.count()).select_from(groups).where(groups.c.pool_id == pool_id)
        return int((await self.conn.execute(query)).scalar_one())

    async def update(self, pool_id: str, name: str, changes: dict[str, Any], now: float) -> None:
        """Sets the given members (``Description``, ``RoleArn``, ``Precedence``); others stay as they are."""
        values: dict[str, Any] = {_UPDATABLE[k]: v for k, v in changes.items() if k in _UPDATABLE}
        values["modified"] = now
        statement = update(groups).where(groups.c.pool_id == pool_id, groups.c.name == name).values(**values)
        row = (await self.conn.execute(statement.returning(*(groups.c[k] for k in GROUP_IMAGE)))).first()
        if row is not None:
            self.journal.record(pool_id, "group", name, {k: row._mapping[k] for k in GROUP_IMAGE})

    async def delete(self, pool_id: str, name: str) -> None:
        """Deletes the group and every membership in it."""
        # The foreign key cascades too; deleting explicitly keeps this correct without relying on it.
        await self.conn.execute(
            delete(user_groups).where(user_groups.c.pool_id == pool_id, user_groups.c.group_name == name)
        )
        await self.conn.execute(delete(groups).where(groups.c.pool_id == pool_id, groups.c.name == name))
        self.journal.record(pool_id, "group", name, None)

    async def page(self, pool_id: str, after: str | None, limit: int) -> list[dict[str, Any]]:
        """Groups of the pool ordered by name, starting after the name ``after``."""
        query = select(groups).where(groups.c.pool_id == pool_id)
        if after is not None:
            query = query.where(groups.c.name > after)
        rows = (await self.conn.execute(query.order_by(groups.c.name).limit(limit))).all()
        return [group_type(r) for r in rows]

    async def _group_exists(self, pool_id: str, name: str) -> bool:
        query = select(exists().where(groups.c.pool_id == pool_id, groups.c.name == name))
        return bool((await self.conn.execute(query)).scalar_one())

    # Memberships.

    async def add_member(self, pool_id: str, name: str, user_id: int) -> bool:
        """Adds the user to the group; False when already a member (nothing changes)."""
        if await self.is_member(name, user_id):
            return False
        try:
            async with self.conn.begin_nested():
                await self.conn.execute(
                    insert(user_groups).values(user_id=user_id, pool_id=pool_id, group_name=name)
                )
        except IntegrityError:
            # A concurrent request added the same membership first; anything else is a real failure.
            if await self.is_member(name, user_id):
                return False
            raise
        await self._journal_member(user_id, name, True)
        return True

    async def remove_member(self, name: str, user_id: int) -> None:
        await self.conn.execute(
            delete(user_groups).where(user_groups.c.user_id == user_id, user_groups.c.group_name == name)
        )
        await self._journal_member(user_id, name, False)

    async def _journal_member(self, user_id: int, name: str, member: bool) -> None:
        owner = await self.journal.owner(user_id)
        if owner is not None:
            self.journal.record(owner[0], "member", member_key(owner[1], name), {} if member else None)

    async def is_member(self, name: str, user_id: int) -> bool:
        query = select(exists().where(user_groups.c.user_id == user_id, user_groups.c.group_name == name))
        return bool((await self.conn.execute(query)).scalar_one())

    async def count_groups_of_user(self, user_id: int) -> int:
        query = select(func.count()).select_from(user_groups).where(user_groups.c.user_id == user_id)
        return int((await self.conn.execute(query)).scalar_one())

    async def page_of_user(self, user_id: int, after: str | None, limit: int) -> list[dict[str, Any]]:
        """The user's groups ordered by name, starting after the name ``after``."""
        params: dict[str, Any] = {"user_id": user_id, "limit": limit}
        if after is not None:
            params["after"] = after
        rows = (await self.conn.execute(_GROUPS_OF_USER[after is not None], params)).all()
        return [group_type(r) for r in rows]

    async def groups_of_user(self, user_id: int, pool_id: str | None = None) -> list[dict[str, Any]]:
        """All the user's groups (at most 100) as ``GroupType``, in token order.

        Token order: lowest ``Precedence`` first, groups without precedence last, ties by name. The
        first group with a ``RoleArn`` decides ``cognito:preferred_role`` (unless a tie of equal
        precedence has different roles). No query when the request's first read (``with_pool``) found
        the user's pool (``pool_id``) without any group.
        """
        if pool_id is not None and self.read_ahead.get((POOL_HAS_GROUPS, pool_id)) is False:
            return []
        found = await self.page_of_user(user_id, None, limit=10_000)
        return sorted(found, key=_token_order)

    async def member_ids(self, pool_id: str, name: str, after: int | None, limit: int) -> list[int]:
        """Ids of the group's members in ascending order, starting after the id ``after``."""
        query = select(user_groups.c.user_id).where(
            user_groups.c.pool_id == pool_id, user_groups.c.group_name == name
        )
        if after is not None:
            query = query.where(user_groups.c.user_id > after)
        rows = await self.conn.execute(query.order_by(user_groups.c.user_id).limit(limit))
        return [int(user_id) for user_id in rows.scalars()]
