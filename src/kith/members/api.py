"""REST endpoints for profiles and settings."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, UploadFile, status

from kith.accounts.deletion import check_password_first, delete_account
from kith.accounts.schemas import AccountDeletion
from kith.members import photos, service
from kith.members.schemas import (
    ProfileOut,
    ProfileUpdate,
    PublicProfileOut,
    SettingsOut,
    SettingsUpdate,
)
from kith.web.deps import ApiMemberId, KithDep, me

router = APIRouter(tags=["members"])


@router.get("/me")
def get_me(kith: KithDep, member_id: ApiMemberId) -> ProfileOut:
    """Your own profile."""
    with kith.uow(write=False) as ctx:
        member = me(ctx, member_id)
        return ProfileOut.of(ctx, member, member)


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
        return ProfileOut.of(ctx, member, member)


@router.delete("/me", status_code=status.HTTP_204_NO_CONTENT)
def delete_me(kith: KithDep, member_id: ApiMemberId, body: AccountDeletion | None = None) -> None:
    """Delete your account, confirmed with your password: your profile, connections,
    follows, invitations, relationship data and the text of your messages go, and
    every token is revoked. Conversations stay for the other side, with you shown as
    "Former member". See docs/portability.md for what goes and what stays."""
    password = body.password if body else ""
    checked = check_password_first(kith, member_id, password) if password else None
    with kith.uow() as ctx:
        delete_account(
            ctx,
            me(ctx, member_id),
            password=password,
            email=body.email if body else "",
            checked=checked,
        )


def _upload(
    kith: KithDep, member_id: int, kind: photos.Kind, file: UploadFile | None
) -> ProfileOut:
    photos.set_picture(kith, lambda ctx: me(ctx, member_id), kind, file.file if file else None)
    with kith.uow(write=False) as ctx:
        member = me(ctx, member_id)
        return ProfileOut.of(ctx, member, member)


def _remove(kith: KithDep, member_id: int, kind: photos.Kind) -> None:
    with kith.uow() as ctx:
        photos.remove_picture(ctx, me(ctx, member_id), kind)


IMAGE = "A JPEG, PNG or WebP image of up to KITH_PHOTO_MAX_MB (8 MB)"


@router.put("/me/photo")
def put_photo(
    kith: KithDep,
    member_id: ApiMemberId,
    photo: Annotated[UploadFile | None, File(description=IMAGE)] = None,
) -> ProfileOut:
    """Upload your profile photo (multipart field ``photo``): JPEG, PNG or WebP, at
    least 100 × 100 pixels. It is turned upright, cropped square around its centre,
    stripped of every metadata (EXIF, GPS, ICC) and kept at 48, 96, 200 and 400
    pixels. Returns your profile, whose ``photo`` has the new URLs."""
    return _upload(kith, member_id, "photo", photo)


@router.delete("/me/photo", status_code=status.HTTP_204_NO_CONTENT)
def delete_photo(kith: KithDep, member_id: ApiMemberId) -> None:
    """Remove your profile photo (initials show instead); no photo is no error."""
    _remove(kith, member_id, "photo")


@router.put("/me/cover")
def put_cover(
    kith: KithDep,
    member_id: ApiMemberId,
    cover: Annotated[UploadFile | None, File(description=IMAGE)] = None,
) -> ProfileOut:
    """Upload your profile's cover image (multipart field ``cover``): JPEG, PNG or
    WebP, at least 400 × 100 pixels, cropped to 4:1 around its centre and kept at
    792 and 1584 pixels wide, without metadata."""
    return _upload(kith, member_id, "cover", cover)


@router.delete("/me/cover", status_code=status.HTTP_204_NO_CONTENT)
def delete_cover(kith: KithDep, member_id: ApiMemberId) -> None:
    """Remove your cover image; no cover image is no error."""
    _remove(kith, member_id, "cover")


@router.get("/me/settings")
def get_settings(kith: KithDep, member_id: ApiMemberId) -> SettingsOut:
    with kith.uow(write=False) as ctx:
        return SettingsOut.of(me(ctx, member_id))


@router.patch("/me/settings")
def update_settings(body: SettingsUpdate, kith: KithDep, member_id: ApiMemberId) -> SettingsOut:
    """Who can invite you, who can follow you, who sees your connections, follow-first."""
    with kith.uow() as ctx:
        member = me(ctx, member_id)
        service.update_profile(
            ctx, member, service.ProfileInput(settings=body.model_dump(exclude_none=True))
        )
        return SettingsOut.of(member)


@router.get("/public/members/{handle}")
def get_public_member(handle: str, kith: KithDep) -> PublicProfileOut:
    """A member's public profile, without signing in, when the community makes profiles
    public (``public_profiles``); otherwise 401."""
    with kith.uow(write=False) as ctx:
        return PublicProfileOut.of(service.public_member(ctx, handle))


@router.get("/members/{handle}")
def get_member(handle: str, kith: KithDep, member_id: ApiMemberId) -> ProfileOut:
    """A member's profile as you may see it (a block either way hides it: 404)."""
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        member = service.view_member(ctx, viewer, handle)
        return ProfileOut.of(ctx, viewer, member)
