"""Groups in the rest of Kith: message requests between fellow members, "Fellow member
of ..." instead of "Out of network", shared groups in people you may know, the group
filter of people search, a tag invited from Relationships, Community insights."""

from __future__ import annotations

from fastapi.testclient import TestClient

from kith.graph.service import badges
from kith.groups import circles, service
from kith.groups.insights import community_groups
from kith.messaging import service as messaging
from kith.pagination import PageRequest
from kith.relationships.records import bulk_tag
from kith.runtime import Kith
from kith.search.service import SearchQuery, search_people
from kith.search.suggestions import GROUPS_PER_STATEMENT, people_you_may_know
from tests.fixtures.factories import connect, make_member
from tests.fixtures.groups import cast, refused
from tests.fixtures.introductions import synced

PAGE = PageRequest(1, 20)


def test_fellow_members_may_ask_to_message_and_read_as_fellows(
    kith: Kith, client: TestClient
) -> None:
    with kith.uow() as ctx:
        c = cast(ctx, "private")
        stranger = make_member(ctx, "Sol", "Stranger")
        send = messaging.send_message
        assert refused(send, ctx, c.outsider, c.member, "Hello") == "message_not_allowed"
        service.join(ctx, c.outsider, c.group.id, [])
        # A request waiting is no membership yet.
        assert refused(send, ctx, c.outsider, c.member, "Hello") == "message_not_allowed"
        service.approve(ctx, c.owner, c.group.id, c.outsider.id)
        allowed = messaging.permission(ctx, c.outsider, c.member, None)
        assert (allowed.kind, allowed.group and allowed.group.name) == ("request", c.group.name)
        assert [m for m, _ in messaging.recipients(ctx, c.outsider, "mia")] == [c.member]
        send(ctx, c.outsider, c.member, "Hello, fellow mapmaker")
        conversation = messaging.conversation_between(ctx, c.outsider.id, c.member.id)
        assert conversation is not None
        assert conversation.status == "request"
    synced(kith)
    with kith.uow(write=False) as ctx:
        viewer = ctx.session.merge(c.outsider)
        found = badges(ctx, viewer, [c.member.id, stranger.id])
        assert found[c.member.id].label == f"Fellow member of {c.group.name}"
        assert found[stranger.id].label == "Out of network"


def test_shared_groups_suggest_people_and_filter_search(kith: Kith, client: TestClient) -> None:
    with kith.uow() as ctx:
        c = cast(ctx, "private")
        public = cast(ctx, "public")
    synced(kith)
    with kith.uow() as ctx:
        mia = ctx.session.merge(c.member)
        suggested = {s.member.id: s.reasons for s in people_you_may_know(ctx, mia, limit=20)}
        assert suggested[c.owner.id][0] == f"You are both members of {c.group.name}"
        members = search_people(ctx, mia, SearchQuery(group=(str(c.group.id),)), PAGE)
        assert {h.member.id for h in members.page.items} == {c.owner.id, c.manager.id}
        # A private group one is not in matches no one, as a group that does not exist.
        outsider = ctx.session.merge(c.outsider)
        hidden = search_people(ctx, outsider, SearchQuery(group=(str(c.group.id),)), PAGE)
        missing = search_people(ctx, outsider, SearchQuery(group=("2000000000",)), PAGE)
        assert hidden.page.total == missing.page.total == 0
        opened = search_people(ctx, outsider, SearchQuery(group=(str(public.group.id),)), PAGE)
        assert opened.page.total == 3


def test_a_shared_group_is_named_by_the_smallest_and_only_members_count(
    kith: Kith, client: TestClient
) -> None:
    """People you may know reads the viewer's groups one at a time, smallest first: a
    fellow member of two groups is suggested for the smaller; someone who only asked
    to join, or was banned, is no fellow member."""
    with kith.uow() as ctx:
        big = cast(ctx, "public")
        small = cast(ctx, "public")
        mia = big.member
        both = make_member(ctx, "Bo", "Both")
        asked = make_member(ctx, "Ash", "Asked")
        for who in (mia, both):
            service.join(ctx, who, small.group.id)
        service.join(ctx, both, big.group.id)
        for extra in range(3):
            service.join(ctx, make_member(ctx, f"Bigs{extra}"), big.group.id)
        private = cast(ctx, "private")
        service.join(ctx, mia, private.group.id, [])
        service.approve(ctx, private.owner, private.group.id, mia.id)
        assert service.join(ctx, asked, private.group.id, []) == "requested"
    synced(kith)
    with kith.uow() as ctx:
        viewer = ctx.session.merge(mia)
        groups = {g.id: ctx.session.merge(g) for g in (big.group, small.group, private.group)}
        assert groups[small.group.id].member_count < groups[big.group.id].member_count
        suggested = {s.member.id: s.reasons for s in people_you_may_know(ctx, viewer, limit=50)}
        assert suggested[both.id][0] == f"You are both members of {small.group.name}"
        assert suggested[big.owner.id][0] == f"You are both members of {big.group.name}"
        assert asked.id not in suggested
        assert viewer.id not in suggested


def test_fellow_members_of_many_groups_are_all_read(kith: Kith, client: TestClient) -> None:
    """Past the groups one statement reads (GROUPS_PER_STATEMENT), the next ones are
    read too: a fellow member in each of 55 groups is suggested for their group."""
    with kith.uow() as ctx:
        viewer = make_member(ctx, "Vi", "Many")
        owners = {}
        for i in range(GROUPS_PER_STATEMENT + 5):
            owner = make_member(ctx, f"Own{i}")
            group = service.create_group(ctx, owner, service.GroupDraft(name=f"Guild {i:02d}"))
            service.join(ctx, viewer, group.id)
            owners[owner.id] = group.name
    synced(kith)
    with kith.uow() as ctx:
        me = ctx.session.merge(viewer)
        suggested = {s.member.id: s.reasons for s in people_you_may_know(ctx, me, limit=100)}
        assert {i: suggested[i][0] for i in owners} == {
            i: f"You are both members of {name}" for i, name in owners.items()
        }


def test_a_tag_is_invited_one_by_one(kith: Kith, client: TestClient) -> None:
    with kith.uow() as ctx:
        ctx.settings.group_invitations_per_week = 4
        c = cast(ctx, "unlisted")  # the owner invited two already this week
        friends = [make_member(ctx, "Fay") for _ in range(3)]
        for friend in friends:
            connect(ctx, c.owner, friend)
        tag = bulk_tag(ctx, c.owner, [*friends, c.member], "Cartographers")
        outcomes = circles.invite_circle(ctx, c.owner, c.group.id, tag_id=tag.id)
        assert outcomes == {"invited": 2, "already_member": 1, "group_invitation_limit": 1}
        assert (
            refused(circles.invite_circle, ctx, c.outsider, c.group.id, tag_id=tag.id)
            == "group_not_found"
        )
        assert refused(circles.invite_circle, ctx, c.member, c.group.id, tag_id=tag.id) == (
            "tag_not_found"
        )
        figures = community_groups(ctx)
        assert figures.by_kind == {"unlisted": 1}
        assert figures.memberships == 3
        assert figures.largest == []  # an unlisted group is never named
