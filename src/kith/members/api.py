"""REST endpoints for profiles and settings."""

from __future__ import annotations

from fastapi import APIRouter, status

from kith.accounts.deletion import check_password_first, delete_account
from kith.accounts.schemas import AccountDeletion
from kith.graph.service import badge
from kith.members import service
from kith.members.schemas import (
    EducationOut,
    PositionOut,
    ProfileOut,
    ProfileUpdate,
    RelationshipOut,
    SettingsOut,
    SettingsUpdate,
)
from kith.models import Member
from kith.uow import Ctx
from kith.web.deps import ApiMemberId, KithDep, me

router = APIRouter(tags=["members"])


def profile_out(ctx: Ctx, viewer: Member, member: Member) -> ProfileOut:
    view = service.profile_view(ctx, viewer, member)
    rel = view.relationship
    found = badge(ctx, viewer, member)
    return ProfileOut(
        handle=member.handle,
        name=member.name,
        degree=found.degree,
        degree_label=found.label,
        mutual_connections=found.mutual,
        first_name=member.first_name,
        last_name=member.last_name,
        headline=member.headline,
        about=member.about,
        location=member.location,
        industry=member.industry,
        career_stage=view.career_stage,
        career_stage_derived=view.career_stage_derived,
        positions=[
            PositionOut(
                company=p.company.name,
                company_id=p.company_id,
                title=p.title,
                location=p.location,
                description=p.description,
                start_year=p.start_year,
                start_month=p.start_month,
                end_year=p.end_year,
                end_month=p.end_month,
                current=p.is_current,
            )
            for p in member.positions
        ],
        education=[
            EducationOut(
                school=e.school.name,
                school_id=e.school_id,
                degree=e.degree,
                field_of_study=e.field_of_study,
                start_year=e.start_year,
                end_year=e.end_year,
            )
            for e in member.education
        ],
        skills=[s.name for s in member.skills],
        websites=list(member.websites or []),
        languages=list(member.languages or []),
        certifications=list(member.certifications or []),
        follow_primary=member.follow_primary,
        followers=view.followers,
        following=view.following,
        connections=view.connections,
        relationship=None
        if rel is None
        else RelationshipOut(
            connected=rel.connected,
            connected_since=rel.connection.created_at.isoformat() if rel.connection else None,
            invitation_sent_id=rel.sent.id if rel.sent else None,
            invitation_received_id=rel.received.id if rel.received else None,
            following=rel.following,
            followed_by=rel.followed_by,
        ),
    )


def settings_out(member: Member) -> SettingsOut:
    until = member.invite_restricted_until
    return SettingsOut(
        email=member.email,
        handle=member.handle,
        role=member.role,
        invite_policy=member.invite_policy,
        follow_policy=member.follow_policy,
        connections_visibility=member.connections_visibility,
        follow_primary=member.follow_primary,
        invite_restricted_until=until.isoformat() if until else None,
    )


@router.get("/me")
def get_me(kith: KithDep, member_id: ApiMemberId) -> ProfileOut:
    """Your own profile."""
    with kith.uow(write=False) as ctx:
        member = me(ctx, member_id)
        return profile_out(ctx, member, member)


@router.patch("/me")
def update_me(body: ProfileUpdate, kith: KithDep, member_id: ApiMemberId) -> ProfileOut:
    """Edit your profile. Lists (positions, education, skills) replace the whole list."""
    with kith.uow() as ctx:
        member = me(ctx, member_id)
        data = service.ProfileInput(
            first_name=body.first_name,
            last_name=body.last_name,
            headline=body.headline,
            about=body.about,
            location=body.location,
            industry=body.industry,
            career_stage=body.career_stage,
            positions=None
            if body.positions is None
            else [service.PositionInput(**p.model_dump()) for p in body.positions],
            education=None
            if body.education is None
            else [service.EducationInput(**e.model_dump()) for e in body.education],
            skills=body.skills,
            websites=body.websites,
            languages=body.languages,
            certifications=body.certifications,
        )
        service.update_profile(ctx, member, data)
        ctx.session.refresh(member)
        return profile_out(ctx, member, member)


@router.delete("/me", status_code=status.HTTP_204_NO_CONTENT)
def delete_me(kith: KithDep, member_id: ApiMemberId, body: AccountDeletion | None = None) -> None:
    """Delete your account, confirmed with your password: your profile, connections,
    follows, invitations, relationship data and the text of your messages go, and
    every token is revoked. Conversations stay for the other side, with you shown as
    "Former member". See docs/portability.md for what goes and what stays."""
    password = body.password if body else ""
    checked = check_password_first(kith, member_id, password) if password else None
    with kith.uow() as ctx:
        delete_account(ctx, me(ctx, member_id), password=password, checked=checked)


@router.get("/me/settings")
def get_settings(kith: KithDep, member_id: ApiMemberId) -> SettingsOut:
    with kith.uow(write=False) as ctx:
        return settings_out(me(ctx, member_id))


@router.patch("/me/settings")
def update_settings(body: SettingsUpdate, kith: KithDep, member_id: ApiMemberId) -> SettingsOut:
    """Who can invite you, who can follow you, who sees your connections, follow-first."""
    with kith.uow() as ctx:
        member = me(ctx, member_id)
        service.update_profile(
            ctx, member, service.ProfileInput(settings=body.model_dump(exclude_none=True))
        )
        return settings_out(member)


@router.get("/members/{handle}")
def get_member(handle: str, kith: KithDep, member_id: ApiMemberId) -> ProfileOut:
    """A member's profile as you may see it (a block either way hides it: 404)."""
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        member = service.view_member(ctx, viewer, handle)
        return profile_out(ctx, viewer, member)
