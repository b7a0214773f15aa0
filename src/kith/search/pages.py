"""Search and people-you-may-know pages. Filters live in the URL (shareable); the
results update in place with htmx; Connect and Dismiss work in place."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import or_, select

from kith.connections import service as connections
from kith.connections.queries import expiry_cutoff, reads_pending_to_sender
from kith.connections.views import LIVE_COUNTS, live_counts, sent_toast
from kith.errors import KithError
from kith.graph.cards import person
from kith.members.service import INDUSTRIES, get_member
from kith.models import OPEN_STATUSES, Invitation, Member
from kith.search import service, suggestions
from kith.search.api import SearchParams
from kith.uow import Ctx
from kith.web.deps import KithDep, me
from kith.web.paging import page_request
from kith.web.params import PageNo
from kith.web.render import MemberId, back_to, is_htmx, nav_for, render

router = APIRouter()
PANEL_SIZE = 4
# What a "connections of" may run into, said on the search page rather than as an
# error page: no such member, several of that name, a list kept private.
EMPTY = service.SearchQuery()
OWNER_PROBLEMS = {"member_not_found", "ambiguous_member", "connections_private"}

Text = Annotated[str, Form()]


def _open_invitations(ctx: Ctx, viewer: Member, ids: list[int]) -> dict[int, str]:
    """For a page of members: 'sent' or 'received' where an invitation is open (one query)."""
    if not ids:
        return {}
    cutoff = expiry_cutoff(ctx.clock.now(), ctx.settings.invitation_expiry_days)
    rows = ctx.session.execute(
        select(Invitation.sender_id, Invitation.recipient_id).where(
            or_(
                (Invitation.sender_id == viewer.id)
                & Invitation.recipient_id.in_(ids)
                & reads_pending_to_sender(cutoff),
                (Invitation.recipient_id == viewer.id)
                & Invitation.sender_id.in_(ids)
                & Invitation.status.in_(OPEN_STATUSES)
                & (Invitation.created_at > cutoff),
            ),
        )
    ).all()
    out: dict[int, str] = {}
    for sender, recipient in rows:
        if sender == viewer.id:
            out[recipient] = "sent"
        else:
            out.setdefault(sender, "received")
    return out


def _action(member: Member, degree: int | None, invitation: str | None) -> str:
    if degree == 1:
        return "connected"
    if invitation == "sent":
        return "pending"
    if invitation == "received":
        return "respond"
    if member.invite_policy == "email":
        return "profile"  # the invitation needs their email address: ask on the profile
    return "connect"


def _card(
    member: Member, badge: Any, shared: list[Member], action: str, **extra: Any
) -> dict[str, Any]:
    return {
        **person(member, badge),
        "location": member.location,
        "industry": member.industry,
        "shared": [m.name for m in shared],
        "action": action,
        **extra,
    }


def _params(q: service.SearchQuery) -> list[tuple[str, str]]:
    params: list[tuple[str, str]] = []
    single = {"q": q.keywords, "first_name": q.first_name, "last_name": q.last_name}
    single |= {"title": q.title, "connections_of": q.connections_of}
    params += [(k, v) for k, v in single.items() if v]
    for name in service.LIST_FILTERS:
        params += [(name, v) for v in getattr(q, name)]
    return params


def _choices(selected: tuple[str, ...], facets: list[service.Facet]) -> list[dict[str, Any]]:
    """Checkboxes for a facet: what is selected (always shown), then the counts."""
    counts = {f.value.lower(): f.count for f in facets}
    out = [{"value": v, "count": counts.get(v.lower()), "checked": True} for v in selected]
    chosen = {v.lower() for v in selected}
    out += [
        {"value": f.value, "count": f.count, "checked": False}
        for f in facets
        if f.value.lower() not in chosen
    ]
    return out


def search_url(q: service.SearchQuery, page: int = 1) -> str:
    """The search's canonical address: only the filters that say something."""
    params = _params(q) + ([("page", str(page))] if page > 1 else [])
    return f"/search?{urlencode(params)}" if params else "/search"


def active_filters(q: service.SearchQuery) -> int:
    """How many filters narrow the search (the keywords are not a filter)."""
    single = (q.first_name, q.last_name, q.title, q.connections_of)
    return sum(1 for v in single if v) + sum(len(getattr(q, n)) for n in service.LIST_FILTERS)


def _owner_problem(q: service.SearchQuery, exc: KithError) -> dict[str, Any]:
    """A "connections of" that names nobody, several members or a private list: said
    on the search page, with the members it could mean as links."""
    choices = exc.choices if isinstance(exc, service.AmbiguousMember) else []
    return {
        "message": (
            f"Several members’ names fit “{q.connections_of}”." if choices else exc.message
        ),
        "choices": [
            {**person(m, b), "href": search_url(replace(q, connections_of=m.handle))}
            for m, b in choices
        ],
    }


def search_context(
    ctx: Ctx, viewer: Member, query: service.SearchQuery, page: int
) -> dict[str, Any]:
    q = query.cleaned()
    context: dict[str, Any] = {
        "q": q,
        "industries": INDUSTRIES,
        "networks": service.NETWORK_LABELS,
        "searched": not q.is_empty,
        "results": [],
        "facets": {},
        "owner": None,
        "owner_problem": None,
        "active_filters": active_filters(q),
        "url": search_url(q, page),
    }
    if q.is_empty:
        return context
    req = page_request(ctx, page)
    try:
        result = service.search_people(ctx, viewer, q, req)
    except KithError as exc:
        if exc.code not in OWNER_PROBLEMS:
            raise
        context["owner_problem"] = _owner_problem(q, exc)
        return context
    q = result.query
    members = [h.member for h in result.page.items]
    invitations = _open_invitations(ctx, viewer, [m.id for m in members])
    context.update(
        q=q,
        owner=person(result.owner) if result.owner else None,
        url=search_url(q, page),
        results=[
            _card(
                h.member,
                h.badge,
                h.shared,
                _action(h.member, h.badge.degree, invitations.get(h.member.id)),
                endorsed=h.endorsed,
            )
            for h in result.page.items
        ],
        page=result.page,
        truncated=result.truncated,
        base=f"/search?{urlencode(_params(q))}&",
        facets={
            "company": _choices(q.company, result.facets["company"]),
            "location": _choices(q.location, result.facets["location"]),
            "industry": _choices(q.industry, result.facets["industry"]),
            "skill": _choices(q.skill, result.facets["skill"]),
        },
    )
    return context


def _is_canonical(request: Request, url: str) -> bool:
    """Whether the address asked for says the same as ``url`` (order aside)."""
    asked = sorted(request.query_params.multi_items())
    return asked == sorted(parse_qsl(urlsplit(url).query))


@router.get("/search")
def search(
    request: Request,
    kith: KithDep,
    member_id: MemberId,
    query: SearchParams,
    page: PageNo = 1,
) -> Response:
    """People search with every filter in the URL. The address is kept canonical:
    empty fields are dropped and a member named for "connections of" becomes their
    handle (a redirect for a plain form, the pushed URL for htmx)."""
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        context = search_context(ctx, viewer, query, page)
        nav = nav_for(ctx, viewer)
    url = context["url"]
    if is_htmx(request):
        headers = {"HX-Push-Url": url}
        if request.headers.get("HX-Target") == "results":
            context["oob"] = True  # the "Chosen: ..." lines beside the form follow
            return render(request, "search/_results.html", context, headers=headers)
    elif not _is_canonical(request, url):
        return RedirectResponse(url, status_code=303)
    return render(request, "search/search.html", context, nav=nav)


@router.get("/search/typeahead")
def typeahead(
    request: Request, kith: KithDep, member_id: MemberId, q: str = "", pick: bool = False
) -> Response:
    """The options of a member combobox: the header's search box (each opens a
    profile, and a last one searches), or a field that picks a member (``pick=1``)."""
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        found = service.typeahead(ctx, viewer, q[: service.MAX_FILTER_LENGTH])
        people = [person(m, b) for m, b in found]
    typed = " ".join(q.split())
    everyone = search_url(replace(EMPTY, keywords=typed))
    context = {"people": people, "typed": typed, "pick": pick, "all": everyone}
    return render(request, "search/_typeahead.html", context)


def suggestions_context(ctx: Ctx, viewer: Member, *, limit: int | None = None) -> dict[str, Any]:
    found = suggestions.people_you_may_know(ctx, viewer, limit=limit)
    return {
        "suggestions": [
            _card(s.member, s.badge, s.shared, "connect", reasons=s.reasons) for s in found
        ]
    }


@router.get("/suggestions")
def people_you_may_know(
    request: Request, kith: KithDep, member_id: MemberId, panel: bool = False
) -> Response:
    """People you may know: the page, or the panel on My Network (``panel=1``)."""
    with kith.uow() as ctx:
        viewer = me(ctx, member_id)
        context = suggestions_context(ctx, viewer, limit=PANEL_SIZE if panel else None)
        nav = nav_for(ctx, viewer)
    if panel:
        return render(request, "search/_suggestions_panel.html", context)
    return render(request, "search/suggestions.html", context, nav=nav)


@router.post("/people/{handle}/connect")
def connect(
    request: Request,
    handle: str,
    kith: KithDep,
    member_id: MemberId,
    note: Text = "",
    context: Text = "",
    email: Text = "",
) -> Response:
    """Connect from a list (search results, suggestions, the Connect dialog opened
    there): the invitation service, answered in place with a toast."""
    with kith.uow() as ctx:
        viewer = me(ctx, member_id)
        other = get_member(ctx, handle)
        result = connections.send_invitation(
            ctx, viewer, other, note=note, context=context, email=email.strip() or None
        )
        state = "connected" if result.connection is not None else "pending"
        row = {"handle": other.handle, "name": other.name, "action": state}
        if not is_htmx(request):
            return Response(status_code=303, headers={"Location": back_to(request, "/search")})
        nav = nav_for(ctx, viewer)
        counts = live_counts(ctx, viewer, request)
    toast = f"Connected with {other.name}" if state == "connected" else sent_toast(other.name)
    context_ = {"c": row, "done": True, **counts}
    return render(
        request, "search/_action.html", context_, badges=nav, toast=toast, also=LIVE_COUNTS
    )


@router.post("/suggestions/{handle}/dismiss")
def dismiss(request: Request, handle: str, kith: KithDep, member_id: MemberId) -> Response:
    with kith.uow() as ctx:
        suggestions.dismiss(ctx, me(ctx, member_id), handle)
    if not is_htmx(request):
        return Response(status_code=303, headers={"Location": back_to(request, "/suggestions")})
    return Response("", media_type="text/html")
