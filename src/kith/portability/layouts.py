"""The files of a LinkedIn export Kith knows: their columns, how a renamed one is
recognised, and what the ones Kith does not read hold."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kith.portability.uploads import base_name

__all__ = [
    "ALL_ROWS_FACTOR",
    "GUARDED",
    "HEADER_SEARCH_ROWS",
    "KITH_COLUMNS",
    "LAYOUTS",
    "NOT_USED",
    "WEB_ADDRESS",
    "Layout",
    "canonical_name",
    "column_key",
    "profile_slug",
    "unguard",
]


KITH_COLUMNS = ("Tags", "Tier", "How We Met", "Notes", "Last Interaction")
"""The columns Kith's export adds after LinkedIn's in Connections.csv."""

GUARDED = re.compile(r"^'+[=+\-@\t\r]")


def unguard(value: str) -> str:
    """A cell of Kith's own export as it was before the export's formula guard
    (``'=1+2`` -> ``=1+2``; see :func:`kith.portability.export.guard`)."""
    return value[1:] if GUARDED.match(value) else value


@dataclass(frozen=True, slots=True)
class Layout:
    kind: str
    holds: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    signature: tuple[str, ...] = ()  # the columns that recognise a renamed file
    people: bool = False  # rows count towards the ceiling of rows per import
    essential: bool = True  # a file lacking columns refuses the upload (else: not used)


LAYOUTS: dict[str, Layout] = {
    "connections.csv": Layout(
        "connections",
        "your connections",
        ("First Name", "Last Name", "Connected On"),
        ("URL", "Email Address", "Company", "Position") + KITH_COLUMNS,
        signature=("First Name", "Last Name", "Connected On"),
        people=True,
    ),
    "invitations.csv": Layout(
        "invitations",
        "invitations you sent and received",
        ("From", "To", "Sent At", "Direction"),
        ("Message", "inviterProfileUrl", "inviteeProfileUrl"),
        signature=("From", "To", "Sent At", "Direction"),
        people=True,
    ),
    "profile.csv": Layout(
        "profile",
        "your profile",
        ("First Name", "Last Name"),
        ("Headline", "Summary", "Industry", "Geo Location", "Websites"),
        signature=("First Name", "Last Name", "Headline", "Summary"),
    ),
    "positions.csv": Layout(
        "positions",
        "your positions",
        ("Company Name", "Title"),
        ("Description", "Location", "Started On", "Finished On"),
        signature=("Company Name", "Title", "Started On"),
    ),
    "education.csv": Layout(
        "education",
        "your education",
        ("School Name",),
        ("Start Date", "End Date", "Degree Name"),
        signature=("School Name", "Degree Name"),
    ),
    "skills.csv": Layout("skills", "your skills", ("Name",)),
    "messages.csv": Layout(
        "messages",
        "your LinkedIn messages (Kith keeps the last date and count per person, not the text)",
        ("From", "To", "Date"),
        ("Sender Profile URL", "Recipient Profile URLs", "Conversation ID"),
        signature=("Conversation ID", "From", "To", "Date", "Content"),
        essential=False,
    ),
    "languages.csv": Layout(
        "languages", "the languages you speak", ("Name",), ("Proficiency",), essential=False
    ),
    "shares.csv": Layout(
        "shares",
        "your posts (imported as posts only you see until you choose an audience)",
        ("Date", "ShareCommentary"),
        ("ShareLink", "SharedUrl", "MediaUrl", "Visibility"),
        signature=("Date", "ShareLink", "ShareCommentary"),
        essential=False,
    ),
    "endorsement_received_info.csv": Layout(
        "endorsements_received",
        "endorsements you received",
        ("Skill Name", "Endorser First Name"),
        ("Endorsement Date", "Endorser Last Name", "Endorser Public Url", "Endorsement Status"),
        signature=("Skill Name", "Endorser First Name", "Endorser Last Name"),
        essential=False,
    ),
    "endorsement_given_info.csv": Layout(
        "endorsements_given",
        "endorsements you gave",
        ("Skill Name", "Endorsee First Name"),
        ("Endorsement Date", "Endorsee Last Name", "Endorsee Public Url", "Endorsement Status"),
        signature=("Skill Name", "Endorsee First Name", "Endorsee Last Name"),
        essential=False,
    ),
    "recommendations_received.csv": Layout(
        "recommendations_received",
        "recommendations you received (a writer who is your connection here is asked to "
        "confirm theirs on Kith; the rest stay in your private archive)",
        ("First Name", "Last Name", "Text"),
        ("Company", "Job Title", "Creation Date", "Status"),
        signature=("First Name", "Last Name", "Text", "Creation Date"),
        essential=False,
    ),
    "recommendations_given.csv": Layout(
        "recommendations_given",
        "recommendations you gave (kept in your private archive; for a connection here, "
        "a draft you can send)",
        ("First Name", "Last Name", "Text"),
        ("Company", "Job Title", "Creation Date", "Status"),
        signature=("First Name", "Last Name", "Text", "Creation Date"),
        essential=False,
    ),
    "certifications.csv": Layout(
        "certifications",
        "your licenses and certifications",
        ("Name",),
        ("Authority", "Url"),
        signature=("Name", "Authority", "License Number"),
        essential=False,
    ),
}

NOT_USED: dict[str, str] = {
    "projects.csv": "your projects",
    "courses.csv": "your courses",
    "honors.csv": "your honors and awards",
    "volunteering.csv": "your volunteering",
    "email addresses.csv": "your email addresses",
    "phonenumbers.csv": "your phone numbers",
    "phone numbers.csv": "your phone numbers",
    "publications.csv": "your publications",
    "patents.csv": "your patents",
    "organizations.csv": "organizations you belong to",
    "test scores.csv": "your test scores",
    "causes you care about.csv": "causes you care about",
    "company follows.csv": "companies you follow",
    "member_follows.csv": "members you follow",
    "registration.csv": "when and how you joined LinkedIn",
    "rich_media.csv": "media on your profile",
    "recommendations.csv": "recommendations",
    "ad_targeting.csv": "LinkedIn's advertising profile of you",
    "inferences_about_you.csv": "what LinkedIn infers about you",
    "learning.csv": "your LinkedIn Learning courses",
    "saved_jobs.csv": "jobs you saved",
    "job applications.csv": "your job applications",
    "comments.csv": "your comments",
    "reactions.csv": "your reactions",
    "votes.csv": "your poll votes",
    "receipts.csv": "your LinkedIn payments",
    "searchqueries.csv": "your LinkedIn searches",
    "logins.csv": "your sign-ins to LinkedIn",
    "events.csv": "events",
    "guide_messages.csv": "messages with LinkedIn's assistant",
    "learning_coach_messages.csv": "messages with LinkedIn's coach",
    "whatsapp phone numbers.csv": "your phone numbers",
}

ALL_ROWS_FACTOR = 10  # rows of every file together: ten times the people rows
HEADER_SEARCH_ROWS = 50  # a header further down than this is not looked for
_PROFILEWEB_ADDRESS = re.compile(r"linkedin\.com/in/([^/?#\s,]+)", re.IGNORECASE)
_RENAMED = re.compile(r"\s*\(\d+\)(?=\.[^.]+$)")
WEB_ADDRESS = re.compile(r"https?://[^\s,\]\[]+", re.IGNORECASE)


def profile_slug(url: str) -> str:
    """``https://www.linkedin.com/in/ana-ruiz/`` -> ``ana-ruiz`` (``""`` if not a profile).

    >>> profile_slug("https://www.linkedin.com/in/Ana-Ruiz/?trk=x")
    'ana-ruiz'
    """
    m = _PROFILEWEB_ADDRESS.search(url or "")
    return m.group(1).lower() if m else ""


def column_key(name: str) -> str:
    return re.sub(r"[^a-z]", "", name.lower())


def canonical_name(name: str) -> str:
    """``Connections (1).csv`` -> ``connections.csv``: a browser's renamed download."""
    return _RENAMED.sub("", base_name(name)).lower()
