"""Pages: Groups (yours, invitations, groups you may like, finding one), starting a
group, a group's page (about, joining, its feed), its members, and for its managers
the page that answers requests, approves posts, bans, invites and shows the log."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import Response

from kith.errors import KithError
from kith.graph.cards import person
from kith.groups import circles, directory, feed, lists, logo, service
from kith.groups.access import can_read_inside, managed_group, visible_group
from kith.groups.schemas import GroupId, SearchText
from kith.members.photos import photo_urls
from kith.members.service import get_member
from kith.models import Group, GroupAudit, Member
from kith.posts import service as posts
from kith.posts.schemas import PostId
from kith.posts.views import post_cards
from kith.uow import Ctx
from kith.web.deps import KithDep, me
from kith.web.paging import page_request
from kith.web.params import MAX_ID, FormId, PageNo
from kith.web.render import MemberId, nav_for, redirect, render

router = APIRouter()

Text = Annotated[str, Form()]
KINDS = {
    "public": ("Public", "Anyone can see its posts and join."),
    "private": ("Private", "Listed; only members see its posts; joining needs approval."),
    "unlisted": ("Unlisted", "Invitation only; no search finds it."),
}
STATUS_WORDS = {
    "owner": "You own this group",
    "manager": "You manage this group",
    "member": "You are a member",
    "requested": "Request sent",
    "invited": "You are invited",
    "banned": "",
    "none": "",
}
AUDIT_WORDS = {
    "approve": "approved the request of",
    "decline": "declined the request of",
    "remove": "removed",
    "ban": "banned",
    "unban": "lifted the ban on",
    "delete_post": "deleted a post by",
    "approve_post": "approved a post by",
    "pin_post": "pinned a post",
    "unpin_post": "unpinned a post",
    "promote": "made a manager:",
    "demote": "made a member again:",
    "transfer": "handed the group to",
    "edit": "edited the group",
    "archive": "archived the group",
}


def card(group: Group, status: str = "none", connections: int | None = None) -> dict[str, Any]:
    """A group as a card in a list."""
    return {
        "id": group.id,
        "name": group.name,
        "kind": group.kind,
        "kind_label": KINDS[group.kind][0],
        "description": group.description,
        "industry": group.industry,
        "topics": group.topics,
        "logo": photo_urls(group.logo_key),
        "initials": "".join(w[:1] for w in group.name.split()[:2]).upper() or "G",
        "members": group.member_count,
        "connections": connections,
        "status": status,
        "archived": group.archived_at is not None,
    }


def _cards(ctx: Ctx, viewer: Member, groups: list[Group]) -> list[dict[str, Any]]:
    ids = [g.id for g in groups]
    mine = service.statuses(ctx, viewer, ids)
    counts = directory.connection_counts(ctx, viewer, ids)
    return [card(g, mine[g.id], counts.get(g.id)) for g in groups]


@router.get("/groups")
def groups_page(
    request: Request, kith: KithDep, member_id: MemberId, q: SearchText = "", page: PageNo = 1
) -> Response:
    """Your groups, invitations waiting for you, groups you may like, and finding more."""
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        req = page_request(ctx, page)
        found = lists.discover(ctx, viewer, req, q) if q.strip() else None
        context = {
            "q": q,
            "found": found,
            "found_cards": _cards(ctx, viewer, found.items) if found else [],
            "base": f"/groups?q={q}&",
            "mine": _cards(
                ctx, viewer, lists.my_groups(ctx, viewer, page_request(ctx, 1, 50)).items
            ),
            "invitations": [
                {"group": card(g, "invited"), "by": person(who)}
                for g, who in lists.invitations(ctx, viewer)
            ],
            "liked": [
                card(x.group, "none", x.connections) for x in lists.you_may_like(ctx, viewer)
            ],
            "page": found,
        }
        nav = nav_for(ctx, viewer)
    return render(request, "groups/index.html", context, nav=nav)


def _form_page(
    request: Request,
    kith: KithDep,
    member_id: int,
    *,
    group: Group | None = None,
    form: dict[str, Any] | None = None,
    error: str = "",
    status: int = 200,
) -> Response:
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        if group is None and form is None:
            form = {"kind": "public", "questions": ["", "", ""]}
        context = {
            "group_id": group.id if group else None,
            "form": form,
            "kinds": KINDS,
            "error": error,
        }
        nav = nav_for(ctx, viewer)
    return render(request, "groups/form.html", context, nav=nav, status=status)


def _form_of(group: Group) -> dict[str, Any]:
    return {
        "name": group.name,
        "description": group.description,
        "rules": group.rules,
        "kind": group.kind,
        "industry": group.industry,
        "topics": ", ".join(group.topics),
        "questions": (group.questions + ["", "", ""])[:3],
        "post_approval": group.post_approval,
    }


def _draft(
    name: str,
    description: str,
    rules: str,
    kind: str,
    industry: str,
    topics: str,
    questions: list[str],
    post_approval: str,
) -> service.GroupDraft:
    return service.GroupDraft(
        name=name,
        description=description,
        rules=rules,
        kind=kind,
        industry=industry,
        topics=[t for t in topics.split(",") if t.strip()],
        questions=[q for q in questions if q.strip()],
        post_approval=post_approval == "on",
    )


@router.post("/groups/invite-circle")
def invite_circle(
    request: Request,
    kith: KithDep,
    member_id: MemberId,
    circle: Text = "",
    group_id: Annotated[FormId, Form()] = 1,
) -> Response:
    """From Relationships: invite everyone in one of one's tiers or tags to a group."""
    kind, _, ident = circle.partition(":")
    number = int(ident) if ident.isdigit() and len(ident) <= 10 else 0
    number = number if 1 <= number <= MAX_ID else 0
    with kith.uow() as ctx:
        viewer = me(ctx, member_id)
        if kind == "tier":
            outcomes = circles.invite_circle(ctx, viewer, group_id, tier_id=number)
        else:
            outcomes = circles.invite_circle(ctx, viewer, group_id, tag_id=number)
    invited = outcomes.pop("invited", 0)
    return redirect(
        request, f"/groups/{group_id}/members?invited={invited}&skipped={sum(outcomes.values())}"
    )


@router.get("/groups/new")
def new_group(request: Request, kith: KithDep, member_id: MemberId) -> Response:
    return _form_page(request, kith, member_id)


@router.post("/groups/new")
def create_group(
    request: Request,
    kith: KithDep,
    member_id: MemberId,
    name: Text = "",
    description: Text = "",
    rules: Text = "",
    kind: Text = "public",
    industry: Text = "",
    topics: Text = "",
    question: Annotated[list[str] | None, Form()] = None,
    post_approval: Text = "",
) -> Response:
    questions = list(question or [])
    draft = _draft(name, description, rules, kind, industry, topics, questions, post_approval)
    try:
        with kith.uow() as ctx:
            group_id = service.create_group(ctx, me(ctx, member_id), draft).id
    except KithError as exc:
        form = {
            "name": name,
            "description": description,
            "rules": rules,
            "kind": kind,
            "industry": industry,
            "topics": topics,
            "questions": (questions + ["", "", ""])[:3],
            "post_approval": post_approval == "on",
        }
        return _form_page(request, kith, member_id, form=form, error=exc.message, status=exc.status)
    return redirect(request, f"/groups/{group_id}")


@router.get("/groups/{group_id}/edit")
def edit_form(request: Request, group_id: GroupId, kith: KithDep, member_id: MemberId) -> Response:
    with kith.uow(write=False) as ctx:
        group, _row = managed_group(ctx, me(ctx, member_id), group_id)
        form = _form_of(group)
    return _form_page(request, kith, member_id, group=group, form=form)


@router.post("/groups/{group_id}/edit")
def edit_group(
    request: Request,
    group_id: GroupId,
    kith: KithDep,
    member_id: MemberId,
    name: Text = "",
    description: Text = "",
    rules: Text = "",
    kind: Text = "public",
    industry: Text = "",
    topics: Text = "",
    question: Annotated[list[str] | None, Form()] = None,
    post_approval: Text = "",
) -> Response:
    questions = list(question or [])
    draft = _draft(name, description, rules, kind, industry, topics, questions, post_approval)
    try:
        with kith.uow() as ctx:
            service.edit_group(ctx, me(ctx, member_id), group_id, draft)
    except KithError as exc:
        if exc.code == "group_not_found":
            raise
        with kith.uow(write=False) as ctx:
            group = visible_group(ctx, me(ctx, member_id), group_id)
            form = _form_of(group) | {"name": name, "description": description, "rules": rules}
        return _form_page(
            request, kith, member_id, group=group, form=form, error=exc.message, status=exc.status
        )
    return redirect(request, f"/groups/{group_id}")


@router.post("/groups/{group_id}/logo")
def upload_logo(
    request: Request,
    group_id: GroupId,
    kith: KithDep,
    member_id: MemberId,
    logo_file: Annotated[UploadFile | None, File(alias="logo")] = None,
) -> Response:
    logo.set_logo(
        kith, lambda ctx: me(ctx, member_id), group_id, logo_file.file if logo_file else None
    )
    return redirect(request, f"/groups/{group_id}/manage")


def _header(ctx: Ctx, viewer: Member, group: Group) -> dict[str, Any]:
    status = service.my_status(ctx, viewer, group)
    counts = directory.connection_counts(ctx, viewer, [group.id])
    return card(group, status, counts.get(group.id)) | {
        "rules": group.rules,
        "questions": group.questions,
        "kind_help": KINDS[group.kind][1],
        "status_words": STATUS_WORDS[status],
        "managing": status in ("owner", "manager"),
        "owner": status == "owner",
        "member": status in ("owner", "manager", "member"),
        "requests": group.request_count,
    }


@router.get("/groups/{group_id}")
def group_page(
    request: Request, group_id: GroupId, kith: KithDep, member_id: MemberId, page: PageNo = 1
) -> Response:
    """A group: what it is, joining it, and (for whoever may read inside) its posts,
    the pinned one first, with the compose box for members."""
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        group = visible_group(ctx, viewer, group_id)
        header = _header(ctx, viewer, group)
        inside = can_read_inside(ctx, viewer, group)
        found = feed.group_feed(ctx, viewer, group.id, page_request(ctx, page)) if inside else None
        context = {
            "g": header,
            "inside": inside,
            "cards": post_cards(ctx, viewer, found.items) if found else [],
            "pinned_id": group.pinned_post_id,
            "page": found,
            "base": f"/groups/{group.id}?",
            "max_length": ctx.settings.post_max_length,
            "waits": header["member"] and group.post_approval and not header["managing"],
        }
        nav = nav_for(ctx, viewer)
        is_member = header["member"]
    if is_member:
        with kith.uow() as ctx:
            feed.mark_seen(ctx, me(ctx, member_id), group_id)
    return render(request, "groups/group.html", context, nav=nav)


@router.post("/groups/{group_id}/join")
def join(
    request: Request,
    group_id: GroupId,
    kith: KithDep,
    member_id: MemberId,
    answer: Annotated[list[str] | None, Form()] = None,
) -> Response:
    with kith.uow() as ctx:
        service.join(ctx, me(ctx, member_id), group_id, list(answer or []))
    return redirect(request, f"/groups/{group_id}")


@router.post("/groups/{group_id}/leave")
def leave(request: Request, group_id: GroupId, kith: KithDep, member_id: MemberId) -> Response:
    with kith.uow() as ctx:
        service.leave(ctx, me(ctx, member_id), group_id)
    return redirect(request, "/groups")


@router.post("/groups/{group_id}/invitation/decline")
def decline_invitation(
    request: Request, group_id: GroupId, kith: KithDep, member_id: MemberId
) -> Response:
    with kith.uow() as ctx:
        service.decline_invitation(ctx, me(ctx, member_id), group_id)
    return redirect(request, "/groups")


@router.post("/groups/{group_id}/posts")
def post_in_group(
    request: Request, group_id: GroupId, kith: KithDep, member_id: MemberId, body: Text = ""
) -> Response:
    draft = posts.Draft(body, posts.Audience("group", group_id=group_id))
    posts.publish(kith, lambda ctx: me(ctx, member_id), draft)
    return redirect(request, f"/groups/{group_id}")


@router.get("/groups/{group_id}/members")
def members_page(
    request: Request,
    group_id: GroupId,
    kith: KithDep,
    member_id: MemberId,
    q: SearchText = "",
    page: PageNo = 1,
    invited: Annotated[int, Query(ge=0, le=100_000)] = -1,
    skipped: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> Response:
    """The group's members with degree badges and shared connections, the viewer's
    connections first; search by name."""
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        found = directory.members(ctx, viewer, group_id, page_request(ctx, page), q)
        group = visible_group(ctx, viewer, group_id)
        header = _header(ctx, viewer, group)
        people = [
            person(m, found.badges.get(m.id)) | {"role": found.roles.get(m.id, "member")}
            for m in found.page.items
        ]
        context = {
            "g": header,
            "people": people,
            "connections": found.connections,
            "q": q,
            "page": found.page,
            "base": f"/groups/{group.id}/members?q={q}&",
            "me": viewer.handle,
            "invited": invited,
            "skipped": skipped,
        }
        nav = nav_for(ctx, viewer)
    return render(request, "groups/members.html", context, nav=nav)


@router.get("/groups/{group_id}/manage")
def manage_page(
    request: Request, group_id: GroupId, kith: KithDep, member_id: MemberId
) -> Response:
    """For the owner and managers: requests, posts waiting, reports, bans, inviting,
    and the audit log."""
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        group, _row = managed_group(ctx, viewer, group_id)
        first = page_request(ctx, 1, 50)
        waiting = feed.awaiting(ctx, viewer, group.id, first).items
        reported = feed.reports(ctx, viewer, group.id, first).items
        context = {
            "g": _header(ctx, viewer, group),
            "requests": [
                {
                    "who": person(r.member),
                    "answers": list(zip(group.questions, r.answers, strict=False)),
                    "at": r.requested_at,
                }
                for r in lists.requests(ctx, viewer, group.id, first).items
            ],
            "waiting": post_cards(ctx, viewer, waiting),
            "reported": list(
                zip(
                    post_cards(ctx, viewer, [r.post for r in reported]),
                    [r.reports for r in reported],
                    strict=False,
                )
            ),
            "bans": [person(r.member) for r in lists.banned(ctx, viewer, group.id, first).items],
            "log": [_audit(a) for a in feed.audit_log(ctx, viewer, group.id, first).items],
        }
        nav = nav_for(ctx, viewer)
    return render(request, "groups/manage.html", context, nav=nav)


def _audit(row: GroupAudit) -> dict[str, Any]:
    return {
        "actor": person(row.actor) if row.actor else None,
        "words": AUDIT_WORDS.get(row.action, row.action),
        "subject": person(row.subject) if row.subject else None,
        "post_id": row.post_id,
        "detail": row.detail,
        "at": row.created_at,
    }


Act = Literal["approve", "decline", "remove", "ban", "unban", "manager", "member", "transfer"]


@router.post("/groups/{group_id}/people/{handle}/{action}")
def act_on_member(
    request: Request,
    group_id: GroupId,
    handle: str,
    action: Act,
    kith: KithDep,
    member_id: MemberId,
) -> Response:
    """A manager's (or the owner's) action on one member."""
    with kith.uow() as ctx:
        viewer = me(ctx, member_id)
        visible_group(ctx, viewer, group_id)
        other = get_member(ctx, handle)
        if action == "approve":
            service.approve(ctx, viewer, group_id, other.id)
        elif action == "decline":
            service.decline(ctx, viewer, group_id, other.id)
        elif action == "remove":
            service.remove_member(ctx, viewer, group_id, other.id)
        elif action == "ban":
            service.ban(ctx, viewer, group_id, other)
        elif action == "unban":
            service.unban(ctx, viewer, group_id, other.id)
        elif action == "transfer":
            service.transfer(ctx, viewer, group_id, other.id)
        else:
            service.set_role(ctx, viewer, group_id, other.id, action)
    back = "manage" if action in ("approve", "decline", "unban") else "members"
    return redirect(request, f"/groups/{group_id}/{back}")


@router.post("/groups/{group_id}/invite")
def invite(
    request: Request, group_id: GroupId, kith: KithDep, member_id: MemberId, handle: Text = ""
) -> Response:
    with kith.uow() as ctx:
        service.invite(ctx, me(ctx, member_id), group_id, get_member(ctx, handle.strip() or "-"))
    return redirect(request, f"/groups/{group_id}/members")


PostAct = Literal["approve", "delete", "pin", "unpin"]


@router.post("/groups/{group_id}/posts/{post_id}/{action}")
def act_on_post(
    request: Request,
    group_id: GroupId,
    post_id: PostId,
    action: PostAct,
    kith: KithDep,
    member_id: MemberId,
) -> Response:
    """A manager approves, deletes, pins or unpins a post of the group."""
    with kith.uow() as ctx:
        viewer = me(ctx, member_id)
        if action == "approve":
            feed.approve_post(ctx, viewer, group_id, post_id)
        elif action == "delete":
            feed.remove_post(ctx, viewer, group_id, post_id)
        else:
            feed.pin(ctx, viewer, group_id, post_id if action == "pin" else None)
    back = "/manage" if action == "approve" else ""
    return redirect(request, f"/groups/{group_id}{back}")


@router.post("/groups/{group_id}/archive")
def archive(request: Request, group_id: GroupId, kith: KithDep, member_id: MemberId) -> Response:
    with kith.uow() as ctx:
        service.archive_group(ctx, me(ctx, member_id), group_id)
    return redirect(request, f"/groups/{group_id}")
