"""Importing a LinkedIn export in a real headless Chromium, on SQLite and PostgreSQL:
a refused file reads the API's sentence, then the upload goes up with its progress
bar, the report lists a member found by email, and inviting them works in place."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import httpx
import pytest

from tests.fixtures.browser import SCREENSHOTS, sign_up
from tests.fixtures.factories import PASSWORD

pytestmark = pytest.mark.browser

PREAMBLE = 'Notes:\n"When exporting your connection data, some addresses may be missing."\n\n'
HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"


def test_import_scenario(
    browser: object,  # noqa: F811
    live_server: str,  # noqa: F811
    backend: str,
    tmp_path: Path,
) -> None:
    from playwright.sync_api import Page, expect

    base = live_server
    ana, ana_handle, ana_email = sign_up(browser, base, "Ana", "Ruiz")
    sam, _, sam_email = sign_up(browser, base, "Sam", "Doe")
    assert isinstance(ana, Page)
    assert isinstance(sam, Page)

    # A file without the columns: the page says what the API says, nothing is imported.
    bad = tmp_path / "Connections.csv"
    bad.write_text("Name,Company\nAna,Acme\n", encoding="utf-8")
    with httpx.Client(base_url=base) as api:
        token = api.post("/api/v1/auth/token", json={"email": sam_email, "password": PASSWORD})
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        refusal = api.post(
            "/api/v1/me/imports", headers=headers, files={"files": bad.open("rb")}
        ).json()
    sam.goto(f"{base}/me/data")
    sam.get_by_label("Export file(s)").set_input_files(str(bad))
    sam.get_by_role("button", name="Import").click()
    expect(sam.locator("#alerts")).to_have_text(refusal["detail"])
    expect(sam.locator(".upload-progress")).to_be_hidden()

    # The real export: a zip as LinkedIn makes it, Ana found by her address.
    rows = [
        f'Ana,Ruiz,https://www.linkedin.com/in/ana-r,{ana_email},"Acme, Inc.",CTO,08 Feb 2026',
        "Ben,Okafor,https://www.linkedin.com/in/ben-okafor,,Globex,Engineer,15 Jan 2025",
        ",,,,,,07 Jun 2026",
    ]
    blob = io.BytesIO()
    with zipfile.ZipFile(blob, "w") as zf:
        zf.writestr("Basic_LinkedInDataExport/Connections.csv", PREAMBLE + HEADER + "\n".join(rows))
    export = tmp_path / "Basic_LinkedInDataExport.zip"
    export.write_bytes(blob.getvalue())
    sam.evaluate(
        """() => document.addEventListener("htmx:xhr:progress", (e) => {
             if (e.detail.lengthComputable && e.detail.total)
               sessionStorage.setItem("uploaded", String(e.detail.loaded / e.detail.total));
           })"""
    )
    sam.get_by_label("Export file(s)").set_input_files(str(export))
    sam.get_by_role("button", name="Import").click()
    sam.wait_for_url("**/me/data/imports/*")
    assert sam.evaluate("() => sessionStorage.getItem('uploaded')") == "1"
    expect(sam.get_by_role("heading", name="Already on Kith (1)")).to_be_visible()
    matches = sam.locator("#matches")
    expect(matches).to_contain_text("Ana Ruiz")
    expect(matches).to_contain_text("certain")
    expect(matches).to_contain_text("matched by email address")
    expect(sam.locator("#rows")).to_contain_text("hidden profile: only the date is shared")
    expect(sam.locator("#rows")).to_contain_text("kept as a private contact")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    sam.screenshot(path=str(SCREENSHOTS / f"import-report-{backend}.png"), full_page=True)

    matches.get_by_role("button", name="Invite selected").click()
    expect(sam.locator("#outcomes")).to_contain_text("1 of 1 sent.")
    expect(sam.locator("#matches")).to_contain_text("Invitation pending")

    # Ana sees the invitation with its context.
    ana.goto(f"{base}/mynetwork")
    received = ana.locator("#received")
    expect(received).to_contain_text("Sam Doe")
    expect(received).to_contain_text("Connected on LinkedIn since 8 Feb 2026")

    # Ben is a private contact of Sam's, with the relationship tools.
    sam.goto(f"{base}/relationships/contacts")
    expect(sam.locator("main")).to_contain_text("Ben Okafor")
    assert ana_handle
