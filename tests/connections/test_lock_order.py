"""Member row locks in one order on every path, and one more try after a deadlock.

On PostgreSQL every inserted row that refers to a member (a follow, a notification,
a message) takes a KEY SHARE lock on that member's row, in no particular order. The
pair lock that serializes actions on two members must not conflict with those, or
two transactions that inserted first and locked second deadlock.
"""

from __future__ import annotations

import threading

import httpx
import pytest
from sqlalchemy import func, select, text

from kith.app import create_app
from kith.connections.queries import lock_members
from kith.connections.service import send_invitation
from kith.models import Connection, Follow
from kith.notifications.service import notify
from kith.runtime import Kith
from tests.fixtures.factories import PASSWORD, make_member
from tests.fixtures.live import serve, wait_for_lock_waiter

pytestmark = pytest.mark.postgres_only


def test_rows_referring_to_members_then_the_pair_lock_never_deadlock(
    committed_kith: Kith,
) -> None:
    with committed_kith.uow() as ctx:
        ana, ben, cleo, dan = (make_member(ctx, n) for n in ("Ana", "Ben", "Cleo", "Dan"))
        ids = ana.id, ben.id, cleo.id, dan.id
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def action(actor: int) -> None:
        try:
            with committed_kith.uow() as ctx:
                # A row that refers to Ben: PostgreSQL takes KEY SHARE on his row.
                notify(ctx, ids[1], "new_follower", actor_id=actor)
                ctx.session.flush()
                barrier.wait(timeout=30)
                # Then the pair lock, as accepting, blocking or following do.
                lock_members(ctx.session, ids[0], ids[1])
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=action, args=(actor,)) for actor in ids[2:]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []


def test_follows_and_connections_at_once_all_commit(committed_kith: Kith) -> None:
    """Many members following and connecting to each other at the same moment."""
    with committed_kith.uow() as ctx:
        people = [make_member(ctx, f"P{i}") for i in range(6)]
        ids = [p.id for p in people]
    barrier = threading.Barrier(len(ids) * 2)
    errors: list[BaseException] = []

    def follow_all(me: int) -> None:
        from kith.follows.service import follow
        from kith.models import Member

        barrier.wait(timeout=30)
        for other in reversed(ids):
            if other == me:
                continue
            try:
                with committed_kith.uow() as ctx:
                    follow(ctx, ctx.session.get_one(Member, me), ctx.session.get_one(Member, other))
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

    def invite_all(me: int) -> None:
        from kith.errors import KithError
        from kith.models import Member

        barrier.wait(timeout=30)
        for other in ids:
            if other == me:
                continue
            try:
                with committed_kith.uow() as ctx:
                    sender = ctx.session.get_one(Member, me)
                    send_invitation(ctx, sender, ctx.session.get_one(Member, other))
            except KithError:
                pass  # already connected, pending...: refusals are fine
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

    threads = [threading.Thread(target=follow_all, args=(i,)) for i in ids] + [
        threading.Thread(target=invite_all, args=(i,)) for i in ids
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    with committed_kith.uow(write=False) as ctx:
        pairs = len(ids) * (len(ids) - 1) // 2
        assert ctx.session.scalar(select(func.count()).select_from(Connection)) == pairs
        # Connecting made both follow each other, and nobody followed twice.
        assert ctx.session.scalar(select(func.count()).select_from(Follow)) == 2 * pairs


def test_a_request_that_meets_a_deadlock_runs_once_more(committed_kith: Kith) -> None:
    with committed_kith.uow() as ctx:
        ana = make_member(ctx, "Ana", email="ana.lock@example.org")
        ben = make_member(ctx, "Ben", email="ben.lock@example.org")
        invitation = send_invitation(ctx, ana, ben).invitation
        ids = ana.id, ben.id, invitation.id
    assert ids[0] < ids[1]  # the pair lock takes Ana's row first
    lock_row = text("SELECT id FROM members WHERE id = :id FOR NO KEY UPDATE")
    with serve(create_app(committed_kith)) as base:
        credentials = {"email": "ben.lock@example.org", "password": PASSWORD}
        token = httpx.post(f"{base}/api/v1/auth/token", json=credentials).json()["access_token"]
        answers: list[httpx.Response] = []

        def accept() -> None:
            answers.append(
                httpx.post(
                    f"{base}/api/v1/invitations/{ids[2]}/accept",
                    headers={"Authorization": f"Bearer {token}"},
                    timeout=60,
                )
            )

        with committed_kith.db.writer.connect() as conn:
            # This connection waits long before looking for deadlocks, so the
            # request's transaction is the one PostgreSQL refuses.
            conn.execute(text("SET deadlock_timeout = '60s'"))
            conn.execute(lock_row, {"id": ids[1]})  # Ben's row first: the wrong order
            request = threading.Thread(target=accept)
            request.start()
            wait_for_lock_waiter(committed_kith)  # the request holds Ana, waits for Ben
            conn.execute(lock_row, {"id": ids[0]})  # a deadlock: the request gives way
            conn.commit()
            request.join(timeout=60)
    assert len(answers) == 1
    assert answers[0].status_code == 200, answers[0].text
    with committed_kith.uow(write=False) as ctx:
        assert ctx.session.scalar(select(func.count()).select_from(Connection)) == 1


def test_bulk_removal_takes_its_locks_in_id_order(committed_kith: Kith) -> None:
    from kith.models import Member
    from kith.relationships.pruning import remove_connections
    from tests.fixtures.factories import connect

    with committed_kith.uow() as ctx:
        owner, low, high = (make_member(ctx, n) for n in ("Ana", "Ben", "Cleo"))
        connect(ctx, owner, low)
        connect(ctx, owner, high)
        ids = owner.id, low.id, high.id
    assert ids[0] < ids[1] < ids[2]
    errors: list[BaseException] = []

    def prune() -> None:
        try:
            with committed_kith.uow() as ctx:
                chosen = [ctx.session.get_one(Member, i) for i in (ids[2], ids[1])]
                remove_connections(ctx, ctx.session.get_one(Member, ids[0]), chosen)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    lock_row = text("SELECT id FROM members WHERE id = :id FOR NO KEY UPDATE")
    with committed_kith.db.writer.connect() as conn:
        conn.execute(text("SET deadlock_timeout = '60s'"))
        # Another action on the pair (Ben, Cleo), in id order: Ben first.
        conn.execute(lock_row, {"id": ids[1]})
        thread = threading.Thread(target=prune)
        thread.start()
        wait_for_lock_waiter(committed_kith)
        conn.execute(lock_row, {"id": ids[2]})  # Cleo: free unless the pruning took her
        conn.commit()
        thread.join(timeout=60)
    assert errors == []
    with committed_kith.uow(write=False) as ctx:
        assert ctx.session.scalar(select(func.count()).select_from(Connection)) == 0


def test_inviting_imported_matches_takes_its_locks_in_id_order(committed_kith: Kith) -> None:
    from kith.models import Contact, Member
    from kith.portability.importing import import_linkedin
    from kith.portability.inviting import invite_matches
    from kith.portability.linkedin import read_export

    with committed_kith.uow() as ctx:
        owner, low, high = (make_member(ctx, n) for n in ("Ana", "Ben", "Cleo"))
        base = ctx.settings.base_url.rstrip("/")
        data = (
            b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
            + (
                f"Cleo,X,{base}/in/{high.handle},,,,01 Jan 2020\n"
                f"Ben,Y,{base}/in/{low.handle},,,,01 Jan 2020\n"
            ).encode()
        )
        import_linkedin(ctx, owner, read_export([("Connections.csv", data)]))
        ids = owner.id, low.id, high.id
        contacts = dict(
            ctx.session.execute(
                select(Contact.matched_member_id, Contact.id).where(Contact.owner_id == owner.id)
            ).all()
        )
    assert ids[0] < ids[1] < ids[2]
    errors: list[BaseException] = []

    def invite() -> None:
        try:
            with committed_kith.uow() as ctx:
                chosen = [contacts[ids[2]], contacts[ids[1]]]  # Cleo first
                invite_matches(ctx, ctx.session.get_one(Member, ids[0]), chosen)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    lock_row = text("SELECT id FROM members WHERE id = :id FOR NO KEY UPDATE")
    with committed_kith.db.writer.connect() as conn:
        conn.execute(text("SET deadlock_timeout = '60s'"))
        conn.execute(lock_row, {"id": ids[1]})  # another action on (Ben, Cleo), Ben first
        thread = threading.Thread(target=invite)
        thread.start()
        wait_for_lock_waiter(committed_kith)
        conn.execute(lock_row, {"id": ids[2]})
        conn.commit()
        thread.join(timeout=60)
    assert errors == []
