"""What each side reads of a recommendation's status, and the boxes of the inbox.

The writer of a declined recommendation reads it as ``pending`` ("Sent") for ever: a
decline is silent. The one who asked reads a request the writer set aside
(``dismissed``) or is drafting as ``requested``.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_

from kith.models import Recommendation

__all__ = ["BOXES", "LABELS", "RELATION_LABELS", "box_filter", "status_for"]

#: The inbox's boxes, in the order of its tabs.
BOXES = {
    "to_write": "Requests to me",
    "drafts": "Drafts",
    "to_approve": "Awaiting my approval",
    "requested": "Sent requests",
    "written": "Written by me",
    "received": "Received",
}

#: A status as its reader sees it, in words.
LABELS = {
    "requested": "Requested",
    "draft": "Draft",
    "pending": "Sent",
    "revision": "Revision requested",
    "accepted": "Accepted",
}

#: How the writer knows the recipient: (words for a form, words with the names).
RELATION_LABELS = {
    "managed_directly": ("Managed them directly", "{writer} managed {recipient} directly"),
    "same_team": ("Worked on the same team", "{writer} worked with {recipient} on the same team"),
    "reported_to": ("Reported to them", "{writer} reported to {recipient}"),
    "client": ("Was their client", "{writer} was {recipient}'s client"),
    "studied_together": ("Studied together", "{writer} studied with {recipient}"),
    "mentored": ("Mentored them", "{writer} mentored {recipient}"),
}

_WRITER_READS = {"declined": "pending"}
_RECIPIENT_READS = {"draft": "requested", "dismissed": "requested"}

# What each side may no longer see at all.
GONE_FOR_WRITER = ("withdrawn", "dismissed")
GONE_FOR_RECIPIENT = ("withdrawn", "declined")


def status_for(rec: Recommendation, viewer_id: int) -> str:
    """The status ``viewer_id`` reads: requested, draft, pending, revision, accepted."""
    if viewer_id == rec.author_id:
        return _WRITER_READS.get(rec.status, rec.status)
    if viewer_id == rec.recipient_id:
        return _RECIPIENT_READS.get(rec.status, rec.status)
    return "accepted"


def box_filter(box: str, member_id: int) -> ColumnElement[bool]:
    """SQL: the recommendations in ``member_id``'s ``box``."""
    r = Recommendation
    mine_to_write = r.author_id == member_id
    mine_received = r.recipient_id == member_id
    return {
        "to_write": and_(mine_to_write, r.status == "requested"),
        "drafts": and_(mine_to_write, r.status.in_(("draft", "revision"))),
        "to_approve": and_(mine_received, r.status == "pending"),
        "requested": and_(
            mine_received, r.asked.is_(True), r.status.in_(("requested", "draft", "dismissed"))
        ),
        "written": and_(mine_to_write, r.status.in_(("pending", "declined", "accepted"))),
        "received": and_(mine_received, r.status == "accepted"),
    }[box]
