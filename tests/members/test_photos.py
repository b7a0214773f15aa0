"""Profile photos and cover images: what is accepted, what is refused (and that
nothing is stored then), what the stored files are, how they are served, and that
they leave with the photo, the account, and into the archive."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import select

from kith.members import photos
from kith.models import Member
from kith.runtime import Kith
from kith.uow import Ctx
from tests.fixtures.factories import PASSWORD, bearer, make_member
from tests.fixtures.images import bomb_png, image_bytes, jpeg_with_exif, truncated_jpeg
from tests.fixtures.refusals import refused

API = "/api/v1"


def media_files(kith: Kith) -> list[Path]:
    root = Path(kith.settings.data_dir) / "media"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def put(
    client: TestClient,
    auth: dict[str, str],
    data: bytes,
    name: str = "me.jpg",
    kind: str = "photo",
    content_type: str = "image/jpeg",
):  # type: ignore[no-untyped-def]
    return client.put(f"{API}/me/{kind}", headers=auth, files={kind: (name, data, content_type)})


@pytest.fixture
def auth(ctx: Ctx) -> dict[str, str]:
    member = make_member(ctx, "Ana", "Ruiz", handle="ana-ruiz")
    headers = bearer(ctx, member)
    ctx.session.commit()
    return headers


def key_of(ctx: Ctx, handle: str = "ana-ruiz", column: str = "photo_key") -> str | None:
    ctx.session.expire_all()
    member = ctx.session.scalars(select(Member).where(Member.handle == handle)).one()
    return getattr(member, column)  # type: ignore[no-any-return]


# -- refusals: a code, a sentence, nothing stored -------------------------------------------


@pytest.mark.parametrize(
    ("data", "code", "status"),
    [
        pytest.param(b"just some text\n", "photo_unsupported", 422, id="text"),
        pytest.param(image_bytes("GIF"), "photo_unsupported", 422, id="gif"),
        pytest.param(image_bytes("BMP"), "photo_unsupported", 422, id="bmp"),
        pytest.param(truncated_jpeg(), "photo_unsupported", 422, id="truncated-jpeg"),
        pytest.param(bomb_png(), "photo_unsupported", 422, id="bomb"),
        pytest.param(bomb_png(8_000), "photo_unsupported", 422, id="64-megapixels"),
        pytest.param(image_bytes("PNG", (99, 400)), "photo_too_small", 422, id="too-small"),
        pytest.param(b"", "photo_missing", 422, id="empty"),
    ],
)
def test_refused_uploads_store_nothing(
    client: TestClient,
    ctx: Ctx,
    kith: Kith,
    auth: dict[str, str],
    data: bytes,
    code: str,
    status: int,
) -> None:
    body = refused(put(client, auth, data), status, code)
    assert "photo" in body["detail"]
    assert key_of(ctx) is None
    assert media_files(kith) == []


def test_no_file_at_all_is_photo_missing(client: TestClient, auth: dict[str, str]) -> None:
    refused(client.put(f"{API}/me/photo", headers=auth, data={"x": "1"}), 422, "photo_missing")


def test_too_large_is_refused_while_reading(
    client: TestClient, ctx: Ctx, kith: Kith, auth: dict[str, str]
) -> None:
    kith.settings = kith.settings.model_copy(update={"photo_max_mb": 1})
    big = image_bytes("PNG", (400, 400)) + b"\0" * (2**20)  # a PNG with trailing bytes
    refused(put(client, auth, big), 413, "photo_too_large")
    assert key_of(ctx) is None
    assert media_files(kith) == []


def test_a_body_far_over_the_limit_is_cut_off(
    client: TestClient, kith: Kith, auth: dict[str, str]
) -> None:
    kith.settings = kith.settings.model_copy(update={"photo_max_mb": 1})
    refused(put(client, auth, b"\xff" * (3 * 2**20)), 413, "body_too_large")
    assert media_files(kith) == []


def test_too_large_in_the_service_reads_no_more_than_the_limit() -> None:
    class Endless(io.RawIOBase):
        read_bytes = 0

        def readable(self) -> bool:
            return True

        def read(self, n: int = -1) -> bytes:
            assert n > 0, "an unbounded read"
            self.read_bytes += n
            return b"x" * n

    stream = Endless()
    with pytest.raises(photos.PhotoRefused) as err:
        photos.read_upload(stream, photos.PHOTO, 1000)  # type: ignore[arg-type]
    assert err.value.code == "photo_too_large"
    assert stream.read_bytes == 1001


# -- accepted: decided by content ------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_each_format_is_accepted(
    client: TestClient, ctx: Ctx, kith: Kith, auth: dict[str, str], fmt: str
) -> None:
    response = put(
        client,
        auth,
        image_bytes(fmt, (300, 200)),
        name="x.bin",
        content_type="application/octet-stream",
    )
    assert response.status_code == 200, response.text
    key = key_of(ctx)
    assert key is not None
    assert response.json()["photo"] == {
        str(w): f"/media/{key}/{w}.webp" for w in (48, 96, 200, 400)
    }
    for width in (48, 96, 200, 400):
        image = Image.open(Path(kith.settings.data_dir) / "media" / key[:2] / key / f"{width}.webp")
        assert image.format == "WEBP"
        assert image.size == (width, width)


def test_a_png_named_jpg_and_a_nul_in_the_file_name(
    client: TestClient, ctx: Ctx, auth: dict[str, str]
) -> None:
    assert put(client, auth, image_bytes("PNG"), name="photo.jpg").status_code == 200
    response = put(client, auth, image_bytes("PNG", colour=(1, 2, 3)), name="a\x00b.png")
    assert response.status_code in (200, 422), response.text
    if response.status_code == 422:
        refused(response, 422, "invalid")


def test_exif_is_stripped_and_the_photo_turned_upright(
    client: TestClient, ctx: Ctx, kith: Kith, auth: dict[str, str]
) -> None:
    original = jpeg_with_exif((400, 200))
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # GPS is there
    assert put(client, auth, original).status_code == 200
    key = key_of(ctx)
    assert key is not None
    for path in (Path(kith.settings.data_dir) / "media" / key[:2] / key).iterdir():
        data = path.read_bytes()
        assert b"Exif" not in data
        assert b"PhoneMaker" not in data
        assert b"ICCP" not in data
        assert b"XMP" not in data
        image = Image.open(io.BytesIO(data))
        assert not image.getexif()
        assert "icc_profile" not in image.info
        assert "exif" not in image.info
    big = Image.open(Path(kith.settings.data_dir) / "media" / key[:2] / key / "400.webp").convert(
        "RGB"
    )
    # Stored sideways (red left, blue right) with orientation 6: upright, red is on top.
    top, bottom = big.getpixel((200, 40)), big.getpixel((200, 360))
    assert (top[0] > 200, top[2] < 60) == (True, True), top
    assert (bottom[2] > 200, bottom[0] < 60) == (True, True), bottom


def test_cover_is_four_to_one(
    client: TestClient, ctx: Ctx, kith: Kith, auth: dict[str, str]
) -> None:
    refused(put(client, auth, image_bytes("PNG", (300, 300)), kind="cover"), 422, "photo_too_small")
    response = put(client, auth, image_bytes("PNG", (1000, 800)), kind="cover")
    assert response.status_code == 200, response.text
    key = key_of(ctx, column="cover_key")
    assert key is not None
    assert set(response.json()["cover"]) == {"792", "1584"}
    assert response.json()["photo"] is None
    folder = Path(kith.settings.data_dir) / "media" / key[:2] / key
    assert {p.name: Image.open(p).size for p in folder.iterdir()} == {
        "792.webp": (792, 198),
        "1584.webp": (1584, 396),
    }


# -- URLs, serving, replacing and removing -------------------------------------------------


def test_served_with_cache_headers_and_etag(
    client: TestClient, ctx: Ctx, auth: dict[str, str]
) -> None:
    put(client, auth, image_bytes("PNG"))
    url = put(client, auth, image_bytes("PNG")).json()["photo"]["96"]
    client.cookies.clear()
    response = client.get(url)  # no session needed
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/webp"
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "set-cookie" not in response.headers
    etag = response.headers["etag"]
    assert Image.open(io.BytesIO(response.content)).size == (96, 96)
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""


@pytest.mark.parametrize(
    "path",
    [
        "/media/0123456789abcdef0123456789abcdef/96.webp",  # well-formed, unknown
        "/media/{key}/97.webp",  # a width that is not kept
        "/media/{key}/96.png",
        "/media/{key}/96",
        "/media/{KEY}/96.webp",
        "/media/..%2F..%2Fetc/96.webp",
        "/media/%2e%2e/%2e%2e/passwd",
        "/media/" + "a" * 5000 + "/96.webp",
        "/media/{key}/" + "9" * 4000 + ".webp",
        "/media/{key}",
        "/media/",
    ],
)
def test_bad_or_unknown_media_paths_are_404(
    client: TestClient, ctx: Ctx, auth: dict[str, str], path: str
) -> None:
    put(client, auth, image_bytes("PNG"))
    key = key_of(ctx)
    assert key is not None
    response = client.get(path.replace("{key}", key).replace("{KEY}", key.upper()))
    assert response.status_code == 404
    assert response.headers["cache-control"] == "no-store"
    assert "image" not in response.headers.get("content-type", "")


def test_a_new_photo_has_new_urls_and_the_old_files_go(
    client: TestClient, ctx: Ctx, kith: Kith, auth: dict[str, str]
) -> None:
    first = put(client, auth, image_bytes("PNG", colour=(10, 200, 10))).json()["photo"]
    same = put(client, auth, image_bytes("PNG", colour=(10, 200, 10))).json()["photo"]
    assert same == first  # the same content, the same URLs
    second = put(client, auth, image_bytes("PNG", colour=(200, 10, 10))).json()["photo"]
    assert second["96"] != first["96"]
    assert client.get(first["96"]).status_code == 404
    assert client.get(second["96"]).status_code == 200
    assert len(media_files(kith)) == 4

    assert client.delete(f"{API}/me/photo", headers=auth).status_code == 204
    assert key_of(ctx) is None
    assert media_files(kith) == []
    assert client.get(f"{API}/me", headers=auth).json()["photo"] is None
    assert client.delete(f"{API}/me/photo", headers=auth).status_code == 204  # nothing to remove


def test_members_with_the_same_picture_share_files_until_the_last_goes(
    client: TestClient, ctx: Ctx, kith: Kith, auth: dict[str, str]
) -> None:
    other = make_member(ctx, "Ben", "Okafor")
    other_auth = bearer(ctx, other)
    ctx.session.commit()
    data = image_bytes("PNG")
    url = put(client, auth, data).json()["photo"]["96"]
    assert put(client, other_auth, data).json()["photo"]["96"] == url
    client.delete(f"{API}/me/photo", headers=auth)
    assert client.get(url).status_code == 200  # still Ben's
    client.delete(f"{API}/me/photo", headers=other_auth)
    assert client.get(url).status_code == 404


def test_a_failed_transaction_leaves_no_files(ctx: Ctx, kith: Kith) -> None:
    def nobody(ctx: Ctx) -> Member:
        raise RuntimeError("the member vanished")

    with pytest.raises(RuntimeError):
        photos.set_picture(kith, nobody, "photo", io.BytesIO(image_bytes("PNG")))
    assert media_files(kith) == []


def test_photo_in_summaries_and_profiles(
    client: TestClient, ctx: Ctx, auth: dict[str, str]
) -> None:
    viewer = make_member(ctx, "Cleo", "Viewer")
    viewer_auth = bearer(ctx, viewer)
    ctx.session.commit()
    photo = put(client, auth, image_bytes("PNG")).json()["photo"]
    assert client.get(f"{API}/members/ana-ruiz", headers=viewer_auth).json()["photo"] == photo
    found = client.get(f"{API}/search/people", params={"q": "Ruiz"}, headers=viewer_auth).json()
    people = found.get("items") or found.get("results") or []
    ana = [
        p
        for p in people
        if p.get("handle") == "ana-ruiz" or p.get("member", {}).get("handle") == "ana-ruiz"
    ]
    assert ana, found
    summary = ana[0].get("member", ana[0])
    assert summary["photo"] == photo
    openapi = client.get(f"{API}/openapi.json").json()["components"]["schemas"]
    assert "photo" in openapi["MemberSummary"]["properties"]
    assert {"photo", "cover"} <= set(openapi["ProfileOut"]["properties"])


# -- leaving: the account and the archive ------------------------------------------------------


def test_deleting_the_account_removes_the_files(
    client: TestClient, ctx: Ctx, kith: Kith, auth: dict[str, str]
) -> None:
    put(client, auth, image_bytes("PNG"))
    put(client, auth, image_bytes("PNG", (800, 400)), kind="cover")
    assert len(media_files(kith)) == 6
    response = client.request("DELETE", f"{API}/me", headers=auth, json={"password": PASSWORD})
    assert response.status_code == 204, response.text
    assert media_files(kith) == []
    ctx.session.expire_all()
    member = ctx.session.scalars(select(Member).where(Member.deleted_at.is_not(None))).one()
    assert member.photo_key is None
    assert member.cover_key is None


def test_the_archive_holds_the_photo_and_cover(
    client: TestClient, ctx: Ctx, auth: dict[str, str]
) -> None:
    assert client.get(f"{API}/me/export/archive", headers=auth).json()["profile"]["photo"] is None
    put(client, auth, image_bytes("PNG"))
    put(client, auth, image_bytes("PNG", (800, 400)), kind="cover")
    profile = client.get(f"{API}/me/export/archive", headers=auth).json()["profile"]
    for name, size in (("photo", (400, 400)), ("cover", (1584, 396))):
        entry = profile[name]
        assert entry["media_type"] == "image/webp"
        assert entry["file"].endswith(".webp")
        image = Image.open(io.BytesIO(base64.b64decode(entry["data_base64"])))
        assert image.size == size
