"""Photo and cover image pages: the forms on the edit page and the photo page, the
posts that upload and remove, ``next``, refusals in words, and photos on the cards
of every list that draws a person."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from kith.models import Member
from kith.runtime import Kith
from kith.uow import Ctx
from tests.fixtures.factories import connect, make_member
from tests.fixtures.images import image_bytes
from tests.fixtures.pages import alerts, csrf, sign_in_as


@pytest.fixture
def ana(ctx: Ctx, client: TestClient) -> Member:
    member = make_member(ctx, "Ana", "Ruiz", handle="ana-ruiz")
    sign_in_as(client, ctx, member)
    ctx.session.commit()
    return member


def upload(
    client: TestClient, kith: Kith, data: bytes, *, kind: str = "photo", next: str | None = None
):  # type: ignore[no-untyped-def]
    form = {"csrf_token": csrf(client, kith)}
    if next is not None:
        form["next"] = next
    return client.post(
        f"/me/{kind}",
        data=form,
        files={kind: ("me.png", data, "image/png")},
        follow_redirects=False,
    )


def photo_key(ctx: Ctx) -> str | None:
    ctx.session.expire_all()
    return ctx.session.scalars(select(Member.photo_key).where(Member.handle == "ana-ruiz")).one()


def test_the_edit_page_offers_add_photo_then_change_and_remove(
    client: TestClient, kith: Kith, ctx: Ctx, ana: Member
) -> None:
    page = client.get("/me/edit").text
    assert 'action="/me/photo"' in page
    assert 'enctype="multipart/form-data"' in page
    assert "Add photo" in page
    assert "Add cover image" in page
    assert "Remove photo" not in page

    response = upload(client, kith, image_bytes("PNG"))
    assert response.status_code == 303
    assert response.headers["location"] == "/me/edit"
    key = photo_key(ctx)
    assert key is not None

    page = client.get("/me/edit").text
    assert "Change photo" in page
    assert "Remove photo" in page
    assert f"/media/{key}/200.webp" in page
    profile = client.get("/in/ana-ruiz").text
    assert f'<img class="avatar lg" src="/media/{key}/200.webp"' in profile

    response = client.post(
        "/me/photo/remove",
        data={"csrf_token": csrf(client, kith), "next": "/in/ana-ruiz"},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/in/ana-ruiz"
    assert photo_key(ctx) is None
    assert "/media/" not in client.get("/in/ana-ruiz").text


def test_next_returns_to_a_local_path_only(
    client: TestClient, kith: Kith, ctx: Ctx, ana: Member
) -> None:
    response = upload(client, kith, image_bytes("PNG"), next="/welcome/photo")
    assert response.headers["location"] == "/welcome/photo"
    for evil in ("https://evil.example/x", "//evil.example", "/\\evil"):
        response = upload(client, kith, image_bytes("PNG"), next=evil)
        assert response.headers["location"] == "/me/edit"


@pytest.mark.parametrize(
    ("data", "sentence"),
    [
        (b"%PDF-1.4 not a picture", "not a JPEG, PNG or WebP image"),
        (image_bytes("PNG", (60, 60)), "60 × 60 pixels"),
    ],
)
def test_a_refusal_is_shown_in_words_and_keeps_next(
    client: TestClient, kith: Kith, ctx: Ctx, ana: Member, data: bytes, sentence: str
) -> None:
    response = upload(client, kith, data, next="/welcome/photo")
    assert response.status_code == 422
    assert any(sentence in a for a in alerts(response.text)), alerts(response.text)
    assert 'name="next" value="/welcome/photo"' in response.text
    assert photo_key(ctx) is None


def test_the_cover_is_shown_at_the_top_of_the_profile(
    client: TestClient, kith: Kith, ctx: Ctx, ana: Member
) -> None:
    viewer = make_member(ctx, "Ben", "Okafor")
    ctx.session.commit()
    assert upload(client, kith, image_bytes("PNG", (1600, 500)), kind="cover").status_code == 303
    own = client.get("/in/ana-ruiz").text
    assert "Change cover image" in own
    sign_in_as(client, ctx, viewer)
    ctx.session.commit()
    page = client.get("/in/ana-ruiz").text
    match = re.search(
        r'<img class="cover profile-cover" src="(/media/[0-9a-f]{32}/1584\.webp)"', page
    )
    assert match, page
    assert "Change cover image" not in page
    assert client.get(match.group(1)).status_code == 200


def test_signed_out_and_without_csrf_nothing_is_stored(
    client: TestClient, kith: Kith, ctx: Ctx
) -> None:
    member = make_member(ctx, "Ana", "Ruiz", handle="ana-ruiz")
    ctx.session.commit()
    response = upload(client, kith, image_bytes("PNG"))
    assert response.status_code == 303
    assert response.headers["location"].startswith("/signin")
    sign_in_as(client, ctx, member)
    ctx.session.commit()
    response = client.post(
        "/me/photo",
        files={"photo": ("me.png", image_bytes("PNG"), "image/png")},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert photo_key(ctx) is None


def test_photos_on_the_cards_of_lists(
    client: TestClient, kith: Kith, ctx: Ctx, ana: Member
) -> None:
    viewer = make_member(ctx, "Ben", "Okafor")
    connect(ctx, viewer, ana)
    ctx.session.commit()
    upload(client, kith, image_bytes("PNG"))
    key = photo_key(ctx)
    sign_in_as(client, ctx, viewer)
    ctx.session.commit()
    small = f'<img class="avatar sm" src="/media/{key}/96.webp"'
    assert small in client.get("/mynetwork").text
    assert small in client.get("/search", params={"q": "Ruiz"}).text
