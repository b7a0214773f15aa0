"""Administration on both databases: suspension hides a member wherever a deleted one
is hidden (search, suggestions, lists, profiles, the network engine's answers) and
reactivation brings everything back; every action is in the audit log; non-admins,
unknown ids and bad input are refused with nothing changed."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from kith.accounts.credentials import sign_in
from kith.admin import api as admin_api
from kith.admin import pages as admin_pages
from kith.admin import service
from kith.clock import FrozenClock
from kith.community import audit
from kith.connections.service import report_unknown, send_invitation
from kith.models import AuditEntry, AuthToken, Member
from kith.network_sync import verify
from kith.posts import reports
from kith.runtime import Kith
from kith.uow import Ctx
from tests.fixtures.factories import PASSWORD, bearer, connect, make_member
from tests.fixtures.pages import post, sign_in_as
from tests.fixtures.posts import make_post
from tests.fixtures.refusals import refusal, refused
from tests.fixtures.search import synced

API = "/api/v1"


def _handles(items: list[dict[str, Any]], key: str = "member") -> set[str]:
    return {(i[key] if key else i)["handle"] for i in items}


def _seen_by(
    client: TestClient, viewer: dict[str, str], them: Member, cy: Member
) -> dict[str, Any]:
    """What ``viewer`` sees of ``them`` and of ``cy`` (2nd degree through them)."""
    search = client.get(f"{API}/search/people", params={"q": them.first_name}, headers=viewer)
    suggestions = client.get(f"{API}/suggestions", headers=viewer).json()["items"]
    connections = client.get(f"{API}/connections", headers=viewer).json()["items"]
    mutual = client.get(f"{API}/members/{cy.handle}/mutual", headers=viewer).json()
    me = client.get(f"{API}/me", headers=viewer).json()["handle"]
    mine = client.get(f"{API}/members/{me}", headers=viewer).json()
    cys = client.get(f"{API}/members/{cy.handle}", headers=viewer).json()
    return {
        "profile": client.get(f"{API}/members/{them.handle}", headers=viewer).status_code,
        # Counted nowhere, as listed nowhere: the viewer's and Cy's counts.
        "counts": [mine["connections"], mine["followers"], cys["connections"], cys["followers"]],
        "search": _handles(search.json()["items"]),
        "suggestions": _handles(suggestions),
        "connections": _handles(connections),
        "mutual": mutual["total"],
    }


def test_suspension_hides_everywhere_and_reactivation_brings_back(
    ctx: Ctx, kith: Kith, client: TestClient
) -> None:
    admin = make_member(ctx, "Ada", role="admin")
    ana = make_member(ctx, "Ana", "Ruiz")
    ben = make_member(ctx, "Bartholomew", "Okafor")
    cy = make_member(ctx, "Cy", "Park")
    connect(ctx, ana, ben)
    connect(ctx, ben, cy)
    synced(kith)
    viewer = bearer(ctx, ana)
    bens_token = bearer(ctx, ben)
    before = _seen_by(client, viewer, ben, cy)
    assert before["profile"] == 200
    assert ben.handle in before["search"]
    assert cy.handle in before["suggestions"]  # through Ben
    assert before["connections"] == {ben.handle}
    assert before["mutual"] == 1
    assert before["counts"] == [1, 1, 1, 1]

    service.suspend(ctx, admin, ben.id, "Spam messages to many members")
    synced(kith)
    after = _seen_by(client, viewer, ben, cy)
    assert after == {
        "profile": 404,
        "search": set(),
        "suggestions": set(),
        "connections": set(),
        "mutual": 0,
        "counts": [0, 0, 0, 0],
    }
    assert kith.network is not None
    assert kith.network.engine.connection_count(ana.id) == 0
    assert verify(kith.network).ok  # the engine equals the table without Ben's pairs
    refused(client.get(f"{API}/me", headers=bens_token), 401, "not_authenticated")
    live = ctx.session.scalar(
        select(func.count()).where(AuthToken.member_id == ben.id, AuthToken.revoked.is_(False))
    )
    assert live == 0
    refusal(
        "account_suspended",
        sign_in,
        kith,
        kind="api",
        email=ben.email,
        password=PASSWORD,
        address="10.0.0.1",
    )
    refusal(
        "invalid_credentials",
        sign_in,
        kith,
        kind="api",
        email=ben.email,
        password="nope",
        address="10.0.0.1",
    )
    kith.network.rebuild()  # a restart leaves the suspended member out too
    assert kith.network.engine.connection_count(ana.id) == 0

    service.reactivate(ctx, admin, ben.id, "Appeal accepted")
    synced(kith)
    assert _seen_by(client, viewer, ben, cy) == before
    assert kith.network.engine.connection_count(ben.id) == 2
    assert verify(kith.network).ok
    assert sign_in(kith, kind="api", email=ben.email, password=PASSWORD, address="10.0.0.1")
    entries = ctx.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.action, e.subject_id, e.reason, e.admin_id) for e in entries] == [
        ("member_suspended", ben.id, "Spam messages to many members", admin.id),
        ("member_reactivated", ben.id, "Appeal accepted", admin.id),
    ]


def _admin_routes() -> list[tuple[str, str]]:
    """Every administrators' route: the API's (under /api/v1) and the pages'."""
    routes = []
    for prefix, router in ((API, admin_api.router), ("", admin_pages.router)):
        for route in router.routes:
            path = getattr(route, "path", "")
            if path.startswith("/admin"):
                for method in sorted(getattr(route, "methods", set()) - {"HEAD"}):
                    routes.append((method, prefix + path))
    return routes


def test_non_admins_are_refused_on_every_admin_endpoint(
    ctx: Ctx, kith: Kith, client: TestClient
) -> None:
    member = make_member(ctx, "Ben")
    target = make_member(ctx, "Cy")
    headers = bearer(ctx, member)
    routes = _admin_routes()
    assert len(routes) == 28
    sign_in_as(client, ctx, member)
    for method, path in routes:
        url = (
            path.replace("{target_id}", str(target.id))
            .replace("{request_id}", "1")
            .replace("{invitation_id}", "1")
            .replace("{action}", "suspend")
            .replace("{decision}", "approve")
            .replace("{fmt}", "csv")
        )
        if path.startswith("/admin"):  # a page: the same refusal, in words
            response = (
                client.get(url) if method == "GET" else post(client, kith, url, {"reason": "x"})
            )
            assert response.status_code == 403, (method, url, response.status_code)
            assert "administrators" in response.text
            continue
        body = {} if path.endswith(("/invitations", "/settings")) else {"reason": "spam"}
        response = client.request(
            method, url, headers=headers, json=None if method == "GET" else body
        )
        refused(response, 403, "admin_only")
    assert ctx.session.scalar(select(func.count()).select_from(AuditEntry)) == 0
    assert ctx.session.get_one(Member, target.id).is_active


def test_bad_input_is_refused_and_changes_nothing(ctx: Ctx, client: TestClient) -> None:
    admin = make_member(ctx, "Ada", role="admin")
    ben = make_member(ctx, "Ben")
    headers = bearer(ctx, admin)
    for member_id in (2**31 - 1, 2**40, 0):
        refused(
            client.post(
                f"{API}/admin/members/{member_id}/suspend", json={"reason": "x"}, headers=headers
            ),
            404,
            "member_not_found",
        )
    refusal("member_not_found", service.suspend, ctx, admin, 2**40, "x")
    nul = client.post(
        f"{API}/admin/members/{ben.id}/suspend", json={"reason": "a\x00b"}, headers=headers
    )
    assert nul.status_code == 422, nul.text
    refusal("invalid_reason", service.suspend, ctx, admin, ben.id, "a\x00b")
    refusal("reason_required", service.suspend, ctx, admin, ben.id, "   ")
    refusal("invalid_reason", service.suspend, ctx, admin, ben.id, "x" * 501)
    refusal("not_yourself", service.suspend, ctx, admin, admin.id, "oops")
    refusal("not_suspended", service.reactivate, ctx, admin, ben.id, "x")
    refusal("not_restricted", service.lift_restriction, ctx, admin, ben.id, "x")
    refused(
        client.get(f"{API}/admin/members", params={"status": "gone"}, headers=headers),
        422,
        "invalid",
    )
    assert ctx.session.scalar(select(func.count()).select_from(AuditEntry)) == 0
    assert ctx.session.get_one(Member, ben.id).is_active
    service.suspend(ctx, admin, ben.id, "spam")
    refusal("already_suspended", service.suspend, ctx, admin, ben.id, "again")
    found = client.get(f"{API}/admin/members", params={"status": "suspended"}, headers=headers)
    assert [m["handle"] for m in found.json()["items"]] == [ben.handle]
    assert (
        client.get(f"{API}/admin/members", params={"q": "%_\\"}, headers=headers).json()["total"]
        == 0
    )


def test_delete_lift_restriction_moderation_settings_and_export(
    ctx: Ctx, client: TestClient, clock: FrozenClock
) -> None:
    admin = make_member(ctx, "Ada", role="admin")
    headers = bearer(ctx, admin)
    spammer = make_member(ctx, "Sam", "Spam")
    spam_handle = spammer.handle
    connect(ctx, spammer, make_member(ctx, "Vic"))
    response = client.post(
        f"{API}/admin/members/{spammer.id}/delete", json={"reason": "Spam account"}, headers=headers
    )
    assert response.status_code == 204, response.text
    ctx.session.refresh(spammer)
    assert spammer.deleted_at is not None

    # Five "I don't know this person" reports restrict Rae; an administrator lifts it,
    # and the reports made before then no longer count.
    rae = make_member(ctx, "Rae")
    for _ in range(5):
        other = make_member(ctx, "Oli")
        invitation = send_invitation(ctx, rae, other).invitation
        report_unknown(ctx, other, invitation.id)
    ctx.session.refresh(rae)
    assert rae.invite_restricted_until is not None
    listed = client.get(f"{API}/admin/members", params={"status": "restricted"}, headers=headers)
    assert [m["handle"] for m in listed.json()["items"]] == [rae.handle]
    lifted = client.post(
        f"{API}/admin/members/{rae.id}/lift-restriction",
        json={"reason": "Known to the office"},
        headers=headers,
    )
    assert lifted.json()["restricted_until"] is None
    ctx.session.refresh(rae)
    clock.advance(minutes=1)
    other = make_member(ctx, "Oli")
    report_unknown(ctx, other, send_invitation(ctx, rae, other).invitation.id)
    ctx.session.refresh(rae)
    assert rae.invite_restricted_until is None

    post = make_post(ctx, make_member(ctx, "Tom"), "Buy cheap watches")
    reports.report(ctx, make_member(ctx, "Una"), "post", post.id, reason="spam")
    reports.remove(ctx, admin, "post", post.id)
    changed = client.patch(
        f"{API}/admin/settings",
        json={"public_profiles": True, "reason": "Alumni directory"},
        headers=headers,
    )
    assert changed.json()["public_profiles"] is True

    log = client.get(f"{API}/admin/audit", headers=headers).json()
    assert [e["action"] for e in log["items"]] == [
        "settings_changed",
        "post_removed",
        "restriction_lifted",
        "member_deleted",
    ]
    assert log["items"][0]["reason"] == "Alumni directory"
    assert log["items"][3]["subject_label"] == f"Sam Spam ({spam_handle})"
    exported = client.get(f"{API}/admin/audit/export", params={"format": "csv"}, headers=headers)
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [r["action"] for r in rows] == [e["action"] for e in reversed(log["items"])]
    assert rows[0]["reason"] == "Spam account"
    as_json = client.get(
        f"{API}/admin/audit/export", params={"format": "json"}, headers=headers
    ).json()
    assert [e["id"] for e in as_json] == [int(r["id"]) for r in rows]
    assert len(audit.export_csv(ctx, admin).splitlines()) == 5
    assert clock.now() - timedelta(minutes=5) < ctx.session.scalar(
        select(func.max(AuditEntry.created_at))
    )
