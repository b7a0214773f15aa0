"""The web application: REST API under /api/v1 and the HTML pages."""

from __future__ import annotations

import gc
import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, Depends, FastAPI
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from kith import __version__
from kith.accounts.api import router as accounts_api
from kith.accounts.oidc_pages import router as oidc_pages
from kith.accounts.pages import router as accounts_pages
from kith.accounts.service import token_in_use
from kith.accounts.sessions import mark_seen, seen_long_ago
from kith.accounts.two_factor import EnrolFirst, admit
from kith.accounts.two_factor_api import router as two_factor_api
from kith.accounts.two_factor_pages import enrol_first
from kith.accounts.two_factor_pages import router as two_factor_pages
from kith.admin.api import members_router as join_invitations_api
from kith.admin.api import router as admin_api
from kith.admin.pages import router as admin_pages
from kith.blocks.api import router as blocks_api
from kith.connections.api import router as connections_api
from kith.connections.pages import router as connections_pages
from kith.connections.service import PENDING_RECEIVED, pending_received_params
from kith.endorsements.api import router as endorsements_api
from kith.endorsements.pages import router as endorsements_pages
from kith.follows.api import router as follows_api
from kith.graph.api import router as graph_api
from kith.graph.pages import router as graph_pages
from kith.groups.api import router as groups_api
from kith.groups.pages import router as groups_pages
from kith.insights.api import router as insights_api
from kith.insights.jobs import CommunityRefresher
from kith.insights.map_pages import router as network_map_pages
from kith.insights.pages import router as insights_pages
from kith.introductions.api import router as introductions_api
from kith.introductions.pages import router as introductions_pages
from kith.mail.api import router as mail_api
from kith.mail.pages import router as mail_pages
from kith.mail.worker import MailWorker
from kith.members.api import router as members_api
from kith.members.media import router as members_media
from kith.members.pages import router as members_pages
from kith.members.photo_pages import router as members_photo_pages
from kith.members.welcome_pages import router as welcome_pages
from kith.messaging.api import router as messaging_api
from kith.messaging.pages import router as messaging_pages
from kith.messaging.service import UNREAD as UNREAD_MESSAGES
from kith.migrations import schema_state
from kith.notifications.api import router as notifications_api
from kith.notifications.pages import router as notifications_pages
from kith.notifications.service import UNREAD as UNREAD_NOTIFICATIONS
from kith.portability.api import imports_router as imports_api
from kith.portability.api import router as portability_api
from kith.portability.downloads import router as portability_downloads
from kith.portability.pages import router as portability_pages
from kith.posts import impressions
from kith.posts.api import router as posts_api
from kith.posts.engagement_api import router as engagement_api
from kith.posts.engagement_pages import router as engagement_pages
from kith.posts.feed_api import router as feed_api
from kith.posts.feed_pages import router as feed_pages
from kith.posts.insights_api import router as post_insights_api
from kith.posts.insights_pages import router as post_insights_pages
from kith.posts.pages import router as posts_pages
from kith.posts.reports_api import router as reports_api
from kith.posts.reports_pages import router as reports_pages
from kith.recommendations.api import router as recommendations_api
from kith.recommendations.pages import router as recommendations_pages
from kith.relationships.api import router as relationships_api
from kith.relationships.pages import router as relationships_pages
from kith.runtime import Kith
from kith.search.api import router as search_api
from kith.search.pages import router as search_pages
from kith.web import errors
from kith.web.deps import Credentials, register_credentials
from kith.web.headers import SecurityHeadersMiddleware
from kith.web.health import router as health_router
from kith.web.limits import BodyLimitMiddleware
from kith.web.metrics import MetricsMiddleware, observe_network
from kith.web.pages import install_pages
from kith.web.params import reject_nul
from kith.web.render import CountQuery, register_header_count, templates
from kith.web.requestlog import RequestIdMiddleware
from kith.web.retry import RetryMiddleware
from kith.web.timing import ServerTimingMiddleware

# The REST API (under /api/v1) and the HTML pages, domain by domain.
API_ROUTERS = (
    accounts_api,
    two_factor_api,
    members_api,
    connections_api,
    follows_api,
    blocks_api,
    notifications_api,
    graph_api,
    search_api,
    messaging_api,
    posts_api,
    engagement_api,
    relationships_api,
    insights_api,
    portability_api,
    imports_api,
    post_insights_api,
    reports_api,
    feed_api,
    endorsements_api,
    recommendations_api,
    introductions_api,
    mail_api,
    groups_api,
    admin_api,
    join_invitations_api,
)
PAGE_ROUTERS = (
    accounts_pages,
    two_factor_pages,
    oidc_pages,
    members_media,
    members_pages,
    members_photo_pages,
    welcome_pages,
    connections_pages,
    notifications_pages,
    graph_pages,
    search_pages,
    messaging_pages,
    posts_pages,
    engagement_pages,
    relationships_pages,
    insights_pages,
    portability_downloads,
    portability_pages,
    post_insights_pages,
    reports_pages,
    feed_pages,
    endorsements_pages,
    recommendations_pages,
    introductions_pages,
    mail_pages,
    network_map_pages,
    groups_pages,
    admin_pages,
)

log = logging.getLogger(__name__)

# The routes that take files: their body ceiling is KITH_IMPORT_MAX_MB.
UPLOAD_PATHS = frozenset({"/api/v1/me/imports", "/me/data/import"})
# The routes that take a picture: their body ceiling is KITH_PHOTO_MAX_MB.
PHOTO_PATHS = frozenset({"/api/v1/me/photo", "/api/v1/me/cover", "/me/photo", "/me/cover"})
# The routes that take a post's images: KITH_PHOTO_MAX_MB for each of KITH_POST_MAX_IMAGES
# (and a group's logo, whose own ceiling the photo pipeline checks).
ALBUM_PATHS = re.compile(r"/posts|/api/v1/posts/\d+/images|(/api/v1)?/groups/\d+/logo")

# Swagger UI from vendored files, started by a script file (the pages' policy
# allows no inline script).
API_EXPLORER = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Kith API</title>
  <link rel="stylesheet" href="/static/vendor/swagger-ui.css">
  <link rel="icon" href="data:,">
</head>
<body>
  <div id="swagger-ui" data-openapi-url="/api/v1/openapi.json"></div>
  <script src="/static/vendor/swagger-ui-bundle.js"></script>
  <script src="/static/swagger-init.js"></script>
</body>
</html>
"""


class ErrorOut(BaseModel):
    """Every refusal: a stable code to branch on and a sentence to show."""

    error: str = Field(examples=["withdraw_cooldown"])
    detail: str = Field(
        examples=[
            "You withdrew an invitation to Ben Okafor on 02 Mar 2026; you can invite "
            "them again from 23 Mar 2026."
        ]
    )


REFUSALS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorOut, "description": description}
    for status, description in (
        (401, "Not signed in, or wrong credentials"),
        (403, "Not allowed (a member's settings, a restriction, privacy)"),
        (
            404,
            "No such member, invitation, conversation or item of yours, or hidden by a block",
        ),
        (409, "Conflicts with the current state (already connected, pending, cooldown...)"),
        (422, "The request is not valid"),
        (429, "A limit was reached; see Retry-After where given"),
    )
}


def operation_id(route: APIRoute) -> str:
    """A short id for an operation, as generated clients name their functions:
    the first segment of its path, then the endpoint's name unless that already
    says it (``invitations_accept``, ``invitations_send``, ``member_connections``)."""
    segment = route.path_format.removeprefix("/api/v1/").split("/")[0].replace("-", "_")
    one = segment.removesuffix("s")
    name = route.name.removesuffix(f"_{one}")
    if name.startswith((segment, one)):
        return name
    return f"{segment}_{name}"


def api_router() -> APIRouter:
    api = APIRouter(prefix="/api/v1", responses=REFUSALS, generate_unique_id_function=operation_id)
    for router in API_ROUTERS:
        api.include_router(router)
    return api


def register_domains() -> None:
    """What the shared web plumbing asks of the domains (``web/`` imports none): how a
    token resolves to its member, and the header's counts."""
    register_credentials(
        Credentials(
            lookup=token_in_use, seen_long_ago=seen_long_ago, mark_seen=mark_seen, admit=admit
        )
    )
    register_header_count(
        "pending_invitations", CountQuery(PENDING_RECEIVED, pending_received_params)
    )
    register_header_count("unread_notifications", CountQuery(UNREAD_NOTIFICATIONS))
    register_header_count("unread_messages", CountQuery(UNREAD_MESSAGES))


def _schema_current(kith: Kith) -> bool:
    """Whether the database's schema is as new as this code (a database out of reach
    counts as current: the engine's start reports that failure as it always did)."""
    try:
        state = schema_state(kith.db.reader)
    except Exception:  # noqa: BLE001 - unreachable: not this check's concern
        return True
    if not state.up_to_date:
        log.error("not starting background work: %s", state.describe())
    return state.up_to_date


def create_app(kith: Kith | None = None) -> FastAPI:
    """Build the app around ``kith`` (settings, clock, database), made from the
    environment when not given."""
    runtime = kith or Kith.from_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # The runtime served is the app's (``app.state.kith``), read when it starts.
        served: Kith = app.state.kith
        if not served.db.bound and not _schema_current(served):
            # `kith serve` refuses to start here; an app made some other way answers
            # /healthz, and /readyz says why it is not ready, without touching tables
            # this code expects and the database does not have yet.
            yield
            return
        observe_network(served.start_network())
        served.live.start()
        refresher = None
        if served.settings.insights_refresh_minutes > 0 and not served.db.bound:
            refresher = CommunityRefresher(served)
            refresher.start()
        app.state.insights_refresher = refresher
        mailer = None
        in_process = served.settings.worker_in_process
        if (served.settings.env == "dev" if in_process is None else in_process) and not (
            served.db.bound
        ):
            mailer = MailWorker(served)  # `kith worker` does this in production
            mailer.start()
        if not served.db.bound:
            impressions.start(served)
            # What start-up built (the network engine, the modules, the templates) lives
            # as long as the server: kept out of the collector's full passes, which
            # would otherwise walk those ~300,000 objects during some request.
            gc.collect()
            gc.freeze()
        yield
        gc.unfreeze()
        impressions.stop(served)  # writes the views counted since the last flush
        if mailer is not None:
            mailer.stop()
        if refresher is not None:
            refresher.stop()
        served.live.stop()
        served.stop_network()
        if kith is None:
            served.db.dispose()

    app = FastAPI(
        title="Kith",
        version=__version__,
        description="A self-hostable professional network. Every refusal is a 4xx with "
        '`{"error": "<stable_code>", "detail": "<sentence>"}`.',
        lifespan=lifespan,
        docs_url=None,  # served below from vendored files, not from a CDN
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
        dependencies=[Depends(reject_nul)],
    )

    @app.get("/docs", include_in_schema=False)
    def api_explorer() -> HTMLResponse:
        return HTMLResponse(API_EXPLORER)

    register_domains()
    app.state.kith = runtime
    errors.install(app)
    app.add_exception_handler(EnrolFirst, enrol_first)
    app.include_router(api_router())
    app.include_router(health_router)
    # Outside development a template does not change under a running server: no file
    # check on each of the ~80 template look-ups of a page.
    templates.env.auto_reload = runtime.settings.env == "dev"
    install_pages(app, PAGE_ROUTERS)
    app.add_middleware(RetryMiddleware)
    app.add_middleware(
        BodyLimitMiddleware,
        upload_paths=UPLOAD_PATHS,
        photo_paths=PHOTO_PATHS,
        album_paths=ALBUM_PATHS,
    )
    app.add_middleware(SecurityHeadersMiddleware)
    if runtime.settings.server_timing:
        app.add_middleware(ServerTimingMiddleware)
    app.add_middleware(MetricsMiddleware)
    app.add_middleware(RequestIdMiddleware)
    # X-Forwarded-For/-Proto believed only from KITH_TRUSTED_PROXIES (``kith serve``
    # leaves uvicorn's own handling off, so that this is the one place that decides).
    trusted = [host.strip() for host in runtime.settings.trusted_proxies.split(",") if host.strip()]
    app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=trusted)
    return app
