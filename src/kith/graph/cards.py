"""The people cards every page that lists members shows, and the profile's "how
you're connected" part: each card shows how the viewer is connected to the member
(degree badge, shared connections). Pages of any domain build their cards here."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kith.graph import service
from kith.members.photos import photo_urls
from kith.models import Member
from kith.uow import Ctx


def initials(member: Member) -> str:
    return (member.first_name[:1] + member.last_name[:1]).upper() or "?"


def person(member: Member, badge: service.Badge | None = None) -> dict[str, Any]:
    """A card's data. A former member (a deleted account) reads "Former member" and
    has no profile to link to and no place in the viewer's network.

    ``photo`` is ``{"sm": url, "lg": url}`` (the avatar macro's sizes) or None for
    initials; it comes from the member row, so a page of cards reads nothing more."""
    former = member.deleted_at is not None
    if former:
        badge = None
    return {
        "handle": member.handle,
        "name": member.name,
        "first_name": member.first_name,
        "headline": member.headline,
        "initials": initials(member),
        "photo": None if former else photo_urls(member.photo_key),
        "degree": badge.degree if badge else None,
        "degree_label": badge.label if badge and badge.degree is not None else "",
        "mutual": badge.mutual if badge else 0,
        "former": former,
    }


def people(ctx: Ctx, viewer: Member, members: Sequence[Member]) -> list[dict[str, Any]]:
    """Cards for a page of members, with degree and shared-connection counts computed
    in two vectorized engine calls."""
    found = service.badges(ctx, viewer, [m.id for m in members])
    return [person(m, found[m.id]) for m in members]


def degree_context(badge: service.Badge) -> dict[str, Any]:
    """The degree badge beside a name: ``· 1st``, ``· 2nd``, ``· 3rd``, or nothing."""
    return {
        "degree": badge.degree,
        "degree_label": badge.label if badge.degree is not None else "",
    }


def network_context(ctx: Ctx, viewer: Member, member: Member) -> dict[str, Any]:
    """The profile's "how you're connected" part: badge, shared connections, paths."""
    badge = service.badge(ctx, viewer, member)
    shared_visible = service.can_see_shared(ctx, viewer, member)
    preview = (
        service.mutual_preview(ctx, viewer, [member]).get(member.id, [])
        if shared_visible and badge.mutual
        else []
    )
    paths = []
    if badge.degree in (2, 3):
        for path in service.intro_paths(ctx, viewer, member, limit=3):
            paths.append([person(m) for m in path.members])
    return degree_context(badge) | {
        "mutual": badge.mutual if shared_visible else 0,
        "mutual_preview": [person(m) for m in preview],
        "paths": paths,
    }


def reach_context(ctx: Ctx, viewer: Member) -> dict[str, Any]:
    reach = service.reach(ctx, viewer)
    return {
        "first": reach.first,
        "second": reach.second,
        "third": reach.third,
        "third_estimated": reach.third_estimated,
        "third_error": round(reach.third_relative_error * 100),
    }


__all__ = ["degree_context", "initials", "network_context", "people", "person", "reach_context"]
