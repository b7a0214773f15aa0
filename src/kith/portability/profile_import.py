"""Importing a LinkedIn export: the people (:mod:`kith.portability.importing`) at once,
then the member's own profile after a preview and the member's choices.

Simple fields that are empty on Kith are filled; a field that differs is a
conflict the member decides (``take`` names the fields to overwrite). Positions,
education and skills are merged: what the file adds is appended, nothing is
removed. Everything is written through :func:`kith.members.service.update_profile`,
so the profile rules (lengths, years, entities) are the same as for an edit.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field

from kith.config import Settings
from kith.errors import Invalid
from kith.members.service import (
    PROFILE_LISTS,
    EducationInput,
    PositionInput,
    ProfileInput,
    entity_key,
    update_profile,
)
from kith.models import Member
from kith.portability.importing import Progress, plan_import, write_import
from kith.portability.linkedin import Limits, LinkedInExport, Skipped, read_export
from kith.portability.reports import get_import, stored_export
from kith.runtime import Kith
from kith.uow import Ctx

SIMPLE_FIELDS: dict[str, str] = {
    "first_name": "First name",
    "last_name": "Last name",
    "headline": "Headline",
    "about": "About",
    "industry": "Industry",
    "location": "Location",
}
LIST_FIELDS: dict[str, str] = {
    "websites": "Websites",
    "languages": "Languages",
    "certifications": "Licenses and certifications",
}
PROFILE_FIELDS: dict[str, str] = SIMPLE_FIELDS | LIST_FIELDS


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One profile field the file would change."""

    field: str
    label: str
    current: str
    imported: str
    values: tuple[str, ...] = ()  # a list field: what it holds once this is taken

    @property
    def conflict(self) -> bool:
        """Kith already has a different value: the member chooses."""
        return bool(self.current)


@dataclass
class ProfilePreview:
    fields: list[FieldChange] = field(default_factory=list)
    positions: list[PositionInput] = field(default_factory=list)
    education: list[EducationInput] = field(default_factory=list)
    skills: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.fields or self.positions or self.education or self.skills)


def _position_key(company: str, title: str, start_year: int | None) -> tuple[str, str, int | None]:
    return entity_key(company), " ".join(title.lower().split()), start_year


def preview_profile(member: Member, export: LinkedInExport) -> ProfilePreview:
    """What importing ``export`` would change on ``member``'s profile (nothing is written)."""
    out = ProfilePreview()
    p = export.profile
    if p is not None:
        imported = {
            "first_name": p.first_name,
            "last_name": p.last_name,
            "headline": p.headline,
            "about": p.summary,
            "industry": p.industry,
            "location": p.location,
        }
        for name, label in SIMPLE_FIELDS.items():
            new, current = imported[name].strip(), str(getattr(member, name) or "").strip()
            if new and new != current:
                out.fields.append(FieldChange(name, label, current, new))
    out.fields.extend(_list_changes(member, export))
    have = {_position_key(x.company.name, x.title, x.start_year) for x in member.positions}
    for row in export.positions:
        if row.started_on is None:
            out.skipped.append(Skipped("Positions.csv", row.line, "no start date"))
        elif not row.title:
            out.skipped.append(Skipped("Positions.csv", row.line, "no title"))
        elif _position_key(row.company, row.title, row.started_on.year) in have:
            out.skipped.append(Skipped("Positions.csv", row.line, "already on your profile"))
        else:
            have.add(_position_key(row.company, row.title, row.started_on.year))
            out.positions.append(
                PositionInput(
                    company=row.company,
                    title=row.title,
                    start_year=row.started_on.year,
                    start_month=row.started_on.month,
                    end_year=row.finished_on.year if row.finished_on else None,
                    end_month=row.finished_on.month if row.finished_on else None,
                    location=row.location,
                    description=row.description,
                )
            )
    schools = {(entity_key(e.school.name), e.start_year) for e in member.education}
    for edu in export.education:
        if (entity_key(edu.school), edu.start_year) in schools:
            out.skipped.append(Skipped("Education.csv", edu.line, "already on your profile"))
            continue
        schools.add((entity_key(edu.school), edu.start_year))
        out.education.append(
            EducationInput(
                school=edu.school,
                degree=edu.degree,
                start_year=edu.start_year,
                end_year=edu.end_year,
            )
        )
    known = {entity_key(s.name) for s in member.skills}
    for skill in export.skills:
        if entity_key(skill) not in known:
            known.add(entity_key(skill))
            out.skills.append(skill)
    return out


def _list_changes(member: Member, export: LinkedInExport) -> list[FieldChange]:
    """Websites, languages and certifications: what the file adds to each list (the
    member's entries are kept; taking the field appends the file's new ones)."""
    imported = {
        "websites": list(export.profile.websites) if export.profile is not None else [],
        "languages": [
            f"{x.name} ({x.proficiency})" if x.proficiency else x.name for x in export.languages
        ],
        "certifications": [
            f"{x.name}, {x.authority}" if x.authority else x.name for x in export.certifications
        ],
    }
    out = []
    for name, label in LIST_FIELDS.items():
        current = list(getattr(member, name) or [])
        have = {v.casefold() for v in current}
        most, longest, _ = PROFILE_LISTS[name]
        # an entry the profile would refuse is left out, so taking the field never fails
        new = [
            v
            for v in dict.fromkeys(imported[name])
            if v.casefold() not in have and len(v) <= longest
        ]
        if new and len(current) < most:
            values = tuple((current + new)[:most])
            out.append(FieldChange(name, label, "; ".join(current), "; ".join(new), values))
    return out


def import_profile(
    ctx: Ctx, member: Member, export: LinkedInExport, *, take: Collection[str] = ()
) -> ProfilePreview:
    """Apply the preview: fill empty fields, overwrite the conflicting fields named in
    ``take``, append new positions, education and skills. Returns what was applied.

    Importing the same file again changes nothing: what it holds is then "the same"
    or "already on your profile".
    """
    preview = preview_profile(member, export)
    applied = ProfilePreview(
        positions=preview.positions,
        education=preview.education,
        skills=preview.skills,
        skipped=preview.skipped,
    )
    data = ProfileInput()
    for change in preview.fields:
        if not change.conflict or change.field in take:
            value = list(change.values) if change.field in LIST_FIELDS else change.imported
            setattr(data, change.field, value)
            applied.fields.append(change)
    if preview.positions:
        data.positions = [
            PositionInput(
                company=x.company.name,
                title=x.title,
                start_year=x.start_year,
                start_month=x.start_month,
                end_year=x.end_year,
                end_month=x.end_month,
                location=x.location,
                description=x.description,
            )
            for x in member.positions
        ] + preview.positions
    if preview.education:
        data.education = [
            EducationInput(
                school=e.school.name,
                degree=e.degree,
                field_of_study=e.field_of_study,
                start_year=e.start_year,
                end_year=e.end_year,
            )
            for e in member.education
        ] + preview.education
    if preview.skills:
        data.skills = [s.name for s in member.skills] + preview.skills
    if not applied.empty:
        update_profile(ctx, member, data)
    return applied


def read_upload(settings: Settings, files: Sequence[tuple[str, bytes]]) -> LinkedInExport:
    """Read uploaded export files within the settings' bounds (refused whole, with a
    reason, if unreadable or too large). Touches no database."""
    return read_export(
        files,
        limits=Limits(
            max_bytes=settings.import_max_mb * 2**20,
            max_unpacked_bytes=settings.import_max_unpacked_mb * 2**20,
            max_entries=settings.import_max_files,
            max_rows=settings.import_max_rows,
        ),
    )


def upload_name(files: Sequence[tuple[str, bytes]]) -> str:
    return ", ".join(name.replace("\\", "/").rsplit("/", 1)[-1] for name, _ in files)


def run_import(
    kith: Kith,
    owner_of: Callable[[Ctx], Member],
    files: Sequence[tuple[str, bytes]],
    *,
    progress: Progress | None = None,
) -> int:
    """Import uploaded files for the member ``owner_of`` finds; returns the run's id.

    Only the writes hold the write transaction (SQLite's one write lock): the files
    are read with no database at all, and matched in a read-only unit of work.
    """
    export = read_upload(kith.settings, files)
    with kith.uow(write=False) as ctx:
        plan = plan_import(ctx, owner_of(ctx), export, progress=progress)
    with kith.uow() as ctx:
        run = write_import(ctx, owner_of(ctx), plan, filename=upload_name(files))
        return run.id


def preview_import(ctx: Ctx, owner: Member, import_id: int) -> ProfilePreview:
    """What an import's profile files would change on ``owner``'s profile now."""
    return preview_profile(owner, stored_export(get_import(ctx, owner, import_id)))


def apply_import(
    ctx: Ctx, owner: Member, import_id: int, *, take: Collection[str] = ()
) -> ProfilePreview:
    """Apply an import's profile files (see :func:`import_profile`)."""
    unknown = sorted(set(take) - PROFILE_FIELDS.keys())
    if unknown:
        raise Invalid(
            f"Unknown profile fields: {', '.join(unknown)}; choose among "
            f"{', '.join(PROFILE_FIELDS)}.",
            code="invalid_profile_field",
        )
    run = get_import(ctx, owner, import_id)
    return import_profile(ctx, owner, stored_export(run), take=take)
