"""Forum and messages for tests: categories, threads with many posts written in bulk
(a 5,000-post thread in a fraction of a second), and signed-in members with or without
a plan.

Loaded as a pytest plugin by tests/conftest.py: the `forum`, `member` fixtures."""

from datetime import timedelta

import pytest
from sqlalchemy import insert, update

from app import clock
from app.domain.orders import Plan
from app.extensions import db
from app.models import ForumCategory, ForumPost, ForumThread
from app.services import forum as forum_service
from tests.support.subscriptions import subscription


class ForumFactory:
    counter = 0

    def category(self, slug=None, path=None, position=0) -> ForumCategory:
        ForumFactory.counter += 1
        slug = slug or f"category-{ForumFactory.counter}"
        made = ForumCategory(
            slug=slug,
            title_en=f"Category {slug}",
            title_fr=f"Catégorie {slug}",
            description_en="About things",
            description_fr="À propos de choses",
            position=position,
            path_id=path.id if path else None,
        )
        db.session.add(made)
        db.session.commit()
        return made

    def thread(self, author, category=None, title="A question", body="First post", posts=1):
        """A thread by `author` with `posts` posts in all (replies inserted in bulk)."""
        category = category or self.category()
        made = forum_service.start_thread(author, category, title, body)
        if posts > 1:
            start = clock.now() - timedelta(days=1)
            db.session.execute(
                insert(ForumPost),
                [
                    {
                        "thread_id": made.id,
                        "position": n,
                        "author_id": author.id,
                        "body": f"Reply {n}",
                        "html": f"<p>Reply {n}</p>",
                        "created_at": start + timedelta(seconds=n),
                    }
                    for n in range(2, posts + 1)
                ],
            )
            db.session.execute(
                update(ForumThread).where(ForumThread.id == made.id).values(post_count=posts)
            )
        db.session.commit()
        return db.session.get(ForumThread, made.id)


@pytest.fixture
def forum(app):
    return ForumFactory()


@pytest.fixture
def member(app, make_user):
    """member(plan=Plan.SOLO, path=None, **user) -> (client, user), signed in; plan=None
    for a member without a subscription."""
    from tests.conftest import sign_in

    def make(plan=Plan.SOLO, path=None, status=None, **user_fields):
        user = make_user(**user_fields)
        if plan is not None:
            subscription(user, plan, status, path)
        client = app.test_client()
        sign_in(client, user.email, user.password)
        return client, user

    return make
