"""Reactions, comments and replies, reposts, who reacted, notifications, the private log
and profile activity (kith.posts.engagement), on both databases."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from kith.blocks.service import block
from kith.clock import FrozenClock
from kith.errors import KithError
from kith.messaging.service import send_message
from kith.models import Comment, Contact, Interaction, Member, Notification, Post, Reaction
from kith.notifications.service import list_notifications, mark_read, unread_count
from kith.pagination import PageRequest
from kith.posts import engagement as eng
from kith.posts import reactors as who
from kith.posts.views import post_cards
from kith.relationships.records import set_tier
from kith.relationships.tiers_tags import create_tier
from kith.runtime import Kith
from kith.uow import Ctx
from tests.fixtures.engagement import make_post
from tests.fixtures.factories import connect, make_member


def _code(action: Callable[[], object]) -> str:
    with pytest.raises(KithError) as refused:
        action()
    return refused.value.code


def _notes(ctx: Ctx, member: Member, kind: str | None = None) -> list[Notification]:
    page = list_notifications(ctx, member, PageRequest(1, 100))
    return [n for n in page.items if kind is None or n.kind == kind]


def test_react_change_and_take_back(ctx: Ctx) -> None:
    ana, ben = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    post = make_post(ctx, ana)
    assert eng.react(ctx, ben, post.id, "like").kind == "like"
    assert eng.react(ctx, ben, post.id, "celebrate").kind == "celebrate"
    assert post.reaction_count == 1
    assert ctx.session.scalar(select(func.count()).select_from(Reaction)) == 1
    assert who.reaction_kinds(ctx, [post.id]) == {post.id: ["celebrate"]}
    assert eng.unreact(ctx, ben, post.id) is True
    assert eng.unreact(ctx, ben, post.id) is False
    assert post.reaction_count == 0
    assert _code(lambda: eng.react(ctx, ben, post.id, "angry")) == "invalid_reaction"


def test_comment_reactions_count_on_the_comment(ctx: Ctx) -> None:
    ana, ben = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    post = make_post(ctx, ana)
    comment = eng.add_comment(ctx, ana, post.id, "First!")
    eng.react_to_comment(ctx, ben, comment.id, "funny")
    eng.react_to_comment(ctx, ben, comment.id, "love")
    assert comment.reaction_count == 1
    assert eng.my_comment_reactions(ctx, ben, [comment.id]) == {comment.id: "love"}
    assert post.reaction_count == 0
    assert eng.unreact_to_comment(ctx, ben, comment.id) is True
    assert comment.reaction_count == 0


def test_replies_go_one_level_deep_and_deletes_correct_counts(ctx: Ctx) -> None:
    ana, ben, cai = (make_member(ctx, n) for n in ("Ana", "Ben", "Cai"))
    post = make_post(ctx, ana)
    top = eng.add_comment(ctx, ben, post.id, "  Great news  ")
    assert top.body == "Great news"
    reply = eng.add_comment(ctx, cai, post.id, "Agreed", reply_to=top.id)
    deeper = eng.add_comment(ctx, ana, post.id, "Thanks both", reply_to=reply.id)
    assert reply.parent_id == top.id
    assert deeper.parent_id == top.id
    assert top.reply_count == 2
    assert post.comment_count == 3

    threads, more = eng.comment_threads(ctx, cai, post.id)
    assert not more
    assert [(t.comment.id, [r.id for r in t.replies]) for t in threads] == [
        (top.id, [reply.id, deeper.id])
    ]

    # A reply must belong to the same post.
    other = make_post(ctx, ana)
    assert _code(lambda: eng.add_comment(ctx, ben, other.id, "x", reply_to=top.id)) == (
        "comment_not_found"
    )
    assert _code(lambda: eng.add_comment(ctx, ben, post.id, "   ")) == "invalid_comment"
    assert _code(lambda: eng.add_comment(ctx, ben, post.id, "x" * 1251)) == "invalid_comment"

    # Deleting a reply counts it off its thread; deleting a thread takes its replies.
    assert eng.delete_comment(ctx, cai, reply.id) == 1
    ctx.session.refresh(top)
    assert top.reply_count == 1
    assert post.comment_count == 2
    assert eng.delete_comment(ctx, ben, top.id) == 2
    assert post.comment_count == 0
    assert ctx.session.scalar(select(func.count()).select_from(Comment)) == 0


def test_edit_own_comment_and_the_authors_delete(ctx: Ctx) -> None:
    ana, ben, cai = (make_member(ctx, n) for n in ("Ana", "Ben", "Cai"))
    post = make_post(ctx, ana)
    comment = eng.add_comment(ctx, ben, post.id, "Hello")
    ctx.clock.advance(minutes=5)  # type: ignore[attr-defined]
    edited = eng.edit_comment(ctx, ben, comment.id, "Hello again")
    assert edited.body == "Hello again"
    assert edited.edited_at is not None
    assert _code(lambda: eng.edit_comment(ctx, ana, comment.id, "Mine now")) == (
        "comment_not_yours"
    )
    assert _code(lambda: eng.delete_comment(ctx, cai, comment.id)) == "comment_not_yours"
    # The post's author may delete any comment on their post.
    assert eng.delete_comment(ctx, ana, comment.id) == 1
    assert _code(lambda: eng.edit_comment(ctx, ben, comment.id, "x")) == "comment_not_found"


def test_every_path_answers_post_not_found_outside_the_audience(ctx: Ctx) -> None:
    ana, ben, dee = (make_member(ctx, n) for n in ("Ana", "Ben", "Dee"))
    connect(ctx, ana, ben)
    post = make_post(ctx, ana, "connections")
    comment = eng.add_comment(ctx, ben, post.id, "Nice")
    actions: list[Callable[[], object]] = [
        lambda: eng.react(ctx, dee, post.id, "like"),
        lambda: eng.unreact(ctx, dee, post.id),
        lambda: eng.add_comment(ctx, dee, post.id, "Hi"),
        lambda: eng.add_comment(ctx, dee, post.id, "Hi", reply_to=comment.id),
        lambda: eng.comment_threads(ctx, dee, post.id),
        lambda: who.reactors(ctx, dee, post.id, PageRequest()),
        lambda: eng.repost(ctx, dee, post.id),
        lambda: eng.set_notify(ctx, dee, post.id, False),
    ]
    assert [_code(a) for a in actions] == ["post_not_found"] * len(actions)
    # A comment on it reads as no comment at all: its id tells nothing of the post.
    on_comment: list[Callable[[], object]] = [
        lambda: eng.react_to_comment(ctx, dee, comment.id, "like"),
        lambda: eng.unreact_to_comment(ctx, dee, comment.id),
        lambda: eng.edit_comment(ctx, dee, comment.id, "x"),
        lambda: eng.delete_comment(ctx, dee, comment.id),
        lambda: eng.visible_comment(ctx, dee.id, comment.id),
    ]
    assert [_code(a) for a in on_comment] == ["comment_not_found"] * len(on_comment)
    # A block hides it the same way, even from a connection.
    block(ctx, ana, ben)
    assert _code(lambda: eng.react(ctx, ben, post.id, "like")) == "post_not_found"
    assert _code(lambda: eng.comment_threads(ctx, ben, post.id)) == "post_not_found"


def test_reposts_point_at_the_original_and_never_widen(ctx: Ctx) -> None:
    ana, ben, cai, dee = (make_member(ctx, n) for n in ("Ana", "Ben", "Cai", "Dee"))
    connect(ctx, ana, ben)
    connect(ctx, ben, cai)
    public = make_post(ctx, ana)
    first = eng.repost(ctx, ben, public.id, "Worth reading")
    second = eng.repost(ctx, cai, first.id)
    assert first.repost_of_id == public.id
    assert second.repost_of_id == public.id
    assert second.body == ""
    assert public.repost_count == 2

    closed = make_post(ctx, ana, "connections")
    assert _code(lambda: eng.repost(ctx, ben, closed.id, audience="anyone")) == (
        "repost_audience_wider"
    )
    narrowed = eng.repost(ctx, ben, closed.id, audience="connections")
    # Cai is Ben's connection but not Ana's: the repost does not reach him.
    assert _code(lambda: eng.react(ctx, cai, narrowed.id, "like")) == "post_not_found"
    assert _code(lambda: eng.repost(ctx, dee, closed.id)) == "post_not_found"
    assert _code(lambda: eng.repost(ctx, ben, public.id, audience="everyone")) == (
        "invalid_audience"
    )
    assert _code(lambda: eng.repost(ctx, ben, public.id, audience="tier", tier_id=1)) == (
        "tier_not_found"
    )
    assert _code(lambda: eng.repost(ctx, ben, public.id, "x" * 3001)) == "post_too_long"


def test_notifications_group_reactions_and_respect_the_authors_choice(ctx: Ctx) -> None:
    ana, ben, cai, dee, eve = (make_member(ctx, n) for n in ("Ana", "Ben", "Cai", "Dee", "Eve"))
    post = make_post(ctx, ana)
    for member in (ben, cai, dee):
        eng.react(ctx, member, post.id, "like")
    eng.react(ctx, dee, post.id, "love")  # a change is not news
    eng.react(ctx, cai, post.id, "like")
    eng.unreact(ctx, cai, post.id)  # taken back and given again: still one of three
    eng.react(ctx, cai, post.id, "like")
    [note] = _notes(ctx, ana)
    assert (note.kind, note.actor_id, note.detail, note.post_id) == (
        "post_reaction",
        cai.id,
        "3",
        post.id,
    )
    assert unread_count(ctx, ana) == 1
    # Once read, the next reaction starts a new group.
    mark_read(ctx, ana)
    eng.react(ctx, eve, post.id, "insightful")
    assert [n.detail for n in _notes(ctx, ana) if n.read_at is None] == ["1"]

    comment = eng.add_comment(ctx, ben, post.id, "Congratulations")
    eng.add_comment(ctx, cai, post.id, "Well done", reply_to=comment.id)
    eng.add_comment(ctx, ana, post.id, "Thank you", reply_to=comment.id)
    eng.repost(ctx, dee, post.id)
    assert {n.kind for n in _notes(ctx, ana)} == {"post_reaction", "post_comment", "post_repost"}
    assert len(_notes(ctx, ana, "post_comment")) == 2
    assert [n.actor_id for n in _notes(ctx, ben, "comment_reply")] == [ana.id, cai.id]
    # The author's own actions never notify them.
    assert all(n.actor_id != ana.id for n in _notes(ctx, ana))

    # Turned off for this post: nothing more about it, but replies still reach others.
    assert _code(lambda: eng.set_notify(ctx, ben, post.id, False)) == "post_not_yours"
    eng.set_notify(ctx, ana, post.id, False)
    before = len(_notes(ctx, ana))
    eng.react(ctx, ben, post.id, "like")
    eng.add_comment(ctx, eve, post.id, "Late to this", reply_to=comment.id)
    eng.repost(ctx, eve, post.id)
    assert len(_notes(ctx, ana)) == before
    assert len(_notes(ctx, ben, "comment_reply")) == 3


def test_blocks_silence_replies_and_hide_old_notifications(ctx: Ctx) -> None:
    ana, ben, cai = (make_member(ctx, n) for n in ("Ana", "Ben", "Cai"))
    post = make_post(ctx, ana)
    comment = eng.add_comment(ctx, ben, post.id, "Hello")
    block(ctx, ben, cai)
    eng.add_comment(ctx, cai, post.id, "Hi Ben", reply_to=comment.id)
    assert _notes(ctx, ben, "comment_reply") == []
    # Cai's comment is hidden from Ben, not from Ana.
    ben_view, _ = eng.comment_threads(ctx, ben, post.id)
    ana_view, _ = eng.comment_threads(ctx, ana, post.id)
    assert [len(t.replies) for t in ben_view] == [0]
    assert [len(t.replies) for t in ana_view] == [1]
    # A notification about a post its member may no longer read is not shown.
    post.audience = "only_me"
    ctx.session.flush()
    eng_notes = _notes(ctx, ben)
    assert eng_notes == []


def test_who_reacted_lists_the_first_degree_first(kith: Kith) -> None:
    kith.start_network(thread=False)
    with kith.uow() as ctx:
        viewer, ana, ben, cai, dee = (
            make_member(ctx, n) for n in ("Vic", "Ana", "Ben", "Cai", "Dee")
        )
        connect(ctx, viewer, ana)
        connect(ctx, ana, ben)
        fay = make_member(ctx, "Fay")
        connect(ctx, fay, ana)
        post = make_post(ctx, dee)
        ids = {m.id: m for m in (viewer, ana, ben, cai, dee)}
    with kith.uow() as ctx:
        # Cai (out of network) reacts first, then Ben (2nd), then Ana (1st), then Vic.
        for member_id, kind in ((cai.id, "like"), (ben.id, "love"), (ana.id, "celebrate")):
            eng.react(ctx, ctx.session.get_one(Member, member_id), post.id, kind)
            kith.clock.advance(seconds=1)  # type: ignore[attr-defined]
        eng.react(ctx, ctx.session.get_one(Member, viewer.id), post.id, "like")
    with kith.uow(write=False) as ctx:
        me = ctx.session.get_one(Member, viewer.id)
        found, line = who.reactors(ctx, me, post.id, PageRequest())
        assert line == "You and 3 others"
        assert found.total == 4
        assert [(ids[r.member.id].first_name, r.degree) for r in found.items] == [
            ("Vic", None),
            ("Ana", 1),
            ("Ben", 2),
            ("Cai", 0),
        ]
        likes, _ = who.reactors(ctx, me, post.id, PageRequest(), kind="like")
        assert [r.member.id for r in likes.items] == [viewer.id, cai.id]
        second, _ = who.reactors(ctx, me, post.id, PageRequest(2, 3))
        assert [r.member.id for r in second.items] == [cai.id]
        # On a card, in a few words: the viewer first, else a connection, else the latest.
        card_post = ctx.session.get_one(Post, post.id)
        assert who.reaction_headlines(ctx, me, [card_post]) == {post.id: "You and 3 others"}
        fay_view = who.reaction_headlines(ctx, ctx.session.get_one(Member, fay.id), [card_post])
        assert fay_view == {post.id: f"{ana.name} and 3 others"}
        dee_view = who.reaction_headlines(ctx, ctx.session.get_one(Member, dee.id), [card_post])
        assert dee_view == {post.id: f"{viewer.name} and 3 others"}
        # The cards every list draws carry the same line and the kinds, most used first.
        (card,) = post_cards(ctx, ctx.session.get_one(Member, fay.id), [card_post])
        assert card.reaction_headline == f"{ana.name} and 3 others"
        assert card.reaction_kinds[0] == "like"
        assert sorted(card.reaction_kinds) == ["celebrate", "like", "love"]


def test_engaging_with_a_connections_post_is_the_days_interaction(
    ctx: Ctx, clock: FrozenClock
) -> None:
    ana, ben, cai = (make_member(ctx, n) for n in ("Ana", "Ben", "Cai"))
    connect(ctx, ana, ben)
    post = make_post(ctx, ana)
    eng.react(ctx, ben, post.id, "like")
    eng.add_comment(ctx, ben, post.id, "Bravo")
    eng.react(ctx, cai, post.id, "like")  # not a connection: no log
    contact = ctx.session.scalar(
        select(Contact).where(Contact.owner_id == ben.id, Contact.other_id == ana.id)
    )
    assert contact is not None
    assert contact.last_interaction_at == clock.now()
    [entry] = ctx.session.scalars(select(Interaction).where(Interaction.contact_id == contact.id))
    assert (entry.kind, entry.automatic, entry.count) == ("engagement", True, 2)
    assert ctx.session.scalar(select(func.count()).where(Contact.owner_id == cai.id)) == 0
    # The author's log is theirs to keep: it does not change.
    assert ctx.session.scalar(select(func.count()).where(Contact.owner_id == ana.id)) == 0
    # A message the same day shares the day's entry.
    send_message(ctx, ben, ana, "Saw your news!")
    ctx.session.refresh(entry)
    assert (entry.kind, entry.count) == ("mixed", 3)
    clock.advance(days=1)
    eng.add_comment(ctx, ben, post.id, "Still great")
    assert ctx.session.scalar(select(func.count()).where(Interaction.contact_id == contact.id)) == 2


def test_activity_lists_what_the_viewer_may_see(ctx: Ctx, clock: FrozenClock) -> None:
    ana, ben, vic = (make_member(ctx, n) for n in ("Ana", "Ben", "Vic"))
    connect(ctx, ana, ben)
    public = make_post(ctx, ana)
    closed = make_post(ctx, ana, "connections")
    eng.react(ctx, ben, public.id, "like")
    clock.advance(minutes=1)
    eng.add_comment(ctx, ben, closed.id, "Private word")
    clock.advance(minutes=1)
    eng.add_comment(ctx, ben, public.id, "Public word")

    mine = eng.activity_items(ctx, ben, ben, None, 10)
    assert [(i.kind, i.post_id) for i in mine] == [
        ("comment", public.id),
        ("comment", closed.id),
        ("reaction", public.id),
    ]
    theirs = eng.activity_items(ctx, vic, ben, None, 10)
    assert [(i.kind, i.post_id) for i in theirs] == [
        ("comment", public.id),
        ("reaction", public.id),
    ]
    assert [i.kind for i in eng.activity_items(ctx, ben, ben, mine[0].at, 1)] == ["comment"]
    block(ctx, vic, ben)
    assert eng.activity_items(ctx, vic, ben, None, 10) == []


def test_a_tier_post_takes_engagement_only_from_the_tier(ctx: Ctx) -> None:
    ana, ben, cai = (make_member(ctx, n) for n in ("Ana", "Ben", "Cai"))
    connect(ctx, ana, ben)
    connect(ctx, ana, cai)
    tier = create_tier(ctx, ana, "Mentors")
    set_tier(ctx, ana, ben, tier.id)
    post = make_post(ctx, ana, "tier", audience_tier_id=tier.id)
    eng.add_comment(ctx, ben, post.id, "Thanks for sharing")
    assert _code(lambda: eng.add_comment(ctx, cai, post.id, "Me too")) == "post_not_found"
    # Ben may repost it only as narrowly as the original: to a tier or tag of his, or himself.
    assert _code(lambda: eng.repost(ctx, ben, post.id, audience="connections")) == (
        "repost_audience_wider"
    )
    assert eng.repost(ctx, ben, post.id, audience="only_me").repost_of_id == post.id
    assert ctx.session.get_one(Post, post.id).repost_count == 1


def test_comment_mentions_and_reactions_on_comments_are_notified(ctx: Ctx) -> None:
    """A member mentioned in a comment is told once (also when an edit adds them), only
    while they may read the post; reactions on a comment are told to its author,
    grouped per comment while unread."""
    ana, ben, cai, dee = (make_member(ctx, n) for n in ("Ana", "Ben", "Cai", "Dee"))
    connect(ctx, ana, ben)
    connect(ctx, ana, cai)
    post = make_post(ctx, ana, "connections")
    comment = eng.add_comment(ctx, ben, post.id, f"Agreed, @{cai.handle} and @{dee.handle}")

    def notes(member: Member, kind: str) -> list[Notification]:
        return list(
            ctx.session.scalars(
                select(Notification).where(
                    Notification.member_id == member.id, Notification.kind == kind
                )
            )
        )

    told = notes(cai, "comment_mention")
    assert [(n.actor_id, n.post_id, n.comment_id) for n in told] == [(ben.id, post.id, comment.id)]
    assert notes(dee, "comment_mention") == []  # outside the audience: never told
    eng.edit_comment(ctx, ben, comment.id, f"Agreed, @{cai.handle} and @{ana.handle}!")
    eng.edit_comment(ctx, ben, comment.id, f"Agreed, @{cai.handle} and @{ana.handle}!!")
    assert len(notes(cai, "comment_mention")) == 1
    assert len(notes(ana, "comment_mention")) == 1

    eng.react_to_comment(ctx, ana, comment.id, "like")
    eng.react_to_comment(ctx, cai, comment.id, "celebrate")
    eng.react_to_comment(ctx, cai, comment.id, "love")  # a change is not a new reaction
    grouped = notes(ben, "comment_reaction")
    assert len(grouped) == 1
    assert (grouped[0].actor_id, grouped[0].comment_id, grouped[0].detail) == (
        cai.id,
        comment.id,
        "2",
    )
    eng.react_to_comment(ctx, ben, comment.id, "like")  # one's own: nothing
    assert notes(ben, "comment_reaction")[0].detail == "2"
    assert notes(ana, "comment_reaction") == []
