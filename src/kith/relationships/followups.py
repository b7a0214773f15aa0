"""The follow-up prompt made when a connection is made (imported by the connection
service, so it depends on nothing but the models)."""

from __future__ import annotations

from kith.models import Connection, FollowUp, Invitation
from kith.uow import Ctx


def open_follow_ups(ctx: Ctx, connection: Connection, invitation: Invitation | None) -> None:
    """Both members of a new connection get a prompt to thank or follow up, showing
    the invitation's note and context."""
    now = ctx.clock.now()
    for owner, other in (
        (connection.member_lo_id, connection.member_hi_id),
        (connection.member_hi_id, connection.member_lo_id),
    ):
        ctx.session.add(
            FollowUp(
                owner_id=owner,
                other_id=other,
                invitation_id=invitation.id if invitation else None,
                invited_by_owner=connection.inviter_id == owner,
                created_at=now,
            )
        )
