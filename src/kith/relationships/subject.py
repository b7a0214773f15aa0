"""Whom a per-person action is about, as a URL names them: one of the owner's
connections by handle (``/people/{handle}``) or one of their private contacts by id
(``/contacts/{contact_id}``). The API and the pages resolve both the same way, so each
action on a person's record is written once."""

from __future__ import annotations

from dataclasses import dataclass

from kith.members.service import view_member
from kith.models import Member
from kith.relationships.contacts import get_private_contact
from kith.relationships.records import Person
from kith.uow import Ctx


@dataclass(frozen=True)
class Subject:
    """A member's handle or a private contact's id (exactly one of them)."""

    handle: str | None = None
    contact_id: int | None = None


def resolve_person(ctx: Ctx, owner: Member, subject: Subject) -> Person:
    """The member (as ``owner`` may see them: ``member_not_found`` otherwise) or the
    owner's private contact (``contact_not_found`` for anyone else's id)."""
    if subject.contact_id is not None:
        return get_private_contact(ctx, owner, subject.contact_id)
    assert subject.handle is not None
    return view_member(ctx, owner, subject.handle)
