"""Deleting one's account (DESIGN "Portability": delete one's account).

One action in one transaction. What goes: the member's profile (their photo's and
cover image's files after the commit), connections, follows, blocks, notifications,
suggestions, search document, sessions and tokens, their posts, comments and
reactions (every count on other members' posts and comments corrected), the
endorsements they gave and received, recommendations they wrote and received (and
their imported archive), sign-in attempts under their address, everything they keep
about others (tiers, tags, contacts and private contacts, notes, interactions,
follow-ups, import runs), the text of every invitation to or from them and of every
message they sent, and the notes of every introduction request they took part in (an
open one ends silently: to the others it reads as a silent decline), and their group
memberships, requests and invitations; a group they owned goes to its
longest-serving manager, else its longest-serving member, else it is archived.

What stays: the member row itself, anonymised ("Former member", placeholder email
and handle, an unusable password), so that the conversations the other side had
with them keep their own messages, and what other members privately keep about
them (their notes, tags, logged interactions) stays with those owners. Invitation
rows stay too, closed and without their note, because invitation history is never
deleted (the invitation limits count it).

Everything is set-wise: a member with the maximum number of connections is deleted
in a few dozen statements. Their connections leave every process's network engine
through one ``remove_member`` outbox row, written in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, exists, or_, select, update
from sqlalchemy.exc import IntegrityError

from kith import search_index
from kith.accounts.credentials import Units
from kith.connections.queries import lock_members, stored_connection_count
from kith.connections.service import record_outbox
from kith.endorsements.service import forget_member as forget_endorsements
from kith.errors import Conflict, Forbidden, Invalid
from kith.groups.service import forget_member as forget_in_groups
from kith.insights.service import forget_member as forget_in_insights
from kith.introductions.service import forget_member as forget_in_introductions
from kith.mail.preferences import drop_mail
from kith.members.photos import release as release_pictures
from kith.messaging.service import forget_sender
from kith.models import (
    OPEN_STATUSES,
    AuthToken,
    Block,
    Company,
    Connection,
    Contact,
    ContactNote,
    ContactTag,
    Education,
    Follow,
    FollowUp,
    ImportRun,
    Interaction,
    Invitation,
    LinkedIdentity,
    Member,
    MemberSkill,
    Notification,
    Position,
    RecoveryCode,
    School,
    SigninAttempt,
    Skill,
    SuggestionSeen,
    Tag,
    Tier,
    TwoFactor,
)
from kith.models.former import FORMER_MEMBER, placeholder_email, placeholder_handle
from kith.portability.reports import forget_member_in_reports
from kith.posts.removal import delete_member_content
from kith.recommendations.removal import forget_member as forget_recommendations
from kith.security import verify_password
from kith.uow import Ctx

# Never a valid password hash: nothing verifies against it.
UNUSABLE_PASSWORD = "!account-deleted"  # noqa: S105 - a marker, not a secret


class WrongPassword(Forbidden):
    code = "wrong_password"


@dataclass(frozen=True)
class PasswordCheck:
    """A password checked before the write transaction: against which stored hash,
    and whether it matched (the deletion then only compares hashes)."""

    hash: str | None
    ok: bool


def check_password_first(units: Units, member_id: int, password: str) -> PasswordCheck:
    """Check ``password`` outside any transaction: argon2 must not run inside the
    deletion's write transaction."""
    with units.uow(write=False) as ctx:
        stored = ctx.session.scalar(select(Member.password_hash).where(Member.id == member_id))
    ok = bool(password) and verify_password(stored, password, units.settings)
    return PasswordCheck(stored, ok)


def delete_account(
    ctx: Ctx,
    member: Member,
    *,
    password: str | None = None,
    email: str | None = None,
    confirmed: bool = False,
    checked: PasswordCheck | None = None,
) -> None:
    """Delete ``member``'s account, confirmed by their current ``password`` (pages and
    API; ``email``, their address, for an account without a password, made through
    single sign-on) or by an operator (``confirmed=True``, the command line's ``--yes``).

    Refusals: ``confirmation_required`` (neither given), ``wrong_password``,
    ``wrong_confirmation`` (another address),
    ``account_deleted`` (already deleted). Nothing is written when refused. The API
    and the pages check the password first (``checked``, from
    :func:`check_password_first`), so no hash is computed here.
    """
    # Serializes with connection changes; the strong lock, as the email and handle change.
    lock_members(ctx.session, member.id, deleting=True)
    ctx.session.refresh(member)
    if member.deleted_at is not None:
        raise Conflict("This account has already been deleted.", code="account_deleted")
    if not confirmed and not member.password_hash:
        # An account that signs in through the identity provider has no password: the
        # member confirms by typing their email address.
        if not email:
            raise Invalid(
                "Enter your email address to confirm that you want to delete your account.",
                code="confirmation_required",
            )
        if email.strip().lower() != member.email:
            raise Forbidden(
                "That is not your account's email address; your account was not deleted.",
                code="wrong_confirmation",
            )
    elif not confirmed:
        if not password:
            raise Invalid(
                "Enter your password to confirm that you want to delete your account.",
                code="confirmation_required",
            )
        if checked is not None:
            right = checked.ok and checked.hash == member.password_hash
        else:
            right = verify_password(member.password_hash, password, ctx.settings)
        if not right:
            raise WrongPassword("That password is not right; your account was not deleted.")

    m = member.id
    now = ctx.clock.now()
    forget_recommendations(ctx, m)  # given and received, and the imported archive
    forget_in_groups(ctx, m)  # owned groups handed on (or archived); memberships go
    _drop_network(ctx, m)
    delete_member_content(ctx, m)  # posts, comments, reactions; others' counts corrected
    _close_invitations(ctx, m, now)
    forget_in_introductions(ctx, m)  # open requests end silently; every note goes
    _drop_relationship_data(ctx, m)
    forget_member_in_reports(ctx, m)  # others' import reports: who a row matched
    forget_sender(ctx, m)
    forget_in_insights(ctx, m)
    forget_endorsements(ctx, m)  # given and received, choices, the imported archive
    _drop_account_rows(ctx, member)
    _drop_profile(ctx, m)
    # The photo's and cover image's files go after the commit (unless another member
    # has the very same picture).
    release_pictures(ctx, [member.photo_key, member.cover_key], member_id=m)
    _anonymise(ctx, member, now)
    ctx.session.flush()
    # The flush above rewrote the search document from the anonymised row; a deleted
    # member has none at all, and none of their words stay in the full-text index.
    search_index.forget(ctx.session, m)


def _either(left: Any, right: Any, member_id: int) -> Any:
    return or_(left == member_id, right == member_id)


def _drop_network(ctx: Ctx, m: int) -> None:
    """Connections, follows and blocks, both ways. The connections go in one statement
    and leave every engine through one ``remove_member`` outbox row (the per-pair
    ``disconnect`` path would cost one engine update per connection)."""
    if stored_connection_count(ctx.session, m):
        ctx.session.execute(
            delete(Connection).where(_either(Connection.member_lo_id, Connection.member_hi_id, m))
        )
        record_outbox(ctx, "remove_member", m, 0)
    ctx.session.execute(delete(Follow).where(_either(Follow.follower_id, Follow.followee_id, m)))
    ctx.session.execute(delete(Block).where(_either(Block.blocker_id, Block.blocked_id, m)))
    ctx.session.execute(
        delete(SuggestionSeen).where(_either(SuggestionSeen.viewer_id, SuggestionSeen.member_id, m))
    )
    ctx.session.execute(
        delete(Notification).where(_either(Notification.member_id, Notification.actor_id, m))
    )


def _close_invitations(ctx: Ctx, m: int, now: datetime) -> None:
    """Open invitations to or from the member are cancelled (as a block cancels them);
    every invitation between them and anyone loses its note and context."""
    theirs = _either(Invitation.sender_id, Invitation.recipient_id, m)
    ctx.session.execute(
        update(Invitation)
        .where(theirs, Invitation.status.in_(OPEN_STATUSES))
        .values(status="cancelled", responded_at=now)
    )
    ctx.session.execute(update(Invitation).where(theirs).values(note="", context=""))


def _drop_relationship_data(ctx: Ctx, m: int) -> None:
    """Everything the member keeps about others goes; what others keep about the member
    stays theirs, except that their private contacts stop pointing at the member."""
    owned = select(Contact.id).where(Contact.owner_id == m)
    for child in (ContactTag, ContactNote, Interaction):
        ctx.session.execute(delete(child).where(child.contact_id.in_(owned)))
    ctx.session.execute(delete(Contact).where(Contact.owner_id == m))
    ctx.session.execute(delete(Tag).where(Tag.owner_id == m))
    ctx.session.execute(delete(Tier).where(Tier.owner_id == m))
    ctx.session.execute(delete(ImportRun).where(ImportRun.owner_id == m))
    # A follow-up prompt about a former member has nothing left to follow up.
    ctx.session.execute(delete(FollowUp).where(_either(FollowUp.owner_id, FollowUp.other_id, m)))
    ctx.session.execute(
        update(Contact)
        .where(Contact.matched_member_id == m)
        .values(matched_member_id=None, match=None)
    )


def _drop_account_rows(ctx: Ctx, member: Member) -> None:
    """Sessions and API tokens (every one is signed out), the sign-in attempts
    recorded under their address, and their mail: settings, mailed links, and the
    outbox's mails to them (sent or not)."""
    ctx.session.execute(delete(AuthToken).where(AuthToken.member_id == member.id))
    for row in (TwoFactor, RecoveryCode, LinkedIdentity):  # second factor, provider links
        ctx.session.execute(delete(row).where(row.member_id == member.id))
    ctx.session.execute(delete(SigninAttempt).where(SigninAttempt.email == member.email.lower()))
    drop_mail(ctx, member.id, member.email)


def _drop_profile(ctx: Ctx, m: int) -> None:
    """Positions, education and skills; then the companies, schools and skills no one
    else refers to any more (a name like "Ana Ruiz Consulting" is personal too)."""
    companies = set(ctx.session.scalars(select(Position.company_id).where(Position.member_id == m)))
    schools = set(ctx.session.scalars(select(Education.school_id).where(Education.member_id == m)))
    skills = set(
        ctx.session.scalars(select(MemberSkill.skill_id).where(MemberSkill.member_id == m))
    )
    ctx.session.execute(delete(Position).where(Position.member_id == m))
    ctx.session.execute(delete(Education).where(Education.member_id == m))
    ctx.session.execute(delete(MemberSkill).where(MemberSkill.member_id == m))
    entities: tuple[tuple[Any, Any, set[int]], ...] = (
        (Company, Position.company_id, companies),
        (School, Education.school_id, schools),
        (Skill, MemberSkill.skill_id, skills),
    )
    for entity, column, ids in entities:
        if not ids:
            continue
        unused = ~exists().where(column == entity.id)
        try:
            # Someone may be adding a position at that company right now: then it stays.
            with ctx.session.begin_nested():
                ctx.session.execute(delete(entity).where(entity.id.in_(ids), unused))
        except IntegrityError:
            pass


def _anonymise(ctx: Ctx, member: Member, now: datetime) -> None:
    ctx.session.expire(member, ["positions", "education", "skills"])
    member.first_name = FORMER_MEMBER
    member.last_name = ""
    member.email = placeholder_email(member.id)
    member.handle = placeholder_handle(member.id)
    member.password_hash = UNUSABLE_PASSWORD
    member.role = "member"
    member.is_active = False
    member.deleted_at = now
    member.headline = ""
    member.about = ""
    member.location = ""
    member.industry = ""
    member.career_stage = None
    member.invite_restricted_until = None
    member.follow_primary = False
    member.photo_key = None
    member.cover_key = None


__all__ = [
    "WrongPassword",
    "delete_account",
]
