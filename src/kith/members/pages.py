"""Pages for members: profiles with their actions, editing one's profile, settings,
and the list of blocked members. Follow and block actions live here too: they are
buttons on a profile."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from kith.accounts import credentials, sessions
from kith.accounts.schemas import SessionId, SessionOut
from kith.blocks import service as blocks
from kith.connections import service as connections
from kith.connections.views import answer_toast, sent_toast, withdraw_wait
from kith.endorsements.views import profile_skills
from kith.errors import Invalid, KithError, NotAuthenticated, NotFound
from kith.follows import service as follows
from kith.graph import service as graph
from kith.graph.cards import degree_context, initials, network_context
from kith.members import photos, service, strength
from kith.members.photo_pages import pictures_context
from kith.messaging import service as messaging
from kith.models import Member
from kith.posts.activity import activity_preview
from kith.recommendations.cards import profile_section
from kith.uow import Ctx
from kith.web.deps import SESSION_COOKIE, KithDep, PageMemberId, me
from kith.web.paging import page_request
from kith.web.params import PageNo
from kith.web.render import (
    MemberId,
    SignInRequired,
    back_to,
    is_htmx,
    nav_for,
    redirect,
    render,
)

router = APIRouter()

Text = Annotated[str, Form()]
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


# -- Profile ---------------------------------------------------------------------------


def message_action(ctx: Ctx, viewer: Member, member: Member) -> dict[str, str] | None:
    """The profile's Message button: "Message" where a message goes straight through,
    "Message request" where it is a request (the messaging service decides), none
    where messaging is not allowed."""
    conversation = messaging.conversation_between(ctx, viewer.id, member.id)
    try:
        allowed = messaging.permission(ctx, viewer, member, conversation)
    except KithError as exc:
        if exc.code != "request_pending":
            return None
        label = "Message request"  # theirs to answer; the conversation says so
    else:
        label = "Message" if allowed.kind == "message" else "Message request"
    # an existing conversation opens where it left off; a first message is composed
    url = (
        f"/messages/with/{member.handle}"
        if conversation is not None
        else f"/messages/new?to={member.handle}"
    )
    return {"label": label, "url": url}


def actions_context(ctx: Ctx, viewer: Member, view: service.ProfileView) -> dict[str, Any]:
    """What the action area of ``view.member``'s profile offers ``viewer``."""
    member = view.member
    rel = view.relationship
    return {
        "handle": member.handle,
        "name": member.name,
        "first_name": member.first_name,
        "own": rel is None,
        "connected": bool(rel and rel.connected),
        "connected_since": rel.connection.created_at if rel and rel.connection else None,
        "sent": rel.sent.created_at if rel and rel.sent else None,
        "received": None
        if rel is None or rel.received is None
        else {"note": rel.received.note, "context": rel.received.context},
        "following": bool(rel and rel.following),
        "can_follow": member.follow_policy == "everyone" or bool(rel and rel.connected),
        "follow_primary": member.follow_primary,
        "needs_email": connections.needs_email(ctx, viewer, member),
        "note_max": ctx.settings.invitation_note_max,
        "context_max": ctx.settings.invitation_context_max,
        "followers": view.followers,
        "connections": view.connections,
        "message": None if rel is None else message_action(ctx, viewer, member),
        "withdraw_wait": withdraw_wait(ctx, member.first_name),
    }


def profile_context(ctx: Ctx, viewer: Member, member: Member) -> dict[str, Any]:
    view = service.profile_view(ctx, viewer, member)
    stage = service.CAREER_STAGES.get(view.career_stage or "", "")
    return {
        "p": {
            "name": member.name,
            "initials": initials(member),
            "photo": photos.photo_urls(member.photo_key),
            "cover": photos.cover_urls(member.cover_key),
            "handle": member.handle,
            "headline": member.headline,
            "about": member.about,
            "location": member.location,
            "industry": member.industry,
            "career_stage": stage,
            "career_stage_derived": view.career_stage_derived,
            "following": view.following,
            "positions": [
                {
                    "title": p.title,
                    "company": p.company.name,
                    "company_id": p.company_id,
                    "location": p.location,
                    "description": p.description,
                    "start": (p.start_month, p.start_year),
                    "end": (p.end_month, p.end_year),
                    "current": p.is_current,
                }
                for p in member.positions
            ],
            "education": [
                {
                    "school": e.school.name,
                    "school_id": e.school_id,
                    "degree": e.degree,
                    "field": e.field_of_study,
                    "start_year": e.start_year,
                    "end_year": e.end_year,
                }
                for e in member.education
            ],
            "skills": [s.name for s in member.skills],
            "websites": list(member.websites or []),
            "languages": list(member.languages or []),
            "certifications": list(member.certifications or []),
        },
        "a": actions_context(ctx, viewer, view),
        "net": network_context(ctx, viewer, member),
    }


def public_context(member: Member) -> dict[str, Any]:
    """What a signed-out visitor sees of a profile: the professional facts the member
    published, never their address, network, activity or recommendations."""
    return {
        "p": {
            "name": member.name,
            "initials": initials(member),
            "photo": photos.photo_urls(member.photo_key),
            "handle": member.handle,
            "headline": member.headline,
            "about": member.about,
            "location": member.location,
            "industry": member.industry,
            "positions": [
                {
                    "title": p.title,
                    "company": p.company.name,
                    "start": (p.start_month, p.start_year),
                    "end": (p.end_month, p.end_year),
                    "current": p.is_current,
                }
                for p in member.positions
            ],
            "education": [
                {"school": e.school.name, "degree": e.degree, "field": e.field_of_study}
                for e in member.education
            ],
            "skills": [s.name for s in member.skills],
        }
    }


@router.get("/in/{handle}")
def profile(request: Request, handle: str, kith: KithDep, member_id: PageMemberId) -> Response:
    if member_id is None:
        with kith.uow(write=False) as ctx:
            try:
                member = service.public_member(ctx, handle)
            except NotAuthenticated:
                raise SignInRequired(request.url.path) from None
            context = public_context(member)
        return render(request, "members/public_profile.html", context)
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        member = service.view_member(ctx, viewer, handle)
        context = profile_context(ctx, viewer, member)
        if viewer.id == member.id:
            context["strength"] = strength.profile_strength(ctx, member)
        context["activity"] = activity_preview(ctx, viewer, member)
        context["skills_section"] = profile_skills(ctx, viewer, member)
        context["recs"] = profile_section(ctx, viewer, member)
        nav = nav_for(ctx, viewer)
    return render(request, "members/profile.html", context, nav=nav)


Action = Callable[[Ctx, Member, Member], object]
Toast = Callable[[Ctx, Member, object], str]


def _profile_action(
    request: Request, kith: KithDep, member_id: int, handle: str, action: Action, toast: Toast
) -> Response:
    """Run ``action`` on the member behind ``handle``; answer htmx with the new action
    area, the header badges and a toast, and a plain form with a redirect back to the
    profile."""
    with kith.uow() as ctx:
        viewer = me(ctx, member_id)
        member = service.view_member(ctx, viewer, handle)
        result = action(ctx, viewer, member)
        if not is_htmx(request):
            return RedirectResponse(f"/in/{member.handle}", status_code=303)
        context = {"a": actions_context(ctx, viewer, service.profile_view(ctx, viewer, member))}
        nav = nav_for(ctx, viewer)
        said = toast(ctx, member, result)
    # The degree is read once the change is committed and the network has followed it.
    with kith.uow(write=False) as ctx:
        viewer, other = me(ctx, member_id), ctx.session.get(Member, member.id)
        if other is not None and other.is_active:
            context["net"] = degree_context(graph.badge(ctx, viewer, other))
    return render(request, "members/_actions_swap.html", context, badges=nav, toast=said)


def _answered(outcome: str) -> Toast:
    return lambda ctx, member, _: answer_toast(
        outcome, member.name, withdraw_wait(ctx, member.first_name)
    )


def _sent(_ctx: Ctx, member: Member, result: object) -> str:
    connected = isinstance(result, connections.InvitationResult) and result.connection
    return f"Connected with {member.name}" if connected else sent_toast(member.name)


def _received_id(ctx: Ctx, viewer: Member, member: Member) -> int:
    rel = connections.relationship(ctx, viewer, member)
    if rel.received is None:
        raise NotFound(
            f"{member.name} has no pending invitation to you.", code="invitation_not_found"
        )
    return rel.received.id


def _sent_id(ctx: Ctx, viewer: Member, member: Member) -> int:
    rel = connections.relationship(ctx, viewer, member)
    if rel.sent is None:
        raise NotFound(
            f"You have no pending invitation to {member.name}.", code="invitation_not_found"
        )
    return rel.sent.id


@router.post("/in/{handle}/connect")
def connect(
    request: Request,
    handle: str,
    kith: KithDep,
    member_id: MemberId,
    note: Text = "",
    context: Text = "",
    email: Text = "",
) -> Response:
    def send(ctx: Ctx, viewer: Member, member: Member) -> object:
        return connections.send_invitation(
            ctx, viewer, member, note=note, context=context, email=email.strip() or None
        )

    return _profile_action(request, kith, member_id, handle, send, _sent)


@router.post("/in/{handle}/withdraw")
def withdraw(request: Request, handle: str, kith: KithDep, member_id: MemberId) -> Response:
    return _profile_action(
        request,
        kith,
        member_id,
        handle,
        lambda ctx, viewer, member: connections.withdraw_invitation(
            ctx, viewer, _sent_id(ctx, viewer, member)
        ),
        _answered("withdrawn"),
    )


RESPONSES: dict[str, tuple[Callable[[Ctx, Member, int], object], str]] = {
    "accept": (connections.accept_invitation, "accepted"),
    "ignore": (connections.ignore_invitation, "ignored"),
    "report": (connections.report_unknown, "reported"),
}


@router.post("/in/{handle}/{response}")
def respond(
    request: Request, handle: str, response: str, kith: KithDep, member_id: MemberId
) -> Response:
    """Accept, ignore or "I don't know this person", from the inviter's profile;
    also follow, unfollow, remove and block."""
    if response in RESPONSES:
        answer, outcome = RESPONSES[response]
        return _profile_action(
            request,
            kith,
            member_id,
            handle,
            lambda ctx, viewer, member: answer(ctx, viewer, _received_id(ctx, viewer, member)),
            _answered(outcome),
        )
    if response in PROFILE_ACTIONS:
        action, words = PROFILE_ACTIONS[response]
        return _profile_action(
            request,
            kith,
            member_id,
            handle,
            action,
            lambda _ctx, member, _result: words.format(name=member.name),
        )
    if response == "block":
        with kith.uow() as ctx:
            viewer = me(ctx, member_id)
            target = service.view_member(ctx, viewer, handle)
            blocks.block(ctx, viewer, target)
        return redirect(request, f"/me/blocked?{urlencode({'blocked': target.handle})}")
    raise NotFound("There is nothing at this address.", code="not_found")


PROFILE_ACTIONS: dict[str, tuple[Action, str]] = {
    "follow": (follows.follow, "Following {name}"),
    "unfollow": (follows.unfollow, "You no longer follow {name}"),
    "remove": (connections.remove_connection, "Removed {name} from your connections"),
}


# -- Blocked members ---------------------------------------------------------------------


@router.get("/me/blocked")
def blocked(
    request: Request, kith: KithDep, member_id: MemberId, page: PageNo = 1, blocked: str = ""
) -> Response:
    """The members you blocked; ``blocked`` names one just blocked, to confirm it."""
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        just_blocked = ""
        if blocked:
            try:
                just_blocked = blocks.find_blocked(ctx, viewer, blocked[:60]).name
            except NotFound:
                pass  # not (or no longer) blocked: nothing to confirm
        req = page_request(ctx, page)
        result = blocks.blocked_members(ctx, viewer, req)
        rows = [
            {
                "handle": m.handle,
                "name": m.name,
                "initials": initials(m),
                "photo": photos.photo_urls(m.photo_key),
                "since": b.created_at,
            }
            for m, b in result.items
        ]
        nav = nav_for(ctx, viewer)
    return render(
        request,
        "members/blocked.html",
        {"rows": rows, "page": result, "base": "?", "just_blocked": just_blocked},
        nav=nav,
    )


@router.post("/me/blocked/{handle}/unblock")
def unblock(request: Request, handle: str, kith: KithDep, member_id: MemberId) -> Response:
    with kith.uow() as ctx:
        viewer = me(ctx, member_id)
        target = blocks.find_blocked(ctx, viewer, handle)
        blocks.unblock(ctx, viewer, target)
        name = target.name
    if is_htmx(request):
        return render(request, "members/_unblocked.html", {"name": name, "handle": handle.lower()})
    return RedirectResponse(back_to(request, "/me/blocked"), status_code=303)


# -- Edit profile ------------------------------------------------------------------------


@dataclass
class EditForm:
    """The edit form's values as text, so that a refused form comes back as typed."""

    fields: dict[str, str]
    positions: list[dict[str, str]] = field(default_factory=list)
    education: list[dict[str, str]] = field(default_factory=list)
    skills: str = ""
    # Websites, languages and certifications, one per line; a list the form did not
    # send is left as it is.
    lists: dict[str, str | None] = field(default_factory=dict)


LIST_FIELDS = ("languages", "certifications", "websites")
SIMPLE_FIELDS = ("first_name", "last_name", "headline", "about", "location", "industry")
POSITION_FIELDS = (
    "company",
    "title",
    "location",
    "start_month",
    "start_year",
    "end_month",
    "end_year",
    "current",
)
EDUCATION_FIELDS = ("school", "degree", "field_of_study", "start_year", "end_year")
ROW = re.compile(r"^(positions|education)-(\d{1,3})-(\w+)$")


def _s(value: int | None) -> str:
    return "" if value is None else str(value)


def edit_form_for(member: Member) -> EditForm:
    fields = {name: str(getattr(member, name)) for name in SIMPLE_FIELDS}
    fields["career_stage"] = member.career_stage or ""
    return EditForm(
        fields=fields,
        positions=[
            {
                "company": p.company.name,
                "title": p.title,
                "location": p.location,
                "start_month": _s(p.start_month),
                "start_year": _s(p.start_year),
                "end_month": _s(p.end_month),
                "end_year": _s(p.end_year),
                "current": "on" if p.is_current else "",
            }
            for p in member.positions
        ],
        education=[
            {
                "school": e.school.name,
                "degree": e.degree,
                "field_of_study": e.field_of_study,
                "start_year": _s(e.start_year),
                "end_year": _s(e.end_year),
            }
            for e in member.education
        ],
        skills=", ".join(s.name for s in member.skills),
        lists={name: "\n".join(getattr(member, name) or []) for name in LIST_FIELDS},
    )


def edit_form_from(values: dict[str, str]) -> EditForm:
    fields = {name: values.get(name, "") for name in (*SIMPLE_FIELDS, "career_stage")}
    rows: dict[str, dict[int, dict[str, str]]] = {"positions": {}, "education": {}}
    for key, value in values.items():
        match = ROW.match(key)
        if match:
            group, index, name = match.group(1), int(match.group(2)), match.group(3)
            rows[group].setdefault(index, {})[name] = value
    positions = [
        {name: row.get(name, "").strip() for name in POSITION_FIELDS}
        for _, row in sorted(rows["positions"].items())
    ]
    education = [
        {name: row.get(name, "").strip() for name in EDUCATION_FIELDS}
        for _, row in sorted(rows["education"].items())
    ]
    return EditForm(
        fields=fields,
        positions=[p for p in positions if any(v for k, v in p.items() if k != "current")],
        education=[e for e in education if any(e.values())],
        skills=values.get("skills", ""),
        lists={name: values.get(name) for name in LIST_FIELDS},
    )


def _number(value: str, what: str, code: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not value.isdigit():
        raise Invalid(f"{what}: '{value}' is not a number.", code=code)
    return int(value)


def profile_input(form: EditForm) -> service.ProfileInput:
    positions = []
    for row in form.positions:
        start_year = _number(row["start_year"], "Position", "invalid_position")
        if start_year is None:
            raise Invalid("A position needs a start year.", code="invalid_position")
        current = row.get("current") == "on"
        positions.append(
            service.PositionInput(
                company=row["company"],
                title=row["title"],
                location=row["location"],
                start_year=start_year,
                start_month=_number(row["start_month"], "Position", "invalid_position"),
                end_year=None
                if current
                else _number(row["end_year"], "Position", "invalid_position"),
                end_month=None
                if current
                else _number(row["end_month"], "Position", "invalid_position"),
            )
        )
    education = [
        service.EducationInput(
            school=row["school"],
            degree=row["degree"],
            field_of_study=row["field_of_study"],
            start_year=_number(row["start_year"], "Education", "invalid_education"),
            end_year=_number(row["end_year"], "Education", "invalid_education"),
        )
        for row in form.education
    ]
    return service.ProfileInput(
        first_name=form.fields["first_name"],
        last_name=form.fields["last_name"],
        headline=form.fields["headline"],
        about=form.fields["about"],
        location=form.fields["location"],
        industry=form.fields["industry"],
        career_stage=form.fields["career_stage"],
        positions=positions,
        education=education,
        skills=[s for s in form.skills.split(",") if s.strip()],
        websites=_lines(form.lists.get("websites")),
        languages=_lines(form.lists.get("languages")),
        certifications=_lines(form.lists.get("certifications")),
    )


def _lines(text: str | None) -> list[str] | None:
    """A textarea's entries, one per line; blank lines are no entries."""
    return None if text is None else [line for line in text.splitlines() if line.strip()]


def _edit_page(
    request: Request,
    form: EditForm,
    nav: Any,
    member: Member,
    found: strength.Strength,
    *,
    error: str | None = None,
    status: int = 200,
) -> Response:
    kith = request.app.state.kith
    return render(
        request,
        "members/edit.html",
        {
            **pictures_context(member, "/me/edit"),
            "max_mb": kith.settings.photo_max_mb,
            "form": form,
            "error": error,
            "stages": service.CAREER_STAGES,
            "industries": service.INDUSTRIES,
            "months": list(enumerate(MONTHS, start=1)),
            "strength": found,
        },
        nav=nav,
        status=status,
    )


async def form_values(request: Request) -> dict[str, str]:
    form = await request.form()
    return {key: value for key, value in form.multi_items() if isinstance(value, str)}


FormValues = Annotated[dict[str, str], Depends(form_values)]


@router.get("/me/edit")
def edit(request: Request, kith: KithDep, member_id: MemberId) -> Response:
    with kith.uow(write=False) as ctx:
        member = me(ctx, member_id)
        form = edit_form_for(member)
        nav = nav_for(ctx, member)
        found = strength.profile_strength(ctx, member)
    return _edit_page(request, form, nav, member, found)


@router.post("/me/edit")
def save_edit(request: Request, kith: KithDep, member_id: MemberId, values: FormValues) -> Response:
    form = edit_form_from(values)
    try:
        with kith.uow() as ctx:
            member = me(ctx, member_id)
            service.update_profile(ctx, member, profile_input(form))
            handle = member.handle
    except KithError as exc:
        with kith.uow(write=False) as ctx:
            member = me(ctx, member_id)
            nav = nav_for(ctx, member)
            found = strength.profile_strength(ctx, member)
        return _edit_page(request, form, nav, member, found, error=exc.message, status=exc.status)
    return RedirectResponse(f"/in/{handle}", status_code=303)


# -- Settings ----------------------------------------------------------------------------


def _sessions(ctx: Ctx, member: Member, request: Request) -> list[dict[str, Any]]:
    """The member's sessions and API tokens, for the Settings page."""
    current = request.cookies.get(SESSION_COOKIE)
    return [
        {
            "id": out.id,
            "kind": "Browser" if out.kind == "session" else "API token",
            "device": out.user_agent or "Unknown client",
            "created_at": out.created_at,
            "last_seen_at": out.last_seen_at,
            "current": out.current,
        }
        for out in (SessionOut.of(t, current) for t in sessions.list_sessions(ctx, member))
    ]


def _settings_page(
    request: Request,
    member: Member,
    nav: Any,
    active: list[dict[str, Any]],
    *,
    error: str | None = None,
    saved: str | None = None,
    status: int = 200,
) -> Response:
    return render(
        request,
        "members/settings.html",
        {
            "s": {
                "invite_policy": member.invite_policy,
                "follow_policy": member.follow_policy,
                "connections_visibility": member.connections_visibility,
                "follow_primary": member.follow_primary,
                "email": member.email,
                "handle": member.handle,
            },
            "invite_policies": service.INVITE_POLICIES,
            "follow_policies": service.FOLLOW_POLICIES,
            "visibility": service.VISIBILITY,
            "sessions": active,
            "error": error,
            "saved": saved,
        },
        nav=nav,
        status=status,
    )


SAVED = {
    "settings": "Your settings are saved.",
    "password": "Your password is changed. Every other session and API token is signed out.",
    "session": "That session is signed out.",
}


@router.get("/me/settings")
def settings(request: Request, kith: KithDep, member_id: MemberId, saved: str = "") -> Response:
    with kith.uow(write=False) as ctx:
        member = me(ctx, member_id)
        nav = nav_for(ctx, member)
        active = _sessions(ctx, member, request)
    return _settings_page(request, member, nav, active, saved=SAVED.get(saved))


@router.post("/me/settings")
def save_settings(
    request: Request,
    kith: KithDep,
    member_id: MemberId,
    invite_policy: Text = "",
    follow_policy: Text = "",
    connections_visibility: Text = "",
    follow_primary: Text = "",
) -> Response:
    chosen: dict[str, object] = {
        "invite_policy": invite_policy or None,
        "follow_policy": follow_policy or None,
        "connections_visibility": connections_visibility or None,
        "follow_primary": follow_primary == "on",
    }
    try:
        with kith.uow() as ctx:
            service.update_profile(ctx, me(ctx, member_id), service.ProfileInput(settings=chosen))
    except KithError as exc:
        return _settings_failed(request, kith, member_id, exc)
    return RedirectResponse("/me/settings?saved=settings", status_code=303)


@router.post("/me/password")
def save_password(
    request: Request,
    kith: KithDep,
    member_id: MemberId,
    current_password: Text = "",
    new_password: Text = "",
) -> Response:
    try:
        credentials.change_password(
            kith,
            member_id,
            current=current_password,
            new=new_password,
            keep=request.cookies.get(SESSION_COOKIE),
        )
    except KithError as exc:
        return _settings_failed(request, kith, member_id, exc)
    return RedirectResponse("/me/settings?saved=password", status_code=303)


@router.post("/me/sessions/{session_id}/revoke")
def revoke_session(
    request: Request, session_id: SessionId, kith: KithDep, member_id: MemberId
) -> Response:
    """Sign out one session or API token; revoking this browser's own signs it out."""
    try:
        with kith.uow() as ctx:
            member = me(ctx, member_id)
            current = [s["id"] for s in _sessions(ctx, member, request) if s["current"]]
            sessions.revoke_session(ctx, member, session_id)
    except KithError as exc:
        return _settings_failed(request, kith, member_id, exc)
    if session_id in current:
        return _signed_out()
    return RedirectResponse("/me/settings?saved=session", status_code=303)


@router.post("/me/signout-everywhere")
def signout_everywhere(request: Request, kith: KithDep, member_id: MemberId) -> Response:
    """End every session and API token, this browser's included."""
    with kith.uow() as ctx:
        sessions.end_sessions(ctx, me(ctx, member_id))
    return _signed_out()


def _signed_out() -> Response:
    response = RedirectResponse("/signin", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _settings_failed(request: Request, kith: KithDep, member_id: int, exc: KithError) -> Response:
    with kith.uow(write=False) as ctx:
        member = me(ctx, member_id)
        nav = nav_for(ctx, member)
        active = _sessions(ctx, member, request)
    return _settings_page(request, member, nav, active, error=exc.message, status=exc.status)
