"""Plain factory functions that go through the real services."""

from __future__ import annotations

import itertools

from fastapi.testclient import TestClient

from kith.accounts.service import issue_token, sign_up
from kith.connections.service import accept_invitation, send_invitation
from kith.models import Connection, Member
from kith.uow import Ctx

_seq = itertools.count(1)
PASSWORD = "correct horse battery"  # noqa: S105


def make_member(
    ctx: Ctx,
    first_name: str = "Ana",
    last_name: str | None = None,
    *,
    email: str | None = None,
    handle: str | None = None,
    role: str = "member",
    **profile: object,
) -> Member:
    n = next(_seq)
    last_name = last_name or f"Member{n}"
    member = sign_up(
        ctx,
        email=email or f"{first_name.lower()}.{n}@example.org",
        password=PASSWORD,
        first_name=first_name,
        last_name=last_name,
        handle=handle,
        role=role,
    )
    for key, value in profile.items():
        setattr(member, key, value)
    ctx.session.flush()
    return member


def connect(ctx: Ctx, a: Member, b: Member, *, note: str = "") -> Connection:
    result = send_invitation(ctx, a, b, note=note)
    return accept_invitation(ctx, b, result.invitation.id)


def bearer(ctx: Ctx, member: Member) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(ctx, member, kind='api')}"}


def api_signup(client: TestClient, first: str, last: str) -> tuple[str, dict[str, str]]:
    """Sign up through the API; returns (handle, auth headers)."""
    n = next(_seq)
    response = client.post(
        "/api/v1/auth/signup",
        json={
            "email": f"{first.lower()}.{last.lower()}.{n}@example.org",
            "password": PASSWORD,
            "first_name": first,
            "last_name": last,
        },
    )
    assert response.status_code == 201, response.text
    body = response.json()
    return body["handle"], {"Authorization": f"Bearer {body['access_token']}"}
