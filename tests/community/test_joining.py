"""Who may join: every join mode through the one sign-up service, invitation codes
(expired, reused, revoked, for another address, used up under concurrency), approval,
members inviting colleagues, and profiles for signed-out visitors."""

from __future__ import annotations

from functools import partial

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from kith.accounts.credentials import sign_in
from kith.accounts.service import sign_up
from kith.admin import applicants
from kith.clock import FrozenClock
from kith.community import invitations
from kith.community import settings as community
from kith.models import AuditEntry, JoinInvitation, JoinRequest, MailOutbox, Member
from kith.runtime import Kith
from kith.uow import Ctx
from tests.fixtures.factories import PASSWORD, make_member
from tests.fixtures.races import race
from tests.fixtures.refusals import refusal, refused

API = "/api/v1"


def _join(ctx: Ctx, email: str, code: str | None = None, handle: str | None = None) -> Member:
    return sign_up(
        ctx,
        email=email,
        password=PASSWORD,
        first_name="Nia",
        last_name="New",
        handle=handle,
        invitation=code,
    )


def _members(ctx: Ctx) -> int:
    return int(ctx.session.scalar(select(func.count()).select_from(Member)) or 0)


def _mailed(ctx: Ctx, address: str) -> list[str]:
    return list(
        ctx.session.scalars(
            select(MailOutbox.kind).where(MailOutbox.to_address == address).order_by(MailOutbox.id)
        )
    )


def _actions(ctx: Ctx) -> list[str]:
    return list(ctx.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_open_and_email_domains(ctx: Ctx) -> None:
    admin = make_member(ctx, "Ada", role="admin")
    assert _join(ctx, "nia@anywhere.net").is_active  # open by default
    community.update(
        ctx, admin, {"join_mode": "domains", "allowed_domains": "example.org, acme.com"}
    )
    assert _join(ctx, "nia@acme.com").is_active
    assert _join(ctx, "nia@alumni.example.org").is_active  # a subdomain of an allowed one
    before = _members(ctx)
    err = refusal("domain_not_allowed", _join, ctx, "nia@evil-acme.com")
    assert "example.org, acme.com" in err.message
    refusal("domain_not_allowed", _join, ctx, "nia@acme.com.evil.net")
    assert _members(ctx) == before
    made = invitations.create_code(ctx, admin, max_uses=1)
    assert _join(ctx, "nia@elsewhere.net", made.code).is_active  # an invitation admits
    assert _actions(ctx) == ["settings_changed", "invitation_created"]


def test_invitation_codes_and_every_bad_one(ctx: Ctx, clock: FrozenClock) -> None:
    admin = make_member(ctx, "Ada", role="admin")
    community.update(ctx, admin, {"join_mode": "invitation"}, reason="members only")
    refusal("invitation_required", _join, ctx, "nia@example.org")
    two = invitations.create_code(ctx, admin, max_uses=2, days=7, label="Class of 2010")
    assert two.link.endswith(f"/signup?code={two.code}")
    # Typed by hand: case, spaces and dashes do not matter.
    typed = two.code.lower().replace("-", " ")
    assert _join(ctx, "nia.1@example.org", typed).is_active
    assert _join(ctx, "nia.2@example.org", two.code).is_active
    before = _members(ctx)
    refusal("invitation_used", _join, ctx, "nia.3@example.org", two.code)
    refusal("invalid_invitation", _join, ctx, "nia.3@example.org", "NOPE-NOPE-NOPE")
    refusal("invalid_invitation", _join, ctx, "nia.3@example.org", "AB\x00CD")
    refusal("invalid_invitation", _join, ctx, "nia.3@example.org", "A" * 10_000)
    revoked = invitations.create_code(ctx, admin)
    invitations.revoke(ctx, admin, revoked.invitation.id)
    refusal("invitation_revoked", _join, ctx, "nia.3@example.org", revoked.code)
    expiring = invitations.create_code(ctx, admin, days=1)
    bound = invitations.create_code(ctx, admin, email="Zoe@Example.org")
    refusal("invitation_email_mismatch", _join, ctx, "nia.3@example.org", bound.code)
    clock.advance(days=1)
    refusal("invitation_expired", _join, ctx, "nia.3@example.org", expiring.code)
    assert _members(ctx) == before
    uses = dict(ctx.session.execute(select(JoinInvitation.id, JoinInvitation.uses)).all())
    assert uses == {
        two.invitation.id: 2,
        revoked.invitation.id: 0,
        expiring.invitation.id: 0,
        bound.invitation.id: 0,
    }
    assert _join(ctx, "zoe@example.org", bound.code).is_active
    refusal("invalid_max_uses", invitations.create_code, ctx, admin, max_uses=0)
    refusal("invalid_expiry", invitations.create_code, ctx, admin, days=366)
    refusal("invalid_label", invitations.create_code, ctx, admin, label="a\x00b")
    refusal("admin_only", invitations.create_code, ctx, make_member(ctx, "Ben"))
    entries = ctx.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [e.action for e in entries][:3] == [
        "settings_changed",
        "invitation_created",
        "invitation_created",
    ]
    assert entries[0].reason == "members only"
    assert entries[0].detail == {"join_mode": {"before": "open", "after": "invitation"}}
    assert entries[1].subject_label == "Class of 2010"
    assert "invitation_revoked" in [e.action for e in entries]


def test_concurrent_sign_ups_never_exceed_a_code(committed_kith: Kith) -> None:
    kith = committed_kith
    with kith.uow() as ctx:
        admin = make_member(ctx, "Ada", role="admin")
        community.update(ctx, admin, {"join_mode": "invitation"})
        code = invitations.create_code(ctx, admin, max_uses=3).code

    def join(n: int) -> str:
        with kith.uow() as ctx:
            _join(ctx, f"rush.{n}@example.org", code, handle=f"rush-{n}")
        return "joined"

    outcomes = race([partial(join, n) for n in range(8)])
    assert outcomes == {"joined": 3, "invitation_used": 5}
    with kith.uow(write=False) as ctx:
        assert ctx.session.scalar(select(JoinInvitation.uses)) == 3
        assert _members(ctx) == 4


def test_approval_approve_and_decline(ctx: Ctx, kith: Kith, client: TestClient) -> None:
    admin = make_member(ctx, "Ada", role="admin")
    community.update(ctx, admin, {"join_mode": "approval"})
    body = {
        "email": "nia@example.org",
        "password": PASSWORD,
        "first_name": "Nia",
        "last_name": "New",
    }
    response = client.post(f"{API}/auth/signup", json=body)
    assert response.status_code == 202, response.text
    assert response.json()["status"] == "awaiting_approval"
    rex = _join(ctx, "rex@example.org")
    assert not rex.is_active
    ask = lambda email: partial(  # noqa: E731
        sign_in, kith, kind="api", email=email, password=PASSWORD, address="10.0.0.1"
    )
    refusal("awaiting_approval", ask("nia@example.org"))
    refusal(
        "invalid_credentials",
        sign_in,
        kith,
        kind="api",
        email="nia@example.org",
        password="wrong",
        address="10.0.0.1",
    )
    waiting = applicants.pending(ctx, admin, page_request_1())
    assert [r.email for r in waiting.items] == ["nia@example.org", "rex@example.org"]
    nia_request, rex_request = waiting.items
    # Not visible anywhere while waiting.
    refused(
        client.get(f"{API}/members/{rex.handle}", headers=_bearer(ctx, admin)),
        404,
        "member_not_found",
    )
    assert _mailed(ctx, "nia@example.org") == []  # nothing is mailed while waiting
    applicants.approve(ctx, admin, nia_request.id)
    assert ask("nia@example.org")().handle
    assert _mailed(ctx, "nia@example.org") == ["verify_email"]  # confirm the address
    applicants.decline(ctx, admin, rex_request.id, "Not a member of the association")
    refusal("invalid_credentials", ask("rex@example.org"))  # the generic message only
    assert ctx.session.scalar(select(Member).where(Member.email == "rex@example.org")) is None
    declined = ctx.session.get_one(JoinRequest, rex_request.id)
    assert (declined.status, declined.reason) == ("declined", "Not a member of the association")
    refusal("join_request_not_found", applicants.decline, ctx, admin, rex_request.id, "again")
    refusal("join_request_not_found", applicants.approve, ctx, admin, 2**40)
    refusal("reason_required", applicants.decline, ctx, admin, nia_request.id, " ")
    refusal("admin_only", applicants.approve, ctx, make_member(ctx, "Ben"), nia_request.id)
    assert _actions(ctx)[-2:] == ["applicant_approved", "applicant_declined"]
    # An invitation admits at once, approval or not.
    made = invitations.create_code(ctx, admin)
    assert _join(ctx, "zed@example.org", made.code).is_active


def test_members_invite_colleagues_when_allowed(ctx: Ctx, client: TestClient) -> None:
    admin = make_member(ctx, "Ada", role="admin")
    ben = make_member(ctx, "Ben")
    community.update(ctx, admin, {"join_mode": "invitation"})
    refusal("member_invites_off", invitations.invite_colleague, ctx, ben, "cy@example.org")
    community.update(ctx, admin, {"members_may_invite": True})
    refusal("already_member", invitations.invite_colleague, ctx, ben, admin.email)
    refusal("invalid_email", invitations.invite_colleague, ctx, ben, "not an address")
    response = client.post(
        f"{API}/join-invitations", json={"email": "Cy@Example.org"}, headers=_bearer(ctx, ben)
    )
    assert response.status_code == 201, response.text
    made = response.json()
    assert (made["email"], made["max_uses"]) == ("cy@example.org", 1)
    # Mailed to the address, with the code and the link that work.
    assert _mailed(ctx, "cy@example.org") == ["join_invitation"]
    mail = ctx.session.scalars(
        select(MailOutbox).where(MailOutbox.to_address == "cy@example.org")
    ).one()
    assert mail.subject == f"{ben.name} invites you to join {ctx.settings.community_name}"
    assert made["code"] in mail.text_body
    assert made["link"] in mail.text_body
    assert made["link"] in mail.html_body
    refusal("invitation_email_mismatch", _join, ctx, "other@example.org", made["code"])
    assert _join(ctx, "cy@example.org", made["code"]).is_active
    mine = client.get(f"{API}/join-invitations", headers=_bearer(ctx, ben)).json()
    assert [(i["state"], i["code"]) for i in mine["items"]] == [("used", None)]


def test_profiles_for_signed_out_visitors(ctx: Ctx, client: TestClient) -> None:
    admin = make_member(ctx, "Ada", role="admin", headline="Organizer", about="Runs things")
    assert client.get(f"/in/{admin.handle}", follow_redirects=False).status_code == 303
    refused(client.get(f"{API}/public/members/{admin.handle}"), 401, "not_authenticated")
    community.update(ctx, admin, {"public_profiles": True})
    page = client.get(f"/in/{admin.handle}")
    assert page.status_code == 200
    assert "Organizer" in page.text
    assert "Runs things" in page.text
    assert admin.email not in page.text
    public = client.get(f"{API}/public/members/{admin.handle}").json()
    assert public["headline"] == "Organizer"
    assert not {"email", "degree"} & set(public)
    refused(client.get(f"{API}/public/members/nobody-here"), 404, "member_not_found")


def page_request_1():  # type: ignore[no-untyped-def]
    from kith.pagination import PageRequest

    return PageRequest(1, 20)


def _bearer(ctx: Ctx, member: Member) -> dict[str, str]:
    from tests.fixtures.factories import bearer

    return bearer(ctx, member)
