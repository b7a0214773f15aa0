"""A photo and a cover image uploaded through the edit page in a real Chromium: the
preview shows before upload, the photo then shows on the profile and, for another
member, in their network and in search; the pages stay accessible (axe-core) and
fit 360 px with pictures on them."""

from __future__ import annotations

from pathlib import Path

import pytest

from kith.runtime import Kith
from tests.fixtures.browser import sign_in
from tests.fixtures.factories import connect, make_member
from tests.fixtures.images import image_bytes, jpeg_with_exif

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "src" / "kith" / "static" / "vendor" / "axe.min.js"
PHOTO = "img.avatar[src^='/media/'][src$='.webp']"


def _loaded(page: object, selector: str) -> bool:
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    return bool(page.eval_on_selector(selector, "img => img.complete && img.naturalWidth > 0"))


def _axe(page: object, where: str) -> list[str]:
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("axe.run(document).then(r => r.violations)")
    failures = [f"{where}: {v['id']} {[str(n['target']) for n in v['nodes']][:5]}" for v in found]
    sideways = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    if sideways > 0:
        failures.append(f"{where}: scrolls sideways by {sideways}px")
    return failures


def test_upload_through_the_edit_page_and_see_it_everywhere(
    browser: object, live_server: str, committed_kith: Kith, tmp_path: Path
) -> None:
    from playwright.sync_api import Page, expect

    base = live_server
    with committed_kith.uow() as ctx:
        ana = make_member(ctx, "Ana", "Photographer", email="ana.photo@example.org")
        ben = make_member(ctx, "Ben", "Viewer", email="ben.photo@example.org")
        connect(ctx, ana, ben)
        ana_handle = ana.handle
    photo = tmp_path / "holiday.jpg"
    photo.write_bytes(jpeg_with_exif((800, 600)))
    cover = tmp_path / "cover.png"
    cover.write_bytes(image_bytes("PNG", (1600, 600), (30, 120, 200)))
    text = tmp_path / "notes.jpg"
    text.write_bytes(b"this is not a picture at all\n")

    page = sign_in(browser, base, "ana.photo@example.org", checked=True)
    assert isinstance(page, Page)
    page.goto(f"{base}/me/edit")
    photo_section = page.locator("#photo")
    expect(photo_section.get_by_role("button", name="Add photo")).to_be_visible()

    # A file that is not a picture: refused in words, nothing stored.
    photo_section.get_by_label("Choose a photo").set_input_files(str(text))
    photo_section.get_by_role("button", name="Add photo").click()
    expect(page.get_by_role("alert")).to_contain_text("not a JPEG, PNG or WebP image")

    page.goto(f"{base}/me/edit")
    photo_section = page.locator("#photo")
    photo_section.get_by_label("Choose a photo").set_input_files(str(photo))
    preview = page.locator("#photo-preview")
    expect(preview).to_be_visible()
    assert (preview.get_attribute("src") or "").startswith("data:image/jpeg")
    photo_section.get_by_role("button", name="Add photo").click()
    page.wait_for_url(f"{base}/me/edit")
    expect(page.locator("#photo").get_by_role("button", name="Change photo")).to_be_visible()
    expect(page.locator("#photo").get_by_role("button", name="Remove photo")).to_be_visible()

    cover_section = page.locator("#cover")
    cover_section.get_by_label("Choose a cover image").set_input_files(str(cover))
    expect(page.locator("#cover-preview")).to_be_visible()
    cover_section.get_by_role("button", name="Add cover image").click()
    page.wait_for_url(f"{base}/me/edit")

    page.goto(f"{base}/in/{ana_handle}")
    expect(page.locator(f".profile-top {PHOTO}")).to_be_visible()
    assert _loaded(page, f".profile-top {PHOTO}")
    expect(page.locator("img.profile-cover")).to_be_visible()
    assert _loaded(page, "img.profile-cover")
    failures = _axe(page, "own profile 1280px")
    page.goto(f"{base}/me/edit")
    failures += _axe(page, "edit 1280px")
    page.set_viewport_size({"width": 360, "height": 800})
    for path in (f"/in/{ana_handle}", "/me/edit", "/me/photo"):
        page.goto(f"{base}{path}")
        failures += _axe(page, f"{path} 360px")

    # Another member sees the photo on the profile, in their network and in search.
    other = sign_in(browser, base, "ben.photo@example.org", checked=True)
    assert isinstance(other, Page)
    other.goto(f"{base}/in/{ana_handle}")
    expect(other.locator(f".profile-top {PHOTO}")).to_be_visible()
    expect(other.get_by_role("link", name="Change photo")).to_have_count(0)
    other.goto(f"{base}/mynetwork")
    card = other.locator("li", has_text="Ana Photographer").first
    expect(card.locator(PHOTO)).to_be_visible()
    assert _loaded(other, f"li:has-text('Ana Photographer') {PHOTO}")
    other.goto(f"{base}/search?q=Photographer")
    expect(other.locator(f"li:has-text('Ana Photographer') {PHOTO}").first).to_be_visible()
    failures += _axe(other, "search 1280px")
    assert failures == [], "\n".join(failures)
