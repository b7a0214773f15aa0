"""REST endpoints: groups, their members, requests, invitations, bans, posts and
audit log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, UploadFile, status

from kith.groups import circles, directory, feed, lists, logo, service
from kith.groups.access import readable_group, visible_group
from kith.groups.schemas import (
    AuditOut,
    BanPage,
    CircleIn,
    CircleInvitationsOut,
    DigestOut,
    GroupAuditPage,
    GroupId,
    GroupIn,
    GroupInvitationOut,
    GroupMemberOut,
    GroupMemberPage,
    GroupOut,
    GroupPage,
    GroupPostIn,
    HandleIn,
    JoinIn,
    JoinOut,
    PinIn,
    RequestOut,
    RequestPage,
    RoleIn,
    SearchText,
)
from kith.members.schemas import MemberSummary
from kith.members.service import get_member
from kith.models import Group, Member, Post
from kith.pagination import Page
from kith.posts import service as posts
from kith.posts.schemas import PostId, PostOut
from kith.posts.views import post_cards
from kith.uow import Ctx
from kith.web.deps import ApiMemberId, KithDep, me
from kith.web.paging import Paged, page_request
from kith.web.params import PageNo, PerPage

router = APIRouter(tags=["groups"])


class _Posts(Paged):
    items: list[PostOut]


def _out(ctx: Ctx, viewer: Member, group: Group) -> GroupOut:
    counts = directory.connection_counts(ctx, viewer, [group.id]) if ctx.graph else {}
    return GroupOut.of(group, service.my_status(ctx, viewer, group), counts.get(group.id))


def _cards(ctx: Ctx, viewer: Member, page: Page[Group]) -> GroupPage:
    ids = [g.id for g in page.items]
    mine = service.statuses(ctx, viewer, ids)
    counts = directory.connection_counts(ctx, viewer, ids) if ctx.graph else {}
    items = [GroupOut.of(g, mine[g.id], counts.get(g.id)) for g in page.items]
    return GroupPage.of(page, items=items)


@router.post("/groups", status_code=status.HTTP_201_CREATED)
def create_group(body: GroupIn, kith: KithDep, member_id: ApiMemberId) -> GroupOut:
    """Start a group; you are its owner. Refusals: `group_name_required`,
    `group_text_too_long`, `invalid_group_kind`, `invalid_text`."""
    with kith.uow() as ctx:
        viewer = me(ctx, member_id)
        return _out(ctx, viewer, service.create_group(ctx, viewer, body.draft()))


@router.get("/groups")
def find_groups(
    kith: KithDep,
    member_id: ApiMemberId,
    q: SearchText = "",
    page: PageNo = 1,
    per_page: PerPage = None,
) -> GroupPage:
    """Public and private groups whose name, description or industry holds `q`, the
    largest first, each with how many of your connections are members. Unlisted
    groups are never found."""
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        found = lists.discover(ctx, viewer, page_request(ctx, page, per_page), q)
        return _cards(ctx, viewer, found)


@router.get("/groups/mine")
def my_groups(
    kith: KithDep, member_id: ApiMemberId, page: PageNo = 1, per_page: PerPage = None
) -> GroupPage:
    """The groups you belong to."""
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        return _cards(ctx, viewer, lists.my_groups(ctx, viewer, page_request(ctx, page, per_page)))


@router.get("/groups/suggested")
def groups_you_may_like(kith: KithDep, member_id: ApiMemberId) -> list[GroupOut]:
    """Groups many of your connections are in (and you are not)."""
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        return [
            GroupOut.of(x.group, "none", x.connections) for x in lists.you_may_like(ctx, viewer)
        ]


@router.get("/groups/invitations")
def group_invitations(kith: KithDep, member_id: ApiMemberId) -> list[GroupInvitationOut]:
    """Invitations to groups waiting for you."""
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        return [
            GroupInvitationOut(group=GroupOut.of(g, "invited"), invited_by=MemberSummary.of(who))
            for g, who in lists.invitations(ctx, viewer)
        ]


@router.get("/groups/new")
def new_in_your_groups(kith: KithDep, member_id: ApiMemberId) -> list[DigestOut]:
    """New in your groups: how many posts came in each since you last opened it."""
    with kith.uow(write=False) as ctx:
        return [
            DigestOut(group_id=d.group_id, name=d.name, new_posts=d.posts)
            for d in feed.new_in_groups(ctx, me(ctx, member_id))
        ]


@router.get("/groups/{group_id:int}")
def get_group(group_id: GroupId, kith: KithDep, member_id: ApiMemberId) -> GroupOut:
    """A group, if you may know it exists (`group_not_found` otherwise)."""
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        return _out(ctx, viewer, visible_group(ctx, viewer, group_id))


@router.put("/groups/{group_id:int}")
def edit_group(group_id: GroupId, body: GroupIn, kith: KithDep, member_id: ApiMemberId) -> GroupOut:
    """Change the group's name, description, rules, topics, questions and approval
    (owner and managers); only the owner changes its kind."""
    with kith.uow() as ctx:
        viewer = me(ctx, member_id)
        return _out(ctx, viewer, service.edit_group(ctx, viewer, group_id, body.draft()))


@router.put("/groups/{group_id:int}/logo")
def put_logo(
    group_id: GroupId,
    kith: KithDep,
    member_id: ApiMemberId,
    logo_file: Annotated[UploadFile | None, File(alias="logo")] = None,
) -> GroupOut:
    """Upload the group's logo (multipart `logo`: JPEG, PNG or WebP), owner and managers."""
    stream = logo_file.file if logo_file is not None else None
    logo.set_logo(kith, lambda ctx: me(ctx, member_id), group_id, stream)
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        return _out(ctx, viewer, visible_group(ctx, viewer, group_id))


@router.delete("/groups/{group_id:int}/logo", status_code=status.HTTP_204_NO_CONTENT)
def delete_logo(group_id: GroupId, kith: KithDep, member_id: ApiMemberId) -> None:
    with kith.uow() as ctx:
        logo.remove_logo(ctx, me(ctx, member_id), group_id)


@router.post("/groups/{group_id:int}/archive")
def archive_group(group_id: GroupId, kith: KithDep, member_id: ApiMemberId) -> GroupOut:
    """Archive the group (owner): it keeps its posts for its members, takes nothing new."""
    with kith.uow() as ctx:
        viewer = me(ctx, member_id)
        return _out(ctx, viewer, service.archive_group(ctx, viewer, group_id))


@router.post("/groups/{group_id:int}/join")
def join_group(group_id: GroupId, body: JoinIn, kith: KithDep, member_id: ApiMemberId) -> JoinOut:
    """Join a public group or one you were invited to (`member`), or ask to join a
    private one (`requested`, until a manager answers; a decline is never told).
    Refusals: `already_member`, `cannot_join`, `answers_required`,
    `group_requests_full`, `group_archived`."""
    with kith.uow() as ctx:
        joined = service.join(ctx, me(ctx, member_id), group_id, body.answers)
        return JoinOut(status=joined)


@router.post("/groups/{group_id:int}/leave", status_code=status.HTTP_204_NO_CONTENT)
def leave_group(group_id: GroupId, kith: KithDep, member_id: ApiMemberId) -> None:
    """Leave the group, or withdraw your request. The owner transfers it first."""
    with kith.uow() as ctx:
        service.leave(ctx, me(ctx, member_id), group_id)


@router.post("/groups/{group_id:int}/invitations", status_code=status.HTTP_201_CREATED)
def invite_to_group(
    group_id: GroupId, body: HandleIn, kith: KithDep, member_id: ApiMemberId
) -> MemberSummary:
    """Invite one of your connections (KITH_GROUP_INVITATIONS_PER_WEEK a week).
    Refusals: `not_connected`, `already_member`, `already_invited`, `cannot_invite`,
    `group_invitation_limit` (429 with Retry-After)."""
    with kith.uow() as ctx:
        invitee = get_member(ctx, body.handle)
        service.invite(ctx, me(ctx, member_id), group_id, invitee)
        return MemberSummary.of(invitee)


@router.post("/groups/{group_id:int}/invitations/circle")
def invite_circle(
    group_id: GroupId, body: CircleIn, kith: KithDep, member_id: ApiMemberId
) -> CircleInvitationsOut:
    """Invite the connections in one of your tiers or tags (Relationships), each through
    the same rules and weekly limit as one invitation. Refusals: `tier_not_found`,
    `tag_not_found`."""
    with kith.uow() as ctx:
        outcomes = circles.invite_circle(
            ctx, me(ctx, member_id), group_id, tier_id=body.tier_id, tag_id=body.tag_id
        )
    invited = outcomes.pop("invited", 0)
    return CircleInvitationsOut(invited=invited, refused=dict(outcomes))


@router.post("/groups/{group_id:int}/invitations/decline", status_code=status.HTTP_204_NO_CONTENT)
def decline_group_invitation(group_id: GroupId, kith: KithDep, member_id: ApiMemberId) -> None:
    with kith.uow() as ctx:
        service.decline_invitation(ctx, me(ctx, member_id), group_id)


@router.get("/groups/{group_id:int}/members")
def group_members(
    group_id: GroupId,
    kith: KithDep,
    member_id: ApiMemberId,
    q: SearchText = "",
    page: PageNo = 1,
    per_page: PerPage = None,
) -> GroupMemberPage:
    """The group's members, your connections first, each with degree and shared
    connections; `q` searches their names."""
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        found = directory.members(ctx, viewer, group_id, page_request(ctx, page, per_page), q)
        items = [
            GroupMemberOut.of(m, found.roles.get(m.id, "member"), found.badges.get(m.id))
            for m in found.page.items
        ]
        return GroupMemberPage.of(found.page, items=items, connections=found.connections)


@router.delete("/groups/{group_id:int}/members/{handle}", status_code=status.HTTP_204_NO_CONTENT)
def remove_group_member(
    group_id: GroupId, handle: str, kith: KithDep, member_id: ApiMemberId
) -> None:
    """Remove a member (managers remove members; the owner removes managers too)."""
    with kith.uow() as ctx:
        viewer = me(ctx, member_id)
        readable_group(ctx, viewer, group_id)
        service.remove_member(ctx, viewer, group_id, get_member(ctx, handle).id)


@router.put("/groups/{group_id:int}/members/{handle}/role")
def set_group_role(
    group_id: GroupId, handle: str, body: RoleIn, kith: KithDep, member_id: ApiMemberId
) -> GroupMemberOut:
    """Make a member a manager, or a manager a member again (owner)."""
    with kith.uow() as ctx:
        viewer = me(ctx, member_id)
        readable_group(ctx, viewer, group_id)
        row = service.set_role(ctx, viewer, group_id, get_member(ctx, handle).id, body.role)
        return GroupMemberOut.of(row.member, row.role, None)


@router.post("/groups/{group_id:int}/transfer")
def transfer_group(
    group_id: GroupId, body: HandleIn, kith: KithDep, member_id: ApiMemberId
) -> GroupOut:
    """Hand the group to another member (owner); you stay on as a manager."""
    with kith.uow() as ctx:
        viewer = me(ctx, member_id)
        readable_group(ctx, viewer, group_id)
        service.transfer(ctx, viewer, group_id, get_member(ctx, body.handle).id)
        return _out(ctx, viewer, visible_group(ctx, viewer, group_id))


@router.get("/groups/{group_id:int}/requests")
def group_requests(
    group_id: GroupId,
    kith: KithDep,
    member_id: ApiMemberId,
    page: PageNo = 1,
    per_page: PerPage = None,
) -> RequestPage:
    """Requests to join waiting for an answer, oldest first (managers)."""
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        found = lists.requests(ctx, viewer, group_id, page_request(ctx, page, per_page))
        return RequestPage.of(found, items=[RequestOut.of(r) for r in found.items])


@router.post("/groups/{group_id:int}/requests/{handle}/approve")
def approve_request(
    group_id: GroupId, handle: str, kith: KithDep, member_id: ApiMemberId
) -> MemberSummary:
    with kith.uow() as ctx:
        viewer = me(ctx, member_id)
        readable_group(ctx, viewer, group_id)
        row = service.approve(ctx, viewer, group_id, get_member(ctx, handle).id)
        return MemberSummary.of(row.member)


@router.post(
    "/groups/{group_id:int}/requests/{handle}/decline", status_code=status.HTTP_204_NO_CONTENT
)
def decline_request(group_id: GroupId, handle: str, kith: KithDep, member_id: ApiMemberId) -> None:
    """Decline silently: the member still reads their request as waiting."""
    with kith.uow() as ctx:
        viewer = me(ctx, member_id)
        readable_group(ctx, viewer, group_id)
        service.decline(ctx, viewer, group_id, get_member(ctx, handle).id)


@router.get("/groups/{group_id:int}/bans")
def group_bans(
    group_id: GroupId,
    kith: KithDep,
    member_id: ApiMemberId,
    page: PageNo = 1,
    per_page: PerPage = None,
) -> BanPage:
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        found = lists.banned(ctx, viewer, group_id, page_request(ctx, page, per_page))
        return BanPage.of(found, items=[MemberSummary.of(r.member) for r in found.items])


@router.post("/groups/{group_id:int}/bans", status_code=status.HTTP_204_NO_CONTENT)
def ban_member(group_id: GroupId, body: HandleIn, kith: KithDep, member_id: ApiMemberId) -> None:
    """Ban a member (managers): they leave and cannot join again."""
    with kith.uow() as ctx:
        viewer = me(ctx, member_id)
        readable_group(ctx, viewer, group_id)
        service.ban(ctx, viewer, group_id, get_member(ctx, body.handle))


@router.delete("/groups/{group_id:int}/bans/{handle}", status_code=status.HTTP_204_NO_CONTENT)
def unban_member(group_id: GroupId, handle: str, kith: KithDep, member_id: ApiMemberId) -> None:
    with kith.uow() as ctx:
        viewer = me(ctx, member_id)
        visible_group(ctx, viewer, group_id)
        service.unban(ctx, viewer, group_id, get_member(ctx, handle).id)


@router.get("/groups/{group_id:int}/posts")
def group_posts(
    group_id: GroupId,
    kith: KithDep,
    member_id: ApiMemberId,
    page: PageNo = 1,
    per_page: PerPage = None,
) -> _Posts:
    """The group's posts, newest first, its pinned post first on the first page."""
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        found = feed.group_feed(ctx, viewer, group_id, page_request(ctx, page, per_page))
        cards = post_cards(ctx, viewer, found.items)
        return _Posts.of(found, items=[PostOut.of(c) for c in cards])


@router.post("/groups/{group_id:int}/posts", status_code=status.HTTP_201_CREATED)
def post_in_group(
    group_id: GroupId, body: GroupPostIn, kith: KithDep, member_id: ApiMemberId
) -> PostOut:
    """Post in the group (members). A new member's post may wait for approval."""
    draft = posts.Draft(body.body, posts.Audience("group", group_id=group_id))
    post_id = posts.publish(kith, lambda ctx: me(ctx, member_id), draft)
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        return PostOut.of(post_cards(ctx, viewer, [ctx.session.get_one(Post, post_id)])[0])


@router.get("/groups/{group_id:int}/posts/awaiting")
def awaiting_posts(
    group_id: GroupId,
    kith: KithDep,
    member_id: ApiMemberId,
    page: PageNo = 1,
    per_page: PerPage = None,
) -> _Posts:
    """New members' posts waiting for approval, oldest first (managers)."""
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        found = feed.awaiting(ctx, viewer, group_id, page_request(ctx, page, per_page))
        return _Posts.of(found, items=[PostOut.of(c) for c in post_cards(ctx, viewer, found.items)])


@router.post(
    "/groups/{group_id:int}/posts/{post_id}/approve", status_code=status.HTTP_204_NO_CONTENT
)
def approve_group_post(
    group_id: GroupId, post_id: PostId, kith: KithDep, member_id: ApiMemberId
) -> None:
    with kith.uow() as ctx:
        feed.approve_post(ctx, me(ctx, member_id), group_id, post_id)


@router.delete("/groups/{group_id:int}/posts/{post_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_group_post(
    group_id: GroupId, post_id: PostId, kith: KithDep, member_id: ApiMemberId
) -> None:
    """Delete a post in the group (managers); its author is told."""
    with kith.uow() as ctx:
        feed.remove_post(ctx, me(ctx, member_id), group_id, post_id)


@router.put("/groups/{group_id:int}/pin")
def pin_post(group_id: GroupId, body: PinIn, kith: KithDep, member_id: ApiMemberId) -> GroupOut:
    """Pin one of the group's posts (`post_id`; null unpins), managers."""
    with kith.uow() as ctx:
        viewer = me(ctx, member_id)
        return _out(ctx, viewer, feed.pin(ctx, viewer, group_id, body.post_id))


@router.get("/groups/{group_id:int}/reports")
def group_reports(
    group_id: GroupId,
    kith: KithDep,
    member_id: ApiMemberId,
    page: PageNo = 1,
    per_page: PerPage = None,
) -> _Posts:
    """The group's posts with open reports, most reported first (managers)."""
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        found = feed.reports(ctx, viewer, group_id, page_request(ctx, page, per_page))
        cards = post_cards(ctx, viewer, [r.post for r in found.items])
        return _Posts(
            items=[PostOut.of(c) for c in cards],
            total=found.total,
            page=found.page,
            per_page=found.per_page,
            pages=found.pages,
        )


@router.get("/groups/{group_id:int}/audit")
def group_audit(
    group_id: GroupId,
    kith: KithDep,
    member_id: ApiMemberId,
    page: PageNo = 1,
    per_page: PerPage = None,
) -> GroupAuditPage:
    """Every manager action in the group, newest first (owner and managers)."""
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        found = feed.audit_log(ctx, viewer, group_id, page_request(ctx, page, per_page))
        return GroupAuditPage.of(found, items=[AuditOut.of(a) for a in found.items])
