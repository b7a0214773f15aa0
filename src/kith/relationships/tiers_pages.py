"""Tiers and tags as a page of cards: each card shows a tier or tag, its cadence and how
many connections carry it; "Edit" turns the card into its form in place (htmx swaps the
one card), Save puts the card back with the new values, a refusal keeps the form with
what was typed and the sentence. Without JavaScript the same links and forms reload
the page."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kith.errors import KithError
from kith.groups.lists import my_groups
from kith.models import Member, Tag, Tier
from kith.pagination import PageRequest
from kith.relationships import tiers_tags
from kith.relationships.forms import Text, day_count
from kith.relationships.schemas import TagId, TierId
from kith.uow import Ctx
from kith.web.deps import KithDep, me
from kith.web.render import MemberId, is_htmx, nav_for, redirect, render

router = APIRouter()
Kind = Literal["tier", "tag"]
PAGE = "/relationships/tiers"


def _card(ctx: Ctx, owner: Member, kind: Kind, item_id: int) -> dict[str, Any]:
    """One card's context: the tier or tag and how many connections carry it."""
    item: Tier | Tag
    if kind == "tier":
        item = tiers_tags.get_tier(ctx, owner, item_id)
        n = tiers_tags.tier_counts(ctx, owner).get(item.id, 0)
    else:
        item = tiers_tags.get_tag(ctx, owner, item_id)
        n = next((count for t, count in tiers_tags.list_tags(ctx, owner) if t.id == item.id), 0)
    return {"kind": kind, "item": item, "n": n}


def _inline(request: Request, kind: Kind, item_id: int) -> bool:
    """Whether the request came from the card itself (htmx swaps just the card)."""
    return is_htmx(request) and request.headers.get("HX-Target") == f"{kind}-{item_id}"


def _fragment(
    request: Request, kith: KithDep, member_id: int, kind: Kind, item_id: int, **extra: Any
) -> Response:
    with kith.uow(write=False) as ctx:
        context = {**_card(ctx, me(ctx, member_id), kind, item_id), **extra}
    refused = extra.get("error")
    status = refused.status if isinstance(refused, KithError) else 200
    return render(request, "relationships/_cadence_card.html", context, status=status)


@router.get(PAGE)
def tiers_page(request: Request, kith: KithDep, member_id: MemberId, edit: str = "") -> Response:
    with kith.uow() as ctx:
        owner = me(ctx, member_id)
        tiers_tags.ensure_default_tiers(ctx, owner)
        counts = tiers_tags.tier_counts(ctx, owner)
        context = {
            "tiers": [(t, counts.get(t.id, 0)) for t in tiers_tags.list_tiers(ctx, owner)],
            "tags": tiers_tags.list_tags(ctx, owner),
            "editing": edit[:40],
            "groups": [
                (g.id, g.name)
                for g in my_groups(ctx, owner, PageRequest(1, 100)).items
                if g.archived_at is None
            ],
        }
        nav = nav_for(ctx, owner)
    return render(request, "relationships/tiers.html", context, nav=nav)


def _save(
    request: Request,
    kith: KithDep,
    member_id: int,
    kind: Kind,
    item_id: int,
    name: str,
    days: str,
) -> Response:
    """Rename a tier or tag and set its cadence; from its card, answer with the card."""
    inline = _inline(request, kind, item_id)
    update = tiers_tags.update_tier if kind == "tier" else tiers_tags.update_tag
    try:
        with kith.uow() as ctx:
            update(ctx, me(ctx, member_id), item_id, name=name, cadence_days=day_count(days))
    except KithError as refused:
        if not inline or refused.status == 404:
            raise
        typed = {"name": name, "days": days}
        return _fragment(
            request, kith, member_id, kind, item_id, editing=True, error=refused, typed=typed
        )
    if inline:
        return _fragment(request, kith, member_id, kind, item_id, saved=True)
    return redirect(request, f"{PAGE}#{kind}-{item_id}")


@router.post(PAGE)
def create_tier(
    request: Request, kith: KithDep, member_id: MemberId, name: Text = "", days: Text = ""
) -> Response:
    with kith.uow() as ctx:
        tiers_tags.create_tier(ctx, me(ctx, member_id), name, day_count(days))
    return redirect(request, PAGE)


@router.get(PAGE + "/{tier_id}/edit")
def edit_tier(request: Request, tier_id: TierId, kith: KithDep, member_id: MemberId) -> Response:
    if not is_htmx(request):
        return redirect(request, f"{PAGE}?edit=tier-{tier_id}#tier-{tier_id}")
    return _fragment(request, kith, member_id, "tier", tier_id, editing=True)


@router.get(PAGE + "/{tier_id}")
def tier_card(request: Request, tier_id: TierId, kith: KithDep, member_id: MemberId) -> Response:
    if not is_htmx(request):
        return redirect(request, f"{PAGE}#tier-{tier_id}")
    return _fragment(request, kith, member_id, "tier", tier_id)


@router.post(PAGE + "/{tier_id}")
def update_tier(
    request: Request,
    tier_id: TierId,
    kith: KithDep,
    member_id: MemberId,
    name: Text = "",
    days: Text = "",
) -> Response:
    return _save(request, kith, member_id, "tier", tier_id, name, days)


@router.post(PAGE + "/{tier_id}/delete")
def delete_tier(request: Request, tier_id: TierId, kith: KithDep, member_id: MemberId) -> Response:
    with kith.uow() as ctx:
        tiers_tags.delete_tier(ctx, me(ctx, member_id), tier_id)
    return redirect(request, PAGE)


@router.post("/relationships/tags")
def create_tag(
    request: Request, kith: KithDep, member_id: MemberId, name: Text = "", days: Text = ""
) -> Response:
    with kith.uow() as ctx:
        tiers_tags.create_tag(ctx, me(ctx, member_id), name, day_count(days))
    return redirect(request, f"{PAGE}#tag-list")


@router.get("/relationships/tags/{tag_id}/edit")
def edit_tag(request: Request, tag_id: TagId, kith: KithDep, member_id: MemberId) -> Response:
    if not is_htmx(request):
        return redirect(request, f"{PAGE}?edit=tag-{tag_id}#tag-{tag_id}")
    return _fragment(request, kith, member_id, "tag", tag_id, editing=True)


@router.get("/relationships/tags/{tag_id}")
def tag_card(request: Request, tag_id: TagId, kith: KithDep, member_id: MemberId) -> Response:
    if not is_htmx(request):
        return redirect(request, f"{PAGE}#tag-{tag_id}")
    return _fragment(request, kith, member_id, "tag", tag_id)


@router.post("/relationships/tags/{tag_id}")
def update_tag(
    request: Request,
    tag_id: TagId,
    kith: KithDep,
    member_id: MemberId,
    name: Text = "",
    days: Text = "",
) -> Response:
    return _save(request, kith, member_id, "tag", tag_id, name, days)


@router.post("/relationships/tags/{tag_id}/delete")
def delete_tag(request: Request, tag_id: TagId, kith: KithDep, member_id: MemberId) -> Response:
    with kith.uow() as ctx:
        tiers_tags.delete_tag(ctx, me(ctx, member_id), tag_id)
    return redirect(request, f"{PAGE}#tag-list")
