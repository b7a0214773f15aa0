"""What every page handler shares: templates, the layout's header data, CSRF,
sign-in redirects and htmx-aware responses."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import parse_qs, quote, urlsplit

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, select_autoescape
from markupsafe import Markup
from sqlalchemy import Select, select

from kith.clock import as_utc, day_text, month_text
from kith.errors import Forbidden
from kith.models import Member
from kith.runtime import Kith
from kith.security import csrf_token, csrf_valid
from kith.uow import Ctx
from kith.web.deps import CSRF_COOKIE, SESSION_COOKIE, KithDep, PageMemberId

PACKAGE = Path(__file__).resolve().parent.parent
DOMAINS = (
    "groups",
    "accounts",
    "members",
    "connections",
    "notifications",
    "graph",
    "search",
    "messaging",
    "relationships",
    "insights",
    "portability",
    "posts",
    "endorsements",
    "recommendations",
    "introductions",
    "mail",
    "admin",
)
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
CSRF_REFUSAL = "Your session form expired; reload the page and try again."


def _day(value: date | None) -> Markup:
    """A day as every page shows it, ``4 Dec 2026``, in a ``<time>`` element that gives
    the machine-readable date."""
    if value is None:
        return Markup("")
    day = value.date() if isinstance(value, datetime) else value
    return Markup('<time datetime="{}">{}</time>').format(day.isoformat(), day_text(day))


def _moment(value: datetime | None) -> Markup:
    """A moment, ``4 Dec 2026, 14:05`` (UTC), in a ``<time>`` element."""
    if value is None:
        return Markup("")
    at = as_utc(value)
    return Markup('<time datetime="{}">{}, {:%H:%M}</time>').format(
        at.isoformat(timespec="minutes"), day_text(at), at
    )


def _month_year(month: int | None, year: int | None) -> Markup:
    """A calendar month, ``Dec 2024`` (or the year alone), in a ``<time>`` element."""
    if year is None:
        return Markup("")
    if month is None:
        return Markup('<time datetime="{:04d}">{}</time>').format(year, year)
    return Markup('<time datetime="{:04d}-{:02d}">{}</time>').format(
        year, month, month_text(year, month)
    )


_SCRIPT_SAFE = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("'", "\\u0027"))


def script_json(text: str) -> Markup:
    """JSON text (compact, as pydantic's ``model_dump_json`` writes it) to put inside a
    ``<script type="application/json">`` element as it is: ``<``, ``>``, ``&`` and
    ``'`` written as JSON escapes, so no ``</script>`` or comment can end the element
    early, and the text still parses to the same value."""
    for character, escaped in _SCRIPT_SAFE:  # one pass each: a tenth of ``str.translate``'s time
        text = text.replace(character, escaped)
    return Markup(text)  # noqa: S704 - every markup character escaped


def _environment() -> Environment:
    """The layout and partials from ``web/templates``; each domain's templates beside
    its ``pages.py``, addressed as ``<domain>/<name>``."""
    loader = ChoiceLoader(
        [
            FileSystemLoader(PACKAGE / "web" / "templates"),
            PrefixLoader(
                {name: FileSystemLoader(PACKAGE / name / "templates") for name in DOMAINS}
            ),
        ]
    )
    env = Environment(loader=loader, autoescape=select_autoescape(default=True))
    env.filters["day"] = _day
    env.filters["month_year"] = _month_year
    env.filters["moment"] = _moment
    return env


templates = Jinja2Templates(env=_environment())


@dataclass(frozen=True)
class Nav:
    """The signed-in member as the layout's header shows them."""

    name: str
    handle: str
    pending_invitations: int
    unread_notifications: int
    unread_messages: int = 0
    is_admin: bool = False


#: The header's badges, each a count that one domain owns.
HeaderCount = Literal["pending_invitations", "unread_notifications", "unread_messages"]


def _no_params(_ctx: Ctx, _member: Member) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class CountQuery:
    """A header badge's count as SQL, built once: a one-column SELECT whose bound
    parameters are ``member_id`` (the member whose header it is) and what ``params``
    gives for them. Every page shows the badges, and building the statements again
    for each page cost more than running them."""

    statement: Select[int]
    params: Callable[[Ctx, Member], dict[str, Any]] = _no_params


_header_counts: dict[HeaderCount, CountQuery] = {}
_header_statements: dict[tuple[HeaderCount, ...], Select[Any]] = {}


def register_header_count(name: HeaderCount, query: CountQuery) -> None:
    """Let the domain that owns a header badge's count fill it (registered where the
    app is assembled: ``web/`` imports no domain). A badge nobody fills shows nothing."""
    _header_counts[name] = query
    _header_statements.clear()


def nav_for(ctx: Ctx, member: Member) -> Nav:
    """The header for ``member``: its badge counts asked in one statement (every page
    shows them)."""
    names = tuple(_header_counts)
    counts: dict[str, int] = {}
    if names:
        statement = _header_statements.get(names)
        if statement is None:
            statement = select(*(_header_counts[n].statement.scalar_subquery() for n in names))
            _header_statements[names] = statement
        params: dict[str, Any] = {"member_id": member.id}
        for name in names:
            params.update(_header_counts[name].params(ctx, member))
        row = ctx.session.execute(statement, params).one()
        counts = {n: int(v or 0) for n, v in zip(names, row, strict=True)}
    return Nav(
        name=member.name,
        handle=member.handle,
        pending_invitations=counts.get("pending_invitations", 0),
        unread_notifications=counts.get("unread_notifications", 0),
        unread_messages=counts.get("unread_messages", 0),
        is_admin=member.is_admin,
    )


def csrf_nonce(request: Request) -> str:
    """This browser's CSRF nonce: from its cookie, or the one the middleware just made."""
    nonce = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "csrf_nonce", None)
    return str(nonce or "")


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def render(
    request: Request,
    name: str,
    context: Mapping[str, Any] | None = None,
    *,
    nav: Nav | None = None,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
    badges: Nav | None = None,
    toast: str | None = None,
    also: Sequence[str] = (),
) -> HTMLResponse:
    """Render ``name`` with the layout's context. For an htmx answer to an action,
    ``badges`` (the member's fresh header counts) adds out-of-band replacements of the
    header badges, ``toast`` a short confirmation in the page's toast region, and each
    template in ``also`` is rendered with the same context and appended (out-of-band
    replacements of the counts the page shows)."""
    kith: Kith = request.app.state.kith
    full: dict[str, Any] = {
        "nav": nav,
        "community": kith.settings.community_name,
        "csrf": csrf_token(kith.settings.secret_key, csrf_nonce(request)),
        "csrf_field": CSRF_FIELD,
        "path": request.url.path,
        "now": kith.clock.now(),
    }
    full.update(context or {})
    response = templates.TemplateResponse(
        request, name, full, status_code=status, headers=dict(headers or {})
    )
    extra = [*also, *(["_live.html"] if badges is not None or toast else [])]
    if extra:
        full.update(live=badges, toast=toast, request=request)
        tail = "".join(templates.get_template(t).render(full) for t in extra)
        response.body = bytes(response.body) + tail.encode()
        response.headers["content-length"] = str(len(response.body))
    return response


def current_page(request: Request) -> tuple[str, dict[str, list[str]]]:
    """The path and query of the page an htmx request came from (``HX-Current-URL``),
    so that an answer replaces only the counts that page shows; ("", {}) otherwise."""
    parts = urlsplit(request.headers.get("HX-Current-URL", ""))
    if parts.netloc and parts.netloc != request.url.netloc:
        return "", {}
    return parts.path, parse_qs(parts.query)


def alert_fragment(request: Request, message: str, *, status: int, kind: str = "error") -> Response:
    """An inline alert for an htmx request, placed in the page's alert area."""
    response = render(
        request, "_alert.html", {"message": message, "kind": kind, "oob": False}, status=status
    )
    response.headers["HX-Retarget"] = "#alerts"
    response.headers["HX-Reswap"] = "innerHTML"
    return response


def redirect(request: Request, url: str) -> Response:
    """After a successful form post: a 303 for plain forms, HX-Redirect for htmx."""
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


def local_path(target: str | None, default: str = "/") -> str:
    """``target`` if it is a path on this site, else ``default`` (no open redirects)."""
    if not target:
        return default
    parts = urlsplit(target)
    if (
        parts.scheme
        or parts.netloc
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
    ):
        return default
    return target


def back_to(request: Request, default: str) -> str:
    """Where a plain form post returns: the page it came from when that is on this site."""
    referer = request.headers.get("referer")
    if referer:
        parts = urlsplit(referer)
        if parts.netloc == request.url.netloc and parts.path.startswith("/"):
            return parts.path + (f"?{parts.query}" if parts.query else "")
    return default


class SignInRequired(Exception):  # noqa: N818 - it is a redirect, not a failure
    """Raised by :func:`required_member` when nobody is signed in."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def signin_redirect(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SignInRequired)
    url = f"/signin?next={quote(exc.next_path, safe='/')}"
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


def required_member(request: Request, member_id: PageMemberId) -> int:
    if member_id is None:
        target = request.url.path if request.method == "GET" else back_to(request, "/mynetwork")
        if request.method == "GET" and request.url.query:
            target += f"?{request.url.query}"
        raise SignInRequired(target)
    return member_id


MemberId = Annotated[int, Depends(required_member)]


def session_cookie(response: Response, kith: Kith, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=kith.settings.session_days * 86400,
        httponly=True,
        samesite="lax",
        secure=kith.settings.base_url.startswith("https://"),
        path="/",
    )


def new_nonce() -> str:
    return secrets.token_urlsafe(24)


__all__ = [
    "CSRF_FIELD",
    "CSRF_HEADER",
    "CSRF_REFUSAL",
    "CountQuery",
    "HeaderCount",
    "KithDep",
    "MemberId",
    "Nav",
    "PageMemberId",
    "SignInRequired",
    "alert_fragment",
    "back_to",
    "csrf_check",
    "current_page",
    "is_htmx",
    "local_path",
    "nav_for",
    "new_nonce",
    "redirect",
    "register_header_count",
    "render",
    "session_cookie",
    "signin_redirect",
    "templates",
]


async def csrf_check(request: Request) -> None:
    """Refuse a state-changing page request without this browser's CSRF token (in the
    ``csrf_token`` form field or the ``X-CSRF-Token`` header)."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    submitted = request.headers.get(CSRF_HEADER)
    if not submitted:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            value = (await request.form()).get(CSRF_FIELD)
            submitted = value if isinstance(value, str) else None
    kith: Kith = request.app.state.kith
    if not csrf_valid(kith.settings.secret_key, request.cookies.get(CSRF_COOKIE), submitted):
        raise Forbidden(CSRF_REFUSAL, code="csrf_failed")
