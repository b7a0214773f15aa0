"""Private contacts for tests: rows as the LinkedIn import leaves them, with the owner's
tags, notes and interactions added directly."""

from __future__ import annotations

from datetime import date, datetime

from kith.models import Contact, ContactNote, ContactTag, Interaction, Member
from kith.relationships.tiers_tags import tag_named
from kith.uow import Ctx


def private_contact(
    ctx: Ctx,
    owner: Member,
    name: str,
    *,
    email: str = "",
    company: str = "",
    title: str = "",
    connected: date | None = None,
) -> Contact:
    slug = "-".join(name.lower().split())
    contact = Contact(
        owner_id=owner.id,
        other_id=None,
        name=name,
        source="linkedin",
        source_key=f"linkedin:{slug}",
        url=f"https://www.linkedin.com/in/{slug}",
        email=email,
        company=company,
        title=title,
        connected_elsewhere_on=connected,
        created_at=ctx.clock.now(),
    )
    ctx.session.add(contact)
    ctx.session.flush()
    return contact


def tag_private(ctx: Ctx, owner: Member, contact: Contact, name: str) -> None:
    tag = tag_named(ctx, owner, name)
    ctx.session.add(ContactTag(contact_id=contact.id, tag_id=tag.id))
    ctx.session.flush()


def note_private(ctx: Ctx, contact: Contact, body: str) -> None:
    now = ctx.clock.now()
    ctx.session.add(ContactNote(contact_id=contact.id, body=body, created_at=now, updated_at=now))
    ctx.session.flush()


def meet_private(ctx: Ctx, contact: Contact, when: datetime, note: str = "") -> None:
    ctx.session.add(
        Interaction(
            contact_id=contact.id,
            kind="meeting",
            note=note,
            occurred_at=when,
            day=when.date(),
            automatic=False,
            count=1,
            created_at=ctx.clock.now(),
        )
    )
    contact.last_interaction_at = when
    ctx.session.flush()


# --------------------------------------------------------------------------- export files
# LinkedIn's Connections.csv layouts over the years: today's (URL and email), 2022's
# (email, no URL) and 2020's (neither).
PREAMBLE = (
    'Notes:\n"When exporting your connection data, you may notice that some of the email '
    "addresses are missing. You will only see email addresses for connections who have "
    'allowed their connections to see or download their email address."\n\n'
)
LAYOUT_NOW = ("First Name", "Last Name", "URL", "Email Address", "Company", "Position")
LAYOUT_2022 = ("First Name", "Last Name", "Email Address", "Company", "Position")
LAYOUT_2020 = ("First Name", "Last Name", "Company", "Position")
CONNECTED_ON = "Connected On"


def connections_file(
    rows: list[dict[str, str]],
    *,
    layout: tuple[str, ...] = LAYOUT_NOW,
    preamble: bool = True,
    bom: bool = False,
    crlf: bool = False,
) -> bytes:
    """A Connections.csv in one of LinkedIn's layouts; each row names its cells by
    column (``Connected On`` defaults to 01 Jan 2024)."""
    import csv
    import io

    buf = io.StringIO()
    if preamble:
        buf.write(PREAMBLE)
    writer = csv.writer(buf, lineterminator="\r\n" if crlf else "\n")
    writer.writerow((*layout, CONNECTED_ON))
    for row in rows:
        writer.writerow([row.get(c, "") for c in layout] + [row.get(CONNECTED_ON, "01 Jan 2024")])
    text = buf.getvalue()
    if crlf and preamble:
        text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode()


def zipped(files: dict[str, bytes]) -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buf.getvalue()
