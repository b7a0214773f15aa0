"""What the relationship pages share: reading their forms (ids, day counts, dates) and a
private contact as a card."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Form

from kith.errors import Invalid, NotFound
from kith.web.params import id_in_range

Text = Annotated[str, Form()]


def day_count(value: str, *, allow_empty: bool = True) -> int | None:
    value = value.strip()
    if not value and allow_empty:
        return None
    try:
        return int(value)
    except ValueError:
        raise Invalid(
            "Enter the cadence as a whole number of days.", code="invalid_cadence"
        ) from None


def optional_id(value: str, code: str, what: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    try:
        number = int(value)
    except ValueError:
        raise NotFound(f"There is no such {what}.", code=code) from None
    if not id_in_range(number):
        raise NotFound(f"There is no such {what}.", code=code)
    return number


def on_day(on: str) -> datetime | None:
    """A logged interaction's calendar day from a form (noon UTC), or None for now."""
    if not on.strip():
        return None
    try:
        day = datetime.strptime(on.strip(), "%Y-%m-%d")  # noqa: DTZ007 - a calendar day
    except ValueError:
        raise Invalid("Enter the date as YYYY-MM-DD.", code="invalid_interaction") from None
    return day.replace(hour=12, tzinfo=UTC)


def initials(name: str) -> str:
    return "".join(w[:1] for w in name.split()[:2]).upper() or "?"


def contact_card(contact_id: int, name: str, company: str, title: str) -> dict[str, Any]:
    """A private contact in a list: no profile, so the name leads to the private page."""
    at = " at ".join(x for x in (title, company) if x)
    return {
        "private": True,
        "name": name,
        "initials": initials(name),
        "photo": None,  # a private contact has no photo: initials
        "headline": at,
        "link": f"/relationships/contacts/{contact_id}",
        "actions": f"/relationships/contacts/{contact_id}",
        "row": f"due-contact-{contact_id}",
    }
