"""What members read, through the pages on SQLite and PostgreSQL: one date style in
``<time>`` elements, "shared connections" (never "mutual"), no internal wording, a page
past the end of a list that says so, and tiers and tags edited in place."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from kith.messaging.service import send_message
from kith.models import Member
from kith.relationships import contacts, interactions, records, tiers_tags
from kith.runtime import Kith
from kith.uow import Ctx
from tests.fixtures.factories import connect, make_member
from tests.fixtures.pages import HTMX, page_text, post, sign_in_as

MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
#: Ways of writing a date that are not the house style (4 Dec 2026, Dec 2026).
OTHER_DATES = {
    "numeric": re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b"),
    "iso": re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),
    "zero-padded": re.compile(rf"\b0\d {MONTH} \d{{4}}\b"),
    "long month": re.compile(
        r"\b(?:January|February|March|April|June|July|August|September|October|November"
        r"|December) \d{4}\b"
    ),
    "month first": re.compile(rf"\b{MONTH} \d{{1,2}}, \d{{4}}\b"),
}
INTERNAL = re.compile(
    r"\bmutual\b|derived|\bscore\b|\bengine\b|pending_to|_at\b|\bNone\b|\bsecond\b",
    re.IGNORECASE,
)


def _visible(page: str) -> str:
    """A page without its scripts and styles."""
    return re.sub(r"<(script|style)\b.*?</\1>", "", page, flags=re.S)


def _poll(kith: Kith) -> None:
    assert kith.network is not None
    kith.network.poll()


def _network(ctx: Ctx) -> tuple[Member, Member, Member, int]:
    ana = make_member(ctx, "Ana", "Ruiz", headline="Data engineer")
    ben = make_member(ctx, "Ben", "Okafor", headline="Engineering manager")
    cleo = make_member(ctx, "Cleo", "Marchetti")
    connect(ctx, ana, ben, note="Met at PyCon")
    connect(ctx, cleo, ben)
    records.tag_contact(ctx, ana, ben, "mentor")
    records.add_note(ctx, ana, ben, "Ask about the migration.")
    interactions.log_interaction(ctx, ana, ben, "meeting", note="Coffee")
    send_message(ctx, ben, ana, "Thanks for connecting!")
    carla = contacts.create_private_contact(ctx, ana, name="Carla Mendes", company="Globex")
    return ana, ben, cleo, carla.id


def test_main_pages_write_dates_one_way(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    ana, ben, cleo, carla = _network(ctx)
    _poll(kith)
    sign_in_as(client, ctx, ana)
    paths = (
        "/mynetwork",
        f"/in/{ben.handle}",
        f"/in/{cleo.handle}/mutual",
        "/messages",
        f"/messages/with/{ben.handle}",
        "/notifications",
        "/relationships",
        "/relationships/tiers",
        "/relationships/connections",
        "/relationships/contacts",
        f"/relationships/contacts/{carla}",
        f"/relationships/people/{ben.handle}",
        "/relationships/prune",
        "/me/settings",
    )
    times = 0
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        shown = page_text(_visible(response.text))
        for style, pattern in OTHER_DATES.items():
            assert not pattern.search(shown), (path, style, pattern.search(shown))
        for when in re.findall(r'<time datetime="([^"]+)">([^<]+)</time>', response.text):
            assert re.fullmatch(r"\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}\+00:00)?)?)?", when[0]), when
            assert re.fullmatch(rf"(\d{{1,2}} )?({MONTH} )?\d{{4}}(, \d{{2}}:\d{{2}})?", when[1])
            times += 1
    assert times >= 10  # dates are shown, and in <time> elements


def test_members_read_shared_connections_and_no_internal_words(
    client: TestClient, kith: Kith, ctx: Ctx
) -> None:
    ana, ben, cleo, carla = _network(ctx)
    _poll(kith)
    sign_in_as(client, ctx, ana)
    shared = client.get(f"/in/{cleo.handle}/mutual").text
    assert "<title>Shared connections with Cleo Marchetti" in shared
    assert "1 shared connection" in page_text(shared)
    for path in (
        f"/in/{cleo.handle}",
        f"/in/{cleo.handle}/mutual",
        f"/in/{ben.handle}",
        "/relationships",
        f"/relationships/people/{ben.handle}",
        f"/relationships/contacts/{carla}",
        "/relationships/tiers",
        "/relationships/prune",
        "/mynetwork",
    ):
        shown = page_text(
            re.sub(r"<(script|style)\b.*?</\1>", "", client.get(path).text, flags=re.S)
        )
        assert not INTERNAL.search(shown), (path, INTERNAL.search(shown))


def test_a_page_past_the_end_says_so_and_leads_back(
    client: TestClient, kith: Kith, ctx: Ctx
) -> None:
    ana, ben, cleo, carla = _network(ctx)
    _poll(kith)
    sign_in_as(client, ctx, ana)
    far = client.get(f"/in/{cleo.handle}/mutual?page=50").text
    assert "No more shared connections" in page_text(far)
    assert f'href="/in/{cleo.handle}/mutual?page=1"' in far
    assert "no shared connections" not in far
    for path, words in (
        ("/relationships/connections?page=9", "No more connections"),
        ("/relationships/contacts?page=9", "No more contacts"),
        ("/mynetwork?page=9", "No more connections"),
        ("/notifications?page=9", "No more notifications"),
        ("/messages?page=9", "No more conversations"),
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert words in page_text(response.text), path
        assert 'id="past-end"' in response.text
    # With nothing at all, the page says that instead.
    sign_in_as(client, ctx, cleo)
    lonely = make_member(ctx, "Dev", "Alone")
    _poll(kith)
    empty = client.get(f"/in/{lonely.handle}/mutual?page=3").text
    assert "You and Dev have no shared connections." in empty
    assert 'id="past-end"' not in empty


def test_tier_and_tag_cards_edit_in_place(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    ana, ben, _, _ = _network(ctx)
    _poll(kith)
    sign_in_as(client, ctx, ana)
    tier = tiers_tags.list_tiers(ctx, ana)[0]
    card = {**HTMX, "HX-Target": f"tier-{tier.id}"}
    form = client.get(f"/relationships/tiers/{tier.id}/edit", headers=card)
    assert form.status_code == 200
    assert f'id="tier-{tier.id}"' in form.text
    assert 'name="name"' in form.text
    saved = post(
        client,
        kith,
        f"/relationships/tiers/{tier.id}",
        {"name": "Close", "days": "21"},
        headers=card,
    )
    assert saved.status_code == 200
    assert "Close" in saved.text
    assert "Every 21 days" in saved.text
    assert 'name="name"' not in saved.text  # the card again, not the form
    ctx.session.expire_all()  # the pages wrote in their own sessions
    assert tiers_tags.get_tier(ctx, ana, tier.id).cadence_days == 21
    refused = post(
        client,
        kith,
        f"/relationships/tiers/{tier.id}",
        {"name": "Industry experts", "days": "7"},
        headers=card,
    )
    assert refused.status_code == 409
    assert "You already have a tier named “Industry experts”." in refused.text
    assert 'value="Industry experts"' in refused.text
    assert 'value="7"' in refused.text
    ctx.session.expire_all()
    assert tiers_tags.get_tier(ctx, ana, tier.id).name == "Close"  # nothing saved
    # Without JavaScript: the page opens the card's form; saving reloads the page.
    plain = client.get(f"/relationships/tiers/{tier.id}/edit", follow_redirects=False)
    assert plain.headers["location"] == f"/relationships/tiers?edit=tier-{tier.id}#tier-{tier.id}"
    opened = client.get(f"/relationships/tiers?edit=tier-{tier.id}").text
    assert 'aria-label="Edit tier Close"' in opened
    back = post(client, kith, f"/relationships/tiers/{tier.id}", {"name": "Closest", "days": ""})
    assert back.status_code == 303
    assert back.headers["location"] == f"/relationships/tiers#tier-{tier.id}"
    # Tags the same way; another member's tag is not found, whoever asks.
    [(tag, _)] = tiers_tags.list_tags(ctx, ana)
    tag_card = {**HTMX, "HX-Target": f"tag-{tag.id}"}
    renamed = post(
        client, kith, f"/relationships/tags/{tag.id}", {"name": "mentors"}, headers=tag_card
    )
    assert renamed.status_code == 200
    assert "mentors" in renamed.text
    sign_in_as(client, ctx, ben)
    assert client.get(f"/relationships/tags/{tag.id}/edit", headers=tag_card).status_code == 404
    assert client.get(f"/relationships/tiers/{tier.id}", headers=card).status_code == 404
