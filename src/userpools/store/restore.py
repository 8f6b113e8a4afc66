"""Point-in-time recovery: the plan that returns a pool's user data to its state at T, and applying it.

Only entities with a journal image after T can differ from their state at T (store/journal.py), so the
plan reads the journal from T on, the latest image of those entities at or before T, and their current
rows; its cost follows the number of changes since T, not the size of the pool. Group memberships that
went with a deleted user or group (foreign-key cascades, not journaled) are found through the images at T
of the users and groups the recovery re-creates.

Following Cognito, a user who exists both now and at T keeps the current password (credentials are only
restored for users the recovery re-creates); profiles, attributes, status, MFA settings, groups and
memberships return to their state at T.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, func, insert, select, tuple_, update

from userpools.store.connection import Conn
from userpools.store.groups import GROUP_IMAGE, member_key
from userpools.store.journal import Journal
from userpools.store.tables import groups, pool_journal, user_credentials, user_groups, users

ENTITIES = ("Users", "Groups", "Group memberships")
_USER_IMAGE = [c for c in users.c if c.name not in ("id", "pool_id")]
_ALIASES = {c.name: None for c in users.c if c.name.startswith("alias_")}


@dataclass
class Changes:
    """What the recovery does to one type of entity: key -> image at T (None for deletions)."""

    create: dict[Any, dict[str, Any]] = field(default_factory=dict)
    update: dict[Any, dict[str, Any]] = field(default_factory=dict)
    delete: list[Any] = field(default_factory=list)

    def classify(self, key: Any, then: dict[str, Any] | None, now: dict[str, Any] | None) -> None:
        if then is None and now is not None:
            self.delete.append(key)
        elif then is not None and now is None:
            self.create[key] = then
        elif then is not None and now is not None and then != now:
            self.update[key] = then


@dataclass
class Plan:
    users: Changes
    groups: Changes
    members: Changes  # keys (sub, group name)
    credentials: dict[str, dict[str, Any]]  # sub -> verifier row at T, for re-created users
    stale: list[tuple[str, str]]  # membership images outlived by their user or group (cascades)

    def preview(self) -> list[dict[str, Any]]:
        return [
            {
                "Entity": name,
                "CreateCount": len(c.create),
                "UpdateCount": len(c.update),
                "DeleteCount": len(c.delete),
            }
            for name, c in zip(ENTITIES, (self.users, self.groups, self.members), strict=True)
        ]


async def _images_at(
    conn: Conn, pool_id: str, at: float, where: ColumnElement[bool]
) -> dict[tuple[str, str], Any]:
    """(kind, key) -> the latest image at or before ``at`` of the entities ``where`` selects."""
    j = pool_journal
    latest = (
        select(func.max(j.c.seq))
        .where(j.c.pool_id == pool_id, j.c.at <= at, where)
        .group_by(j.c.kind, j.c.key)
    )
    rows = (await conn.execute(select(j.c.kind, j.c.key, j.c.doc).where(j.c.seq.in_(latest)))).all()
    return {(r.kind, r.key): r.doc for r in rows}


async def plan(conn: Conn, pool_id: str, at: float) -> Plan:
    j = pool_journal
    later = j.alias("later")
    since = select(later.c.kind, later.c.key).where(later.c.pool_id == pool_id, later.c.at > at)
    changed = {(r.kind, r.key) for r in await conn.execute(since.distinct())}
    keys = {kind: {k for c, k in changed if c == kind} for kind in ("user", "group", "member", "credential")}
    then = await _images_at(conn, pool_id, at, tuple_(j.c.kind, j.c.key).in_(since))

    user_now = await _current_users(conn, pool_id, keys["user"])
    user_changes = Changes()
    for sub in keys["user"]:
        user_changes.classify(sub, then.get(("user", sub)), user_now.get(sub))
    group_now = await _current_groups(conn, pool_id, keys["group"])
    group_changes = Changes()
    for name in keys["group"]:
        group_changes.classify(name, then.get(("group", name)), group_now.get(name))

    # Memberships: those changed since T, and those at T of users and groups coming back.
    back_users, back_groups = list(user_changes.create), list(group_changes.create)
    member_then = {k: d for (kind, k), d in then.items() if kind == "member"}
    if back_users or back_groups:
        extra = and_(
            j.c.kind == "member",
            func.substr(j.c.key, 1, 36).in_(back_users) | func.substr(j.c.key, 38).in_(back_groups),
        )
        member_then.update({k: d for (_, k), d in (await _images_at(conn, pool_id, at, extra)).items()})
    candidates = {(k[:36], k[37:]) for k in (*keys["member"], *member_then)}
    subs_now = set(await _user_ids(conn, pool_id, {sub for sub, _ in candidates}))
    names_now = set(await _current_groups(conn, pool_id, {name for _, name in candidates}))
    member_now = await _current_members(conn, pool_id, subs_now)

    def at_t(kind: str, key: str, exists_now: set[str]) -> bool:
        return then.get((kind, key)) is not None if key in keys[kind] else key in exists_now

    member_changes, stale = Changes(), []
    for sub, name in candidates:
        imaged = member_then.get(member_key(sub, name)) is not None
        was = imaged and at_t("user", sub, subs_now) and at_t("group", name, names_now)
        if imaged and not was and (sub, name) not in member_now:
            stale.append((sub, name))  # went with a deleted user or group: say so in the journal
        member_changes.classify((sub, name), {} if was else None, {} if (sub, name) in member_now else None)

    credentials: dict[str, dict[str, Any]] = {}
    if back_users:
        creds = await _images_at(conn, pool_id, at, and_(j.c.kind == "credential", j.c.key.in_(back_users)))
        credentials = {key: doc for (_, key), doc in creds.items() if doc is not None}
    return Plan(user_changes, group_changes, member_changes, credentials, stale)


async def _current_users(conn: Conn, pool_id: str, subs: set[str]) -> dict[str, dict[str, Any]]:
    if not subs:
        return {}
    query = select(*_USER_IMAGE).where(users.c.pool_id == pool_id, users.c.sub.in_(subs))
    return {
        r.sub: {c.name: r._mapping[c.name] for c in _USER_IMAGE} for r in (await conn.execute(query)).all()
    }


async def _current_groups(conn: Conn, pool_id: str, names: set[str]) -> dict[str, dict[str, Any]]:
    if not names:
        return {}
    query = select(groups).where(groups.c.pool_id == pool_id, groups.c.name.in_(names))
    return {r.name: {k: r._mapping[k] for k in GROUP_IMAGE} for r in (await conn.execute(query)).all()}


async def _current_members(conn: Conn, pool_id: str, subs: set[str]) -> set[tuple[str, str]]:
    if not subs:
        return set()
    query = (
        select(users.c.sub, user_groups.c.group_name)
        .join(user_groups, user_groups.c.user_id == users.c.id)
        .where(users.c.pool_id == pool_id, users.c.sub.in_(subs))
    )
    return {(r.sub, r.group_name) for r in (await conn.execute(query)).all()}


async def apply(conn: Conn, journal: Journal, pool_id: str, p: Plan) -> None:
    """Applies ``p`` in the caller's transaction, journaling every change it makes.

    Deletions first, then aliases of updated users are released before any profile is rewritten, so
    that the unique sign-in aliases never collide half-way (the end state is the state at T).
    """
    ids = await _user_ids(
        conn, pool_id, {sub for sub, _ in p.members.delete} | set(p.users.delete) | set(p.users.update)
    )
    for sub, name in p.stale:
        journal.record(pool_id, "member", member_key(sub, name), None)
    for sub, name in p.members.delete:
        if sub in ids:
            await conn.execute(
                delete(user_groups).where(user_groups.c.user_id == ids[sub], user_groups.c.group_name == name)
            )
        journal.record(pool_id, "member", member_key(sub, name), None)
    for sub in p.users.delete:
        await conn.execute(delete(users).where(users.c.id == ids[sub]))  # codes, verifier, tokens cascade
        journal.record(pool_id, "user", sub, None)
        journal.record(pool_id, "credential", sub, None)
    for name in p.groups.delete:
        await conn.execute(delete(groups).where(groups.c.pool_id == pool_id, groups.c.name == name))
        journal.record(pool_id, "group", name, None)
    for sub in p.users.update:
        await conn.execute(update(users).where(users.c.id == ids[sub]).values(**_ALIASES))
    for sub, image in p.users.update.items():
        await conn.execute(update(users).where(users.c.id == ids[sub]).values(**image))
        journal.record(pool_id, "user", sub, image)
    for name, image in p.groups.update.items():
        await conn.execute(
            update(groups).where(groups.c.pool_id == pool_id, groups.c.name == name).values(**image)
        )
        journal.record(pool_id, "group", name, image)
    for name, image in p.groups.create.items():
        await conn.execute(insert(groups).values(pool_id=pool_id, name=name, **image))
        journal.record(pool_id, "group", name, image)
    for sub, image in p.users.create.items():
        user_id = (
            await conn.execute(insert(users).values(pool_id=pool_id, **image).returning(users.c.id))
        ).scalar_one()
        ids[sub] = int(user_id)
        journal.record(pool_id, "user", sub, image)
        credential = p.credentials.get(sub)
        if credential is not None:
            await conn.execute(insert(user_credentials).values(user_id=user_id, **credential))
            journal.record(pool_id, "credential", sub, credential)
    ids.update(await _user_ids(conn, pool_id, {sub for sub, _ in p.members.create} - set(ids)))
    for sub, name in p.members.create:
        await conn.execute(insert(user_groups).values(user_id=ids[sub], pool_id=pool_id, group_name=name))
        journal.record(pool_id, "member", member_key(sub, name), {})


async def _user_ids(conn: Conn, pool_id: str, subs: set[str]) -> dict[str, int]:
    if not subs:
        return {}
    query = select(users.c.sub, users.c.id).where(users.c.pool_id == pool_id, users.c.sub.in_(subs))
    return {r.sub: int(r.id) for r in (await conn.execute(query)).all()}
