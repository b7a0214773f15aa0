"""Deleting an account takes its posts, comments and reactions, and every count on
other members' posts and comments stays exact (both databases)."""

from __future__ import annotations

from sqlalchemy import func, select

from kith.accounts.deletion import delete_account
from kith.models import Comment, ContentReport, Member, Post, Reaction
from kith.runtime import Kith
from kith.uow import Ctx
from tests.fixtures.factories import make_member
from tests.fixtures.posts import assert_exact, make_comment, make_post, react


def _count(ctx: Ctx, model: type, *where: object) -> int:
    return int(ctx.session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def test_deleting_an_account_removes_its_content_and_corrects_counts(kith: Kith) -> None:
    with kith.uow() as ctx:
        ana, ben, cai = (make_member(ctx, n) for n in ("Ana", "Ben", "Cai"))
        # Ben's and Cai's posts, which stay.
        bens = make_post(ctx, ben, "Ben's news")
        cais = make_post(ctx, cai, "Cai's question")
        # Ana reacts, comments, replies and reposts on them.
        react(ctx, ana, bens)
        react(ctx, cai, bens)
        ana_top = make_comment(ctx, ana, bens, "Congratulations!")
        make_comment(ctx, ben, bens, "Thanks Ana", parent=ana_top)  # goes with Ana's comment
        cai_top = make_comment(ctx, cai, bens, "Well done")
        ana_reply = make_comment(ctx, ana, bens, "Agreed", parent=cai_top)
        react(ctx, ana, cai_top)
        react(ctx, ben, cai_top)
        react(ctx, ben, ana_reply)
        make_post(ctx, ana, "Worth reading", repost_of_id=cais.id)
        make_post(ctx, ben, "", repost_of_id=cais.id)
        # Ana's own post, with Ben's comment, reaction and repost on it.
        anas = make_post(ctx, ana, "Ana's post")
        make_comment(ctx, ben, anas, "Nice")
        react(ctx, ben, anas)
        make_post(ctx, cai, "", repost_of_id=anas.id)
        ctx.session.add(
            ContentReport(
                reporter_id=ana.id, post_id=cais.id, reason="spam", created_at=ctx.clock.now()
            )
        )
        ctx.session.flush()
        assert_exact(ctx)
        before = (bens.reaction_count, bens.comment_count, cai_top.reaction_count)
        before += (cai_top.reply_count, cais.repost_count)
        assert before == (2, 4, 2, 1, 2)
        ids = (bens.id, cais.id, cai_top.id)
        ana_id, cai_id = ana.id, cai.id

    with kith.uow() as ctx:
        delete_account(ctx, ctx.session.get_one(Member, ana_id), confirmed=True)

    with kith.uow() as ctx:
        bens_id, cais_id, cai_top_id = ids
        b = ctx.session.get_one(Post, bens_id)
        c = ctx.session.get_one(Post, cais_id)
        top = ctx.session.get_one(Comment, cai_top_id)
        after = (b.reaction_count, b.comment_count, top.reaction_count, top.reply_count)
        assert (*after, c.repost_count) == (1, 1, 1, 0, 1)
        assert_exact(ctx)
        assert _count(ctx, Post, Post.author_id == ana_id) == 0
        assert _count(ctx, Comment, Comment.author_id == ana_id) == 0
        assert _count(ctx, Reaction, Reaction.member_id == ana_id) == 0
        assert _count(ctx, ContentReport, ContentReport.reporter_id == ana_id) == 0
        # Cai's repost of Ana's post went with it.
        assert _count(ctx, Post, Post.author_id == cai_id) == 1
