"""Importing over the API, on the pages and from the command line: uploads, reports,
refusals that change nothing, invitations and the profile from an import."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from kith.cli import app
from kith.models import Contact, ImportRun, Invitation, Member
from kith.portability.inviting import INVITE_BATCH_MAX
from kith.portability.reports import STATUSES
from kith.runtime import Kith
from kith.uow import Ctx
from tests.fixtures.factories import bearer, make_member
from tests.fixtures.pages import alerts, csrf, sign_in_as
from tests.fixtures.portability import ALL, fixture
from tests.fixtures.refusals import refused

runner = CliRunner()


def export_zip(names: list[str] = ALL) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for n in names:
            zf.writestr(f"Basic_LinkedInDataExport_01-02-2026/{n}.csv", fixture(f"{n}.csv"))
    return buf.getvalue()


def setup(ctx: Ctx) -> tuple[Member, Member]:
    sam = make_member(ctx, "Sam", "Doe")
    ana = make_member(ctx, "Ana", "Ruiz", email="ana.ruiz@example.com")
    return sam, ana


def counted(ctx: Ctx) -> tuple[int, int]:
    return (
        ctx.session.scalar(select(func.count()).select_from(ImportRun)) or 0,
        ctx.session.scalar(select(func.count()).select_from(Contact)) or 0,
    )


def test_api_import_report_matches_invite_and_profile(client: TestClient, ctx: Ctx) -> None:
    sam, ana = setup(ctx)
    auth = bearer(ctx, sam)
    r = client.post(
        "/api/v1/me/imports",
        headers=auth,
        files={"files": ("export.zip", export_zip(), "application/zip")},
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["filename"] == "export.zip"
    assert body["counts"]["new"] == 4
    assert body["counts"]["matched"] == 1
    assert sum(body["counts"][s] for s in STATUSES) == body["total"] == body["rows"]["total"]
    ana_row = next(x for x in body["rows"]["items"] if x["name"] == "Ana Ruiz")
    assert ana_row["member_handle"] == ana.handle
    assert ana_row["confidence"] == "certain"
    assert {x["status"] for x in body["rows"]["items"]} == {"new", "skipped", "profile"}
    import_id = body["id"]

    listed = client.get("/api/v1/me/imports", headers=auth).json()
    assert [x["id"] for x in listed["items"]] == [import_id]
    only = client.get(f"/api/v1/me/imports/{import_id}?status=skipped", headers=auth).json()
    assert only["rows"]["items"]
    assert {x["status"] for x in only["rows"]["items"]} == {"skipped"}

    matches = client.get(f"/api/v1/me/imports/{import_id}/matches", headers=auth).json()
    assert [(m["member_handle"], m["state"]) for m in matches["items"]] == [(ana.handle, "invite")]
    assert matches["items"][0]["context"] == "Connected on LinkedIn since 8 Feb 2026"
    sent = client.post(
        f"/api/v1/me/imports/{import_id}/invitations",
        headers=auth,
        json={"contact_ids": [matches["items"][0]["contact_id"]]},
    )
    assert sent.status_code == 200, sent.text
    assert sent.json()[0]["status"] == "sent"
    assert (
        ctx.session.scalar(
            select(func.count()).where(
                Invitation.sender_id == sam.id, Invitation.recipient_id == ana.id
            )
        )
        == 1
    )

    preview = client.get(f"/api/v1/me/imports/{import_id}/profile", headers=auth).json()
    assert {f["field"] for f in preview["fields"]} >= {"headline", "about"}
    assert preview["skills"] == ["Python", "Distributed Systems", "PostgreSQL"]
    applied = client.post(
        f"/api/v1/me/imports/{import_id}/profile", headers=auth, json={"take": ["first_name"]}
    )
    assert applied.status_code == 200, applied.text
    me = client.get("/api/v1/me", headers=auth).json()
    assert me["headline"] == "Staff Engineer at Acme, Inc."
    again = client.get(f"/api/v1/me/imports/{import_id}/profile", headers=auth).json()
    # what is left are the conflicts Sam chose to keep (empty fields were all filled)
    assert all(f["conflict"] for f in again["fields"])
    assert again["positions"] == []
    assert again["skills"] == []

    second = client.post(
        "/api/v1/me/imports",
        headers=auth,
        files={"files": ("export.zip", export_zip(), "application/zip")},
    ).json()
    assert second["counts"]["new"] == 0
    assert second["counts"]["unchanged"] == 4


def test_api_refusals_change_nothing(client: TestClient, ctx: Ctx, kith: Kith) -> None:
    sam, _ = setup(ctx)
    auth = bearer(ctx, sam)
    before = counted(ctx)
    whole = export_zip()
    cases = [
        ({"files": ("export.zip", whole[: len(whole) // 2], "application/zip")}, "import_bad_zip"),
        (
            {"files": ("Connections.csv", "Nom,Prénom\n".encode("latin-1"), "text/csv")},
            "import_bad_encoding",
        ),
        (
            {"files": ("Connections.csv", b"Name,Company\nAna,Acme\n", "text/csv")},
            "import_missing_columns",
        ),
        ({"files": ("photo.png", b"\x89PNG\r\n", "image/png")}, "import_unknown_file"),
        ({"files": ("empty.csv", b"", "text/csv")}, "import_empty"),
    ]
    for files, code in cases:
        refused(client.post("/api/v1/me/imports", headers=auth, files=files), 422, code)
    kith.settings.import_max_mb = 1
    big = b"First Name,Last Name,Connected On\n" + b"Ana,Ruiz,08 Feb 2026\n" * 60_000
    body = refused(
        client.post(
            "/api/v1/me/imports",
            headers=auth,
            files={"files": ("Connections.csv", big, "text/csv")},
        ),
        413,
        "body_too_large",  # refused as it arrives, before the import reads it
    )
    assert "up to 1 MB" in body["detail"]
    refused(client.post("/api/v1/me/imports", headers=auth), 422, "invalid")
    refused(
        client.post("/api/v1/me/imports", files={"files": ("a.zip", whole)}),
        401,
        "not_authenticated",
    )
    ctx.session.expire_all()
    assert counted(ctx) == before


def test_api_someone_elses_import_is_not_found(client: TestClient, ctx: Ctx) -> None:
    sam, ana = setup(ctx)
    r = client.post(
        "/api/v1/me/imports",
        headers=bearer(ctx, sam),
        files={"files": ("export.zip", export_zip(["Connections"]), "application/zip")},
    )
    import_id = r.json()["id"]
    other = bearer(ctx, ana)
    for url in (
        f"/api/v1/me/imports/{import_id}",
        f"/api/v1/me/imports/{import_id}/matches",
        f"/api/v1/me/imports/{import_id}/profile",
    ):
        refused(client.get(url, headers=other), 404, "import_not_found")
    refused(
        client.post(
            f"/api/v1/me/imports/{import_id}/invitations", headers=other, json={"contact_ids": [1]}
        ),
        404,
        "import_not_found",
    )
    refused(
        client.post(
            f"/api/v1/me/imports/{import_id}/profile",
            headers=bearer(ctx, sam),
            json={"take": ["email"]},
        ),
        422,
        "invalid_profile_field",
    )
    # the API refuses an over-large selection with the service's code, as the page does
    refused(
        client.post(
            f"/api/v1/me/imports/{import_id}/invitations",
            headers=bearer(ctx, sam),
            json={"contact_ids": list(range(1, INVITE_BATCH_MAX + 2))},
        ),
        422,
        "too_many_selected",
    )


def test_pages_upload_report_invite_and_profile(client: TestClient, ctx: Ctx, kith: Kith) -> None:
    sam, ana = setup(ctx)
    sign_in_as(client, ctx, sam)
    page = client.get("/me/data")
    assert page.status_code == 200
    assert "Bring your LinkedIn network" in page.text
    assert 'href="/me/data/export/archive.json"' in page.text
    assert 'href="/settings/delete-account"' in page.text
    r = client.post(
        "/me/data/import",
        data={"csrf_token": csrf(client, kith)},
        files={"files": ("export.zip", export_zip(), "application/zip")},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    report_url = r.headers["location"]
    report = client.get(report_url)
    assert report.status_code == 200
    text = report.text
    assert "Already on Kith" in text
    assert f'href="/in/{ana.handle}">Ana Ruiz</a>' in text
    assert "hidden profile: only the date is shared" in text
    assert "Staff Engineer at Acme, Inc." in text  # the profile preview
    contact_id = ctx.session.scalar(
        select(Contact.id).where(Contact.owner_id == sam.id, Contact.matched_member_id == ana.id)
    )
    assert f'name="contact" value="{contact_id}"' in text
    # htmx upload: redirect header instead of a 303
    again = client.post(
        "/me/data/import",
        data={"csrf_token": csrf(client, kith)},
        files={"files": ("export.zip", export_zip(), "application/zip")},
        headers={"HX-Request": "true"},
    )
    assert again.status_code == 204
    assert again.headers["HX-Redirect"].startswith("/me/data/imports/")

    invited = client.post(
        f"{report_url}/invite", data={"csrf_token": csrf(client, kith), "contact": str(contact_id)}
    )
    assert invited.status_code == 200
    assert "1 of 1 sent." in invited.text
    assert "Invitation pending" in invited.text
    applied = client.post(
        f"{report_url}/profile", data={"csrf_token": csrf(client, kith), "take": "headline"}
    )
    assert applied.status_code == 200
    assert "Your profile was updated" in applied.text
    assert "Your profile already has everything these files hold." in applied.text
    rows = client.get(f"{report_url}?status=skipped")
    assert rows.status_code == 200
    assert "Not used (" in rows.text


def test_page_refusal_reads_like_the_api(client: TestClient, ctx: Ctx, kith: Kith) -> None:
    sam, _ = setup(ctx)
    sign_in_as(client, ctx, sam)
    auth = bearer(ctx, sam)
    bad = {"files": ("Connections.csv", b"Name,Company\nAna,Acme\n", "text/csv")}
    api = client.post("/api/v1/me/imports", headers=auth, files=bad).json()
    page = client.post("/me/data/import", data={"csrf_token": csrf(client, kith)}, files=bad)
    assert page.status_code == 422
    assert api["detail"] in alerts(page.text)
    htmx = client.post(
        "/me/data/import",
        data={"csrf_token": csrf(client, kith)},
        files=bad,
        headers={"HX-Request": "true"},
    )
    assert htmx.status_code == 422
    assert htmx.headers["HX-Retarget"] == "#alerts"
    assert api["detail"] in alerts(htmx.text)
    no_csrf = client.post("/me/data/import", files=bad)
    assert no_csrf.status_code == 403
    ctx.session.expire_all()
    assert counted(ctx) == (0, 0)


def test_too_many_people_at_once_reads_alike_on_api_and_page(
    client: TestClient, ctx: Ctx, kith: Kith
) -> None:
    sam, _ = setup(ctx)
    sign_in_as(client, ctx, sam)
    auth = bearer(ctx, sam)
    upload = client.post(
        "/api/v1/me/imports",
        headers=auth,
        files={"files": ("export.zip", export_zip(["Connections"]), "application/zip")},
    )
    import_id = upload.json()["id"]
    many = list(range(1, INVITE_BATCH_MAX + 2))
    api_refusal = refused(
        client.post(
            f"/api/v1/me/imports/{import_id}/invitations", headers=auth, json={"contact_ids": many}
        ),
        422,
        "too_many_selected",
    )
    page_refusal = client.post(
        f"/me/data/imports/{import_id}/invite",
        data={"csrf_token": csrf(client, kith), "contact": [str(i) for i in many]},
    )
    assert page_refusal.status_code == 422
    assert api_refusal["detail"] in alerts(page_refusal.text)
    assert ctx.session.scalar(select(func.count()).select_from(Invitation)) == 0


def test_signed_out_visitors_sign_in_first(client: TestClient) -> None:
    r = client.get("/me/data", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/signin?next=/me/data"


def test_cli_import_with_progress_report_and_invitations(tmp_path: Path) -> None:
    from tests.fixtures.settings import runtime

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert runner.invoke(app, ["db", "upgrade", "--url", url]).exit_code == 0
    kith = runtime(url)
    with kith.uow() as ctx:
        sam, ana = setup(ctx)
        sam_handle, ana_id = sam.handle, ana.id
    archive = tmp_path / "export.zip"
    archive.write_bytes(export_zip())
    result = runner.invoke(
        app,
        [
            "import",
            "linkedin",
            str(archive),
            "--member",
            sam_handle,
            "--invite",
            "certain",
            "--profile",
            "--url",
            url,
        ],
    )
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert "18 rows" in out
    # the summary's outcomes add up to the rows read (the profile rows included)
    summary = re.search(
        r"([\d,]+) rows in .*? — ([\d,]+) new private contacts, ([\d,]+) updated, ([\d,]+) "
        r"already imported, ([\d,]+) already connected, ([\d,]+) of your own profile, "
        r"([\d,]+) not used;",
        out,
    )
    assert summary is not None, out
    numbers = [int(x.replace(",", "")) for x in summary.groups()]
    assert sum(numbers[1:]) == numbers[0] == 18
    assert "4 new private contacts" in out
    assert "1 of the private contacts found on Kith" in out
    assert "line 7: hidden profile" in out
    assert "Invitations: 1 of 1 sent." in out
    assert "Profile:" in out
    with kith.uow(write=False) as ctx:
        assert (
            ctx.session.scalar(select(func.count()).where(Invitation.recipient_id == ana_id)) == 1
        )
    second = runner.invoke(
        app, ["import", "linkedin", str(archive), "--member", sam_handle, "--url", url]
    )
    assert second.exit_code == 0, second.output
    out = " ".join(second.output.split())
    assert "0 new private contacts" in out
    assert "4 already imported" in out
    broken = tmp_path / "broken.zip"
    broken.write_bytes(export_zip()[:100])
    bad = runner.invoke(
        app, ["import", "linkedin", str(broken), "--member", sam_handle, "--url", url]
    )
    assert bad.exit_code == 1
    assert "import_bad_zip" in bad.output
    kith.db.dispose()


def test_a_50_mb_upload_is_refused_whole(client: TestClient, ctx: Ctx) -> None:
    sam, _ = setup(ctx)
    row = b"Ana,Ruiz,https://www.linkedin.com/in/ana-ruiz,,Acme,CTO,08 Feb 2026\r\n"
    big = b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
    big += row * (50 * 2**20 // len(row))
    assert len(big) >= 49 * 2**20
    body = refused(
        client.post(
            "/api/v1/me/imports",
            headers=bearer(ctx, sam),
            files={"files": ("Connections.csv", big, "text/csv")},
        ),
        413,
        "body_too_large",  # refused as it arrives, never read whole
    )
    assert body["detail"] == ("That upload is too large: files up to 20 MB in all can be imported.")
    ctx.session.expire_all()
    assert counted(ctx) == (0, 0)


GOOD_VARIANTS = {
    "Connections.csv": 3,  # the current format, with the "Notes:" preamble
    "Connections_bom_crlf.csv": None,  # a byte-order mark and Windows line endings
    "Connections_no_preamble.csv": None,  # older exports
    "Connections_no_url.csv": None,  # older exports without the URL column
}
BAD_VARIANTS = {
    "Connections_latin1.csv": "import_bad_encoding",
    "Connections_renamed.csv": "import_missing_columns",
}


def test_every_fixture_variant_through_the_api(client: TestClient, ctx: Ctx) -> None:
    sam, _ = setup(ctx)
    auth = bearer(ctx, sam)
    for name in GOOD_VARIANTS:
        r = client.post(
            "/api/v1/me/imports",
            headers=auth,
            files={"files": ("Connections.csv", fixture(name), "text/csv")},
        )
        assert r.status_code == 201, (name, r.text)
        rows = r.json()["rows"]["items"]
        assert rows, name
        assert all(x["file"] == "Connections.csv" for x in rows), name
        assert {x["status"] for x in rows} <= {"new", "unchanged", "updated", "skipped"}, name
        assert any(x["name"] == "Ana Ruiz" for x in rows), name
    invitations = client.post(
        "/api/v1/me/imports",
        headers=auth,
        files={"files": ("Invitations.csv", fixture("Invitations_old.csv"), "text/csv")},
    )
    assert invitations.status_code == 201, invitations.text
    before = counted(ctx)
    for name, code in BAD_VARIANTS.items():
        refused(
            client.post(
                "/api/v1/me/imports",
                headers=auth,
                files={"files": ("Connections.csv", fixture(name), "text/csv")},
            ),
            422,
            code,
        )
    ctx.session.expire_all()
    assert counted(ctx) == before
    # Ana Ruiz is in every good variant: she is one private contact, not four.
    assert (
        ctx.session.scalar(
            select(func.count()).where(Contact.owner_id == sam.id, Contact.name == "Ana Ruiz")
        )
        == 1
    )


def test_your_data_is_reachable_from_settings_and_relationships(
    client: TestClient, ctx: Ctx
) -> None:
    sam, _ = setup(ctx)
    sign_in_as(client, ctx, sam)
    assert 'href="/me/data"' in client.get("/me/settings").text
    assert 'href="/me/data#import"' in client.get("/relationships").text


def test_report_page_lists_every_file_and_pages_its_rows(
    client: TestClient, ctx: Ctx, kith: Kith
) -> None:
    sam, _ = setup(ctx)
    sign_in_as(client, ctx, sam)
    people = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n" + "".join(
        f"P,N{i},https://www.linkedin.com/in/p-n{i},,Acme,,01 Jan 2024\n" for i in range(230)
    )
    people += "Late,Date,,,Acme,,sometime\n"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("Export/Connections.csv", people)
        zf.writestr("Export/Honors.csv", "Title,Description\n")
    r = client.post(
        "/me/data/import",
        data={"csrf_token": csrf(client, kith)},
        files={"files": ("export.zip", buf.getvalue(), "application/zip")},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    url = r.headers["location"]
    first = client.get(url).text
    assert "Honors.csv" in first
    assert "not used by Kith yet: your honors and awards" in first
    assert "read in part: your connections" in first
    assert "Page 1 of 3" in first
    assert first.count('<tr class="row-') == 100
    last = client.get(f"{url}?page=3").text
    assert "Page 3 of 3" in last
    assert last.count('<tr class="row-') == 31
    assert "Late Date" in last
    assert "could not be read: kept without a date" in last
    # a page past the end shows the last one
    assert "Page 3 of 3" in client.get(f"{url}?page=99").text
