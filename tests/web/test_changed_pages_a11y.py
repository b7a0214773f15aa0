"""The pages of the sessions, import-report, relationship-record and profile work in a
real Chromium at a phone width (360 px) and a desktop width (1280 px), on SQLite and
PostgreSQL: axe-core finds no violation and nothing scrolls sideways."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import httpx
import pytest

from kith.runtime import Kith
from tests.fixtures.factories import PASSWORD, connect, make_member

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "src" / "kith" / "static" / "vendor" / "axe.min.js"
WIDTHS = (360, 1280)
# What sticks out to the right, to say where a sideways scroll comes from.
WIDE = """[...document.querySelectorAll("body *")]
  .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
  .slice(0, 8)
  .map((e) => `${e.tagName}.${e.className}#${e.id}`)"""
HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"


def _export() -> bytes:
    rows = [
        f"Person{n},Surname{n},https://www.linkedin.com/in/p{n},,Company {n},Title {n},"
        f"0{1 + n % 9} Feb 2025"
        for n in range(30)
    ]
    blob = io.BytesIO()
    with zipfile.ZipFile(blob, "w") as zf:
        zf.writestr("Basic_LinkedInDataExport/Connections.csv", HEADER + "\n".join(rows))
    return blob.getvalue()


def test_changed_pages_are_accessible_at_phone_and_desktop_widths(
    browser: object,  # noqa: F811
    live_server: str,  # noqa: F811
    committed_kith: Kith,
) -> None:
    from playwright.sync_api import Browser

    assert isinstance(browser, Browser)
    base = live_server
    with committed_kith.uow() as ctx:
        ana = make_member(
            ctx,
            "Ana",
            "Lopez",
            email="ana.a11y@example.org",
            headline="Data engineer",
            websites=["https://ana-lopez.example.org/a-rather-long-path/to/a/portfolio"],
            languages=["Portuguese (Native or bilingual)", "English (Full professional)"],
            certifications=["AWS Certified Solutions Architect – Professional, Amazon"],
        )
        ben = make_member(ctx, "Benedikt", "Okafor", headline="Engineering manager")
        connect(ctx, ana, ben)
        ana_handle, ben_handle = ana.handle, ben.handle
    with httpx.Client(base_url=base) as api:
        token = api.post(
            "/api/v1/auth/token", json={"email": "ana.a11y@example.org", "password": PASSWORD}
        )
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        made = api.post(
            "/api/v1/me/imports",
            headers=headers,
            files={"files": ("Basic_LinkedInDataExport.zip", _export(), "application/zip")},
        )
        assert made.status_code < 300, made.text
        import_id = made.json()["id"]
        contact = api.post(
            "/api/v1/relationships/contacts",
            headers=headers,
            json={"name": "Carla Mendes", "email": "carla@example.org", "company": "Globex"},
        )
        assert contact.status_code == 201, contact.text
        contact_id = contact.json()["id"]

    # Scripts are allowed from self only; the checker is injected, so the policy is
    # bypassed for this context (the policy itself is tested in test_security_browser).
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(f"{base}/signin")
    page.get_by_label("Email").fill("ana.a11y@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/signin" not in url)

    paths = (
        "/me/settings",
        "/me/data",
        f"/me/data/imports/{import_id}",
        f"/relationships/people/{ben_handle}",
        f"/relationships/contacts/{contact_id}",
        f"/in/{ben_handle}",
        f"/in/{ana_handle}",
    )
    failures: list[str] = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for path in paths:
            response = page.goto(f"{base}{path}")
            assert response is not None, path
            assert response.status == 200, path
            page.add_script_tag(path=str(AXE))
            result = page.evaluate("axe.run(document).then(r => r.violations)")
            for violation in result:
                targets = [str(node["target"]) for node in violation["nodes"]][:5]
                failures.append(f"{width}px {path}: {violation['id']} {targets}")
            sideways = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if sideways > 0:
                wide = page.evaluate(WIDE)
                failures.append(f"{width}px {path}: scrolls sideways by {sideways}px {wide}")
    assert failures == [], "\n".join(failures)
