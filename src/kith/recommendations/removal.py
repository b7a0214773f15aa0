"""What deleting an account does to recommendations: everything it gave and received
goes, with the private archive of imported ones."""

from __future__ import annotations

from sqlalchemy import delete, or_, select, update

from kith.models import ImportedRecommendation, Notification, Recommendation
from kith.uow import Ctx

__all__ = ["forget_member"]


def forget_member(ctx: Ctx, member_id: int) -> None:
    """Delete the recommendations ``member_id`` wrote or received (and the
    notifications about them) and their imported archive."""
    theirs = select(Recommendation.id).where(
        or_(Recommendation.author_id == member_id, Recommendation.recipient_id == member_id)
    )
    ctx.session.execute(delete(Notification).where(Notification.recommendation_id.in_(theirs)))
    ctx.session.execute(
        update(ImportedRecommendation)
        .where(ImportedRecommendation.recommendation_id.in_(theirs))
        .values(recommendation_id=None)
    )
    ctx.session.execute(
        delete(ImportedRecommendation).where(ImportedRecommendation.owner_id == member_id)
    )
    ctx.session.execute(
        delete(Recommendation).where(
            or_(Recommendation.author_id == member_id, Recommendation.recipient_id == member_id)
        )
    )
