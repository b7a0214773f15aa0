"""Posts in a real Chromium, on both databases: a member writes a post with an @mention
picked from the suggestions and an image with alt text, for her connections; the
mentioned connection is told and reads it on a phone; a stranger is told there is no
such post; the author edits it ("Edited") and deletes it after confirming. Every page
passes axe-core and fits the width it is shown at (1280 and 390 px)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kith.runtime import Kith
from tests.fixtures.axe import page_failures
from tests.fixtures.browser import sign_in
from tests.fixtures.factories import connect, make_member
from tests.fixtures.images import jpeg_with_exif

pytestmark = pytest.mark.browser


def test_write_mention_read_edit_delete(
    browser: object, live_server: str, committed_kith: Kith, tmp_path: Path
) -> None:
    from playwright.sync_api import Page, expect

    base = live_server
    with committed_kith.uow() as ctx:
        ana = make_member(ctx, "Ana", "Writer", email="ana.posts@example.org")
        ben = make_member(ctx, "Benedikt", "Okafor", email="ben.posts@example.org")
        make_member(ctx, "Cai", "Stranger", email="cai.posts@example.org")
        connect(ctx, ana, ben)
        ana_handle, ben_handle = ana.handle, ben.handle
    picture = tmp_path / "meetup.jpg"
    picture.write_bytes(jpeg_with_exif((1200, 800)))
    failures: list[str] = []

    page = sign_in(browser, base, "ana.posts@example.org", checked=True)
    assert isinstance(page, Page)
    page.goto(f"{base}/posts/new")
    failures += page_failures(page, "compose")
    body = page.get_by_label("Start a post")
    body.click()
    body.press_sequentially("Great meetup with @Bened")
    option = page.locator("#post-mentions [role=option]").first
    expect(option).to_contain_text("Benedikt Okafor")
    failures += page_failures(page, "compose with suggestions")
    body.press("ArrowDown")
    body.press("Enter")
    expect(body).to_have_value(f"Great meetup with @{ben_handle} ")
    body.press_sequentially("today, see www.example.org")
    expect(page.locator("#post-count")).to_contain_text("/ 3,000")
    page.get_by_label("Who can see it").select_option(label="Connections")
    page.get_by_text("Add images").click()
    page.locator("#post-image-1").set_input_files(str(picture))
    page.locator("#post-alt-1").fill("Ten people around a table")
    page.get_by_role("button", name="Post", exact=True).click()
    page.wait_for_url(re.compile(r".*/posts/\d+$"))
    post_url = page.url
    card = page.locator("article.post-card")
    image = card.get_by_role("img", name="Ten people around a table")
    expect(image).to_be_visible()
    page.wait_for_function(  # the picture itself arrives (decoded, with its width)
        "() => { const i = document.querySelector('.post-images img');"
        " return i !== null && i.complete && i.naturalWidth > 0; }"
    )
    expect(card.get_by_role("link", name=f"@{ben_handle}")).to_have_attribute(
        "href", f"/in/{ben_handle}"
    )
    expect(card.get_by_role("link", name="www.example.org")).to_have_attribute(
        "rel", "nofollow noopener ugc"
    )
    expect(card).to_contain_text("Connections")
    failures += page_failures(page, "permalink")

    # Ben, on a phone: the notification, then the post and Ana's activity.
    phone = sign_in(browser, base, "ben.posts@example.org", width=390, checked=True)
    assert isinstance(phone, Page)
    phone.goto(f"{base}/notifications")
    expect(phone.locator("main")).to_contain_text("Ana Writer mentioned you in a post.")
    failures += page_failures(phone, "notifications on a phone")
    phone.get_by_role("link", name="See the post").click()
    phone.wait_for_url(post_url)
    expect(phone.get_by_role("img", name="Ten people around a table")).to_be_visible()
    expect(phone.locator(".post-card .degree")).to_contain_text("1st")
    failures += page_failures(phone, "permalink on a phone")
    phone.goto(f"{base}/in/{ana_handle}")
    expect(phone.locator("#activity")).to_contain_text("Great meetup")
    phone.locator("#activity").get_by_role("link", name="See all activity").click()
    phone.wait_for_url(f"{base}/in/{ana_handle}/activity")
    expect(phone.locator("article.post-card")).to_have_count(1)
    failures += page_failures(phone, "activity on a phone")

    # Cai is not Ana's connection: no such post.
    stranger = sign_in(browser, base, "cai.posts@example.org", checked=True)
    assert isinstance(stranger, Page)
    response = stranger.goto(post_url)
    assert response is not None
    assert response.status == 404
    expect(stranger.locator("main")).to_contain_text("There is no such post")
    expect(stranger.locator("main")).not_to_contain_text("Great meetup")

    # Ana edits it, then deletes it after the question.
    page.goto(post_url)
    page.get_by_role("link", name="Edit this post").click()
    page.wait_for_url(f"{post_url}/edit")
    failures += page_failures(page, "edit")
    page.get_by_label("Text", exact=True).fill("Great meetup, thank you all")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(post_url)
    expect(page.locator(".post-edited")).to_have_text("Edited")
    expect(page.locator(".post-body")).to_have_text("Great meetup, thank you all")
    page.get_by_role("link", name="Delete this post").click()
    expect(page.get_by_role("heading", name="Delete this post?")).to_be_visible()
    failures += page_failures(page, "delete")
    page.get_by_role("button", name="Delete post").click()
    page.wait_for_url(f"{base}/in/{ana_handle}/activity?deleted=1")
    expect(page.get_by_role("status").filter(has_text="The post was deleted.")).to_be_visible()
    failures += page_failures(page, "own activity")
    assert phone.goto(post_url).status == 404  # type: ignore[union-attr]
    assert failures == [], "\n".join(failures)
