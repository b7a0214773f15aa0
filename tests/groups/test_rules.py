"""Every rule of groups, through the services, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kith.accounts.deletion import delete_account
from kith.clock import FrozenClock
from kith.groups import access, feed, lists, service
from kith.models import Group, GroupAudit, GroupMember, Notification
from kith.pagination import PageRequest
from kith.posts import service as posts
from kith.posts.audience import can_see
from kith.uow import Ctx
from tests.fixtures.factories import connect, make_member
from tests.fixtures.groups import cast, refused

PAGE = PageRequest(1, 20)


def _post(ctx: Ctx, author: object, group: Group, body: str = "Hello group") -> int:
    draft = posts.Draft(body, posts.Audience("group", group_id=group.id))
    return posts.create_post(ctx, author, draft).id  # type: ignore[arg-type]


def _kinds(ctx: Ctx, member_id: int) -> list[str]:
    return list(
        ctx.session.scalars(select(Notification.kind).where(Notification.member_id == member_id))
    )


def test_a_group_needs_a_name_and_a_kind(ctx: Ctx) -> None:
    ana = make_member(ctx)
    make = service.create_group
    assert refused(make, ctx, ana, service.GroupDraft(name="  ")) == "group_name_required"
    assert refused(make, ctx, ana, service.GroupDraft(name="x", kind="secret")) == (
        "invalid_group_kind"
    )
    assert refused(make, ctx, ana, service.GroupDraft(name="x" * 101)) == "group_text_too_long"
    assert refused(make, ctx, ana, service.GroupDraft(name="a\x00b")) == "invalid_text"
    group = make(
        ctx,
        ana,
        service.GroupDraft(
            name=" Rivers ", kind="public", topics=["maps", "maps", " water "], questions=["Why?"]
        ),
    )
    assert (group.name, group.topics, group.questions) == ("Rivers", ["maps", "water"], [])
    assert (group.member_count, service.my_status(ctx, ana, group)) == (1, "owner")


def test_public_groups_are_joined_and_left_with_exact_counts(ctx: Ctx) -> None:
    c = cast(ctx, "public")
    assert c.group.member_count == 3
    assert service.join(ctx, c.outsider, c.group.id) == "member"
    assert refused(service.join, ctx, c.outsider, c.group.id) == "already_member"
    assert c.group.member_count == 4
    service.leave(ctx, c.outsider, c.group.id)
    assert c.group.member_count == 3
    assert refused(service.leave, ctx, c.owner, c.group.id) == "owner_must_transfer"
    # Anyone reads a public group's posts.
    post_id = _post(ctx, c.member, c.group)
    assert can_see(ctx, c.outsider.id, post_id)


def test_a_private_request_is_approved_or_silently_declined(ctx: Ctx) -> None:
    c = cast(ctx, "private", questions=["What do you map?"])
    bea = make_member(ctx, "Bea")
    assert refused(service.join, ctx, bea, c.group.id, []) == "answers_required"
    assert service.join(ctx, bea, c.group.id, ["Rivers"]) == "requested"
    assert service.join(ctx, c.outsider, c.group.id, ["Hills"]) == "requested"
    assert c.group.request_count == 2
    assert "group_request" in _kinds(ctx, c.manager.id)
    assert refused(service.approve, ctx, c.member, c.group.id, bea.id) == "not_a_manager"

    service.decline(ctx, c.manager, c.group.id, c.outsider.id)
    waiting = lists.requests(ctx, c.owner, c.group.id, PAGE)
    assert [r.member_id for r in waiting.items] == [bea.id]
    # The declined requester reads exactly what a waiting one reads.
    assert service.my_status(ctx, c.outsider, c.group) == "requested"
    assert service.my_status(ctx, bea, c.group) == "requested"
    assert service.join(ctx, c.outsider, c.group.id, ["Hills"]) == "requested"
    assert _kinds(ctx, c.outsider.id) == []
    assert c.group.request_count == 1

    service.approve(ctx, c.manager, c.group.id, bea.id)
    assert service.my_status(ctx, bea, c.group) == "member"
    assert (c.group.member_count, c.group.request_count) == (4, 0)
    assert "group_approved" in _kinds(ctx, bea.id)
    actions = ctx.session.scalars(
        select(GroupAudit.action).where(GroupAudit.group_id == c.group.id)
    )
    assert {"decline", "approve"} <= set(actions)


@pytest.mark.parametrize("kind", ["private", "unlisted"])
def test_outsiders_read_nothing_inside(ctx: Ctx, kind: str) -> None:
    c = cast(ctx, kind)
    post_id = _post(ctx, c.member, c.group)
    assert not can_see(ctx, c.outsider.id, post_id)
    assert can_see(ctx, c.member.id, post_id)
    assert refused(feed.group_feed, ctx, c.outsider, c.group.id, PAGE) == "group_not_found"
    assert refused(access.readable_group, ctx, c.outsider, c.group.id) == "group_not_found"
    if kind == "unlisted":
        assert refused(access.visible_group, ctx, c.outsider, c.group.id) == "group_not_found"
        assert refused(service.join, ctx, c.outsider, c.group.id) == "group_not_found"
        assert c.group.id not in [g.id for g in lists.discover(ctx, c.outsider, PAGE).items]
    else:
        assert access.visible_group(ctx, c.outsider, c.group.id) is c.group
        assert c.group.id in [g.id for g in lists.discover(ctx, c.outsider, PAGE).items]
    posting = posts.Draft("Let me in", posts.Audience("group", group_id=c.group.id))
    assert refused(posts.create_post, ctx, c.outsider, posting) == "group_not_found"


def test_an_invitation_opens_an_unlisted_group_within_the_weekly_limit(
    ctx: Ctx, clock: FrozenClock
) -> None:
    ctx.settings.group_invitations_per_week = 2
    c = cast(ctx, "unlisted")  # the owner invited two already this week
    bea = make_member(ctx, "Bea")
    assert refused(service.invite, ctx, c.owner, c.group.id, bea) == "not_connected"
    connect(ctx, c.owner, bea)
    assert refused(service.invite, ctx, c.owner, c.group.id, bea) == "group_invitation_limit"
    clock.advance(days=8)
    service.invite(ctx, c.owner, c.group.id, bea)
    assert refused(service.invite, ctx, c.owner, c.group.id, bea) == "already_invited"
    assert "group_invitation" in _kinds(ctx, bea.id)
    assert access.visible_group(ctx, bea, c.group.id) is c.group
    assert [g.id for g, _who in lists.invitations(ctx, bea)] == [c.group.id]
    assert service.join(ctx, bea, c.group.id) == "member"
    assert c.group.member_count == 4


def test_each_role_has_its_powers_and_limits(ctx: Ctx) -> None:
    c = cast(ctx, "public")
    other = make_member(ctx, "Pia")
    service.join(ctx, other, c.group.id)
    assert refused(service.remove_member, ctx, c.member, c.group.id, other.id) == "not_a_manager"
    assert refused(service.remove_member, ctx, c.manager, c.group.id, c.owner.id) == (
        "not_the_owner"
    )
    assert refused(service.set_role, ctx, c.manager, c.group.id, other.id, "manager") == (
        "not_the_owner"
    )
    service.remove_member(ctx, c.manager, c.group.id, other.id)
    assert c.group.member_count == 3
    second = make_member(ctx, "Max")
    service.join(ctx, second, c.group.id)
    service.set_role(ctx, c.owner, c.group.id, second.id, "manager")
    assert refused(service.remove_member, ctx, c.manager, c.group.id, second.id) == (
        "not_the_owner"
    )
    service.remove_member(ctx, c.owner, c.group.id, second.id)
    draft = service.GroupDraft(name="Renamed", kind="private")
    assert refused(service.edit_group, ctx, c.manager, c.group.id, draft) == "not_the_owner"
    service.transfer(ctx, c.owner, c.group.id, c.member.id)
    assert service.my_status(ctx, c.member, c.group) == "owner"
    assert service.my_status(ctx, c.owner, c.group) == "manager"
    service.edit_group(ctx, c.member, c.group.id, draft)
    assert c.group.kind == "private"


def test_a_banned_member_cannot_rejoin_nor_read_a_private_group(ctx: Ctx) -> None:
    c = cast(ctx, "private")
    post_id = _post(ctx, c.owner, c.group)
    assert can_see(ctx, c.member.id, post_id)
    service.ban(ctx, c.manager, c.group.id, c.member)
    assert c.group.member_count == 2
    assert not can_see(ctx, c.member.id, post_id)
    assert refused(service.join, ctx, c.member, c.group.id, []) == "cannot_join"
    assert refused(feed.group_feed, ctx, c.member, c.group.id, PAGE) == "group_not_found"
    assert service.my_status(ctx, c.member, c.group) == "banned"
    connect(ctx, c.owner, c.member)
    assert refused(service.invite, ctx, c.owner, c.group.id, c.member) == "cannot_invite"
    service.unban(ctx, c.manager, c.group.id, c.member.id)
    assert service.join(ctx, c.member, c.group.id, []) == "requested"


def test_new_members_posts_wait_for_a_manager(ctx: Ctx) -> None:
    ctx.settings.group_approval_posts = 1
    c = cast(ctx, "public", post_approval=True)
    first = _post(ctx, c.member, c.group, "My first")
    assert can_see(ctx, c.member.id, first)
    assert can_see(ctx, c.manager.id, first)
    assert not can_see(ctx, c.outsider.id, first)
    assert [p.id for p in feed.awaiting(ctx, c.manager, c.group.id, PAGE).items] == [first]
    assert refused(feed.approve_post, ctx, c.member, c.group.id, first) == "not_a_manager"
    feed.approve_post(ctx, c.manager, c.group.id, first)
    assert can_see(ctx, c.outsider.id, first)
    second = _post(ctx, c.member, c.group, "Now trusted")
    assert can_see(ctx, c.outsider.id, second)
    managers = _post(ctx, c.manager, c.group, "Managers never wait")
    feed.pin(ctx, c.owner, c.group.id, first)
    items = feed.group_feed(ctx, c.outsider, c.group.id, PAGE).items
    assert [p.id for p in items] == [first, managers, second]
    feed.remove_post(ctx, c.manager, c.group.id, second)
    assert not can_see(ctx, c.member.id, second)
    log = feed.audit_log(ctx, c.owner, c.group.id, PAGE).items
    assert [a.action for a in log][:3] == ["delete_post", "pin_post", "approve_post"]
    assert refused(feed.audit_log, ctx, c.member, c.group.id, PAGE) == "not_a_manager"
    assert refused(feed.audit_log, ctx, c.outsider, c.group.id, PAGE) == "group_not_found"


def test_new_in_your_groups_is_one_digest(ctx: Ctx, clock: FrozenClock) -> None:
    c = cast(ctx, "private")
    clock.advance(minutes=1)
    for n in range(3):
        _post(ctx, c.owner, c.group, f"News {n}")
    _post(ctx, c.member, c.group, "Mine")
    digest = feed.new_in_groups(ctx, c.member)
    assert [(d.group_id, d.posts) for d in digest] == [(c.group.id, 3)]
    assert "post_mention" not in _kinds(ctx, c.member.id)
    clock.advance(minutes=1)
    feed.mark_seen(ctx, c.member, c.group.id)
    assert feed.new_in_groups(ctx, c.member) == []
    assert feed.new_in_groups(ctx, c.outsider) == []


def test_an_owner_who_leaves_kith_hands_the_group_on(ctx: Ctx, clock: FrozenClock) -> None:
    c = cast(ctx, "public")
    clock.advance(days=1)
    later = make_member(ctx, "Lou")
    service.join(ctx, later, c.group.id)
    service.set_role(ctx, c.owner, c.group.id, later.id, "manager")
    delete_account(ctx, c.owner, confirmed=True)
    # The longest-serving manager takes it.
    assert service.my_status(ctx, c.manager, c.group) == "owner"
    assert c.group.member_count == 3
    delete_account(ctx, c.manager, confirmed=True)
    assert service.my_status(ctx, later, c.group) == "owner"
    service.set_role(ctx, later, c.group.id, c.member.id, "member")
    delete_account(ctx, later, confirmed=True)
    # No manager left: the longest-serving member.
    assert service.my_status(ctx, c.member, c.group) == "owner"
    delete_account(ctx, c.member, confirmed=True)
    ctx.session.refresh(c.group)
    assert c.group.archived_at is not None
    assert c.group.member_count == 0
    left = ctx.session.scalars(select(GroupMember).where(GroupMember.group_id == c.group.id))
    assert list(left) == []


def test_the_archive_holds_groups_owned_memberships_and_posts_there(ctx: Ctx) -> None:
    from kith.portability.archive import member_archive

    c = cast(ctx, "private", questions=["Why?"])
    other = service.create_group(ctx, c.outsider, service.GroupDraft("Hills", kind="private"))
    service.join(ctx, c.member, other.id, [])
    service.decline(ctx, c.outsider, other.id, c.member.id)
    _post(ctx, c.member, c.group, "Archived words")
    groups = member_archive(ctx, c.member)["groups"]
    assert [m["group"]["name"] for m in groups["memberships"]] == [c.group.name]
    assert [(r["group"]["name"], r["status"]) for r in groups["requests"]] == [
        ("Hills", "requested")
    ]
    owner = member_archive(ctx, c.owner)
    assert [g["questions"] for g in owner["groups"]["owned"]] == [["Why?"]]
    assert [i["to"]["handle"] for i in owner["groups"]["invitations_sent"]] == []
    posts = member_archive(ctx, c.member)["posts"]
    assert [(p["audience"], p["audience_group"]) for p in posts] == [("group", c.group.name)]


def test_a_report_on_a_group_post_reaches_its_managers(ctx: Ctx) -> None:
    from kith.posts.reports import report

    c = cast(ctx, "public")
    post_id = _post(ctx, c.member, c.group, "Buy my course")
    report(ctx, c.outsider, "post", post_id, reason="spam")
    found = feed.reports(ctx, c.manager, c.group.id, PAGE).items
    assert [(r.post.id, r.reports) for r in found] == [(post_id, 1)]
    assert refused(feed.reports, ctx, c.member, c.group.id, PAGE) == "not_a_manager"
    feed.remove_post(ctx, c.manager, c.group.id, post_id)
    assert feed.reports(ctx, c.manager, c.group.id, PAGE).items == []
    assert "post_removed" in _kinds(ctx, c.member.id)
