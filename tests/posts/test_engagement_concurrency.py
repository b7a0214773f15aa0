"""Reactions and comments at the same moment, on real commits and real connections
(one thread each, released together): one reaction per member, and every count exact."""

from __future__ import annotations

from collections import Counter
from functools import partial

from sqlalchemy import func, select

from kith.models import REACTIONS, Comment, Interaction, Member, Notification, Post, Reaction
from kith.posts import engagement as eng
from kith.runtime import Kith
from tests.fixtures.engagement import make_post
from tests.fixtures.factories import connect
from tests.fixtures.races import members, race, scalar


def _react(kith: Kith, member_id: int, post_id: int, kind: str) -> str:
    with kith.uow() as ctx:
        eng.react(ctx, ctx.session.get_one(Member, member_id), post_id, kind)
        return "reacted"


def _unreact(kith: Kith, member_id: int, post_id: int) -> str:
    with kith.uow() as ctx:
        eng.unreact(ctx, ctx.session.get_one(Member, member_id), post_id)
        return "taken back"


def _comment(kith: Kith, member_id: int, post_id: int, reply_to: int | None) -> str:
    with kith.uow() as ctx:
        eng.add_comment(
            ctx, ctx.session.get_one(Member, member_id), post_id, "Hi", reply_to=reply_to
        )
        return "commented"


def _setup(kith: Kith) -> tuple[int, int]:
    author, reactor = members(kith, 2)
    with kith.uow() as ctx:
        a, r = ctx.session.get_one(Member, author), ctx.session.get_one(Member, reactor)
        connect(ctx, a, r)
        return reactor, make_post(ctx, a).id


def test_twenty_reactions_from_one_member_leave_one(committed_kith: Kith) -> None:
    kith = committed_kith
    reactor, post_id = _setup(kith)
    kinds = [REACTIONS[i % len(REACTIONS)] for i in range(20)]
    assert race([partial(_react, kith, reactor, post_id, k) for k in kinds]) == Counter(reacted=20)
    assert scalar(kith, select(func.count()).where(Reaction.post_id == post_id)) == 1
    assert scalar(kith, select(Post.reaction_count).where(Post.id == post_id)) == 1
    # One notification for the author, one automatic entry in the reactor's log.
    reaction_notes = select(func.count()).where(Notification.kind == "post_reaction")
    assert scalar(kith, reaction_notes) == 1
    assert scalar(kith, select(func.count()).where(Interaction.automatic.is_(True))) == 1
    assert scalar(kith, select(func.sum(Interaction.count))) == 1


def test_reacting_and_taking_back_at_once_keeps_the_count_true(committed_kith: Kith) -> None:
    kith = committed_kith
    reactor, post_id = _setup(kith)
    actions = [partial(_react, kith, reactor, post_id, "like") for _ in range(10)]
    actions += [partial(_unreact, kith, reactor, post_id) for _ in range(10)]
    assert race(actions) == Counter(reacted=10, **{"taken back": 10})
    rows = scalar(kith, select(func.count()).where(Reaction.post_id == post_id))
    assert rows in (0, 1)
    assert scalar(kith, select(Post.reaction_count).where(Post.id == post_id)) == rows


def test_twenty_members_reacting_at_once_are_all_counted(committed_kith: Kith) -> None:
    kith = committed_kith
    author, *others = members(kith, 21)
    with kith.uow() as ctx:
        post_id = make_post(ctx, ctx.session.get_one(Member, author)).id
    assert race([partial(_react, kith, m, post_id, "like") for m in others]) == Counter(reacted=20)
    assert scalar(kith, select(Post.reaction_count).where(Post.id == post_id)) == 20
    # Grouped: one unread notification that counts all twenty.
    assert scalar(kith, select(func.count()).where(Notification.kind == "post_reaction")) == 1
    assert scalar(kith, select(Notification.detail).where(Notification.post_id == post_id)) == 20


def test_comments_and_replies_at_once_are_all_counted(committed_kith: Kith) -> None:
    kith = committed_kith
    author, *others = members(kith, 11)
    with kith.uow() as ctx:
        post_id = make_post(ctx, ctx.session.get_one(Member, author)).id
    _comment(kith, author, post_id, None)
    top = scalar(kith, select(func.min(Comment.id)))
    actions = [partial(_comment, kith, m, post_id, top) for m in others]
    actions += [partial(_comment, kith, m, post_id, None) for m in others]
    assert race(actions) == Counter(commented=20)
    assert scalar(kith, select(Post.comment_count).where(Post.id == post_id)) == 21
    assert scalar(kith, select(Comment.reply_count).where(Comment.id == top)) == 10
