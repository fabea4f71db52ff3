"""The migrations build exactly the schema the models describe."""

from datetime import UTC, datetime

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from app.domain.mail import MailStatus
from app.extensions import db
from app.models import OutboxMessage
from app.models.forum_search import include_object


def test_models_and_migrations_agree(app):
    with db.engine.connect() as connection:
        # The forum's search index is the migration's alone (app/models/forum_search.py),
        # as env.py tells `flask db migrate`.
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": include_object}
        )
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_emails_kept_before_delivery_existed_count_as_sent(app):
    """The development backend's rows were delivered already: none goes out again."""
    kept = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    downgrade(revision="237d781531c4")
    try:
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO outbox_messages"
                    " (recipient, subject, text_body, html_body, locale, created_at)"
                    " VALUES ('a@example.org', 's', 't', 'h', 'en', :kept)"
                ),
                {"kept": kept},
            )
    finally:
        upgrade()
    (message,) = db.session.query(OutboxMessage).all()
    assert message.status is MailStatus.SENT and message.attempts == 0
    assert message.sent_at == kept and message.next_attempt_at is None
