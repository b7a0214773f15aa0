"""Members as the API lists them: a summary of each, with how the viewer is
connected to them. The API modules of every domain list members through here."""

from __future__ import annotations

from collections.abc import Sequence

from kith.graph.service import badges
from kith.members.schemas import MemberSummary
from kith.models import Member
from kith.uow import Ctx


def summarize(ctx: Ctx, viewer: Member, members: Sequence[Member]) -> list[MemberSummary]:
    """Member summaries with the viewer's degree badge and mutual count on each."""
    found = badges(ctx, viewer, [m.id for m in members])
    return [MemberSummary.of(m, found[m.id]) for m in members]
