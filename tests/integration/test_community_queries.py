"""Private messages stay fast as they grow (issue 15, Performance; Terms §2.1a: the
private messages Premium Solo sells): the conversation list and the header's
unread-count poll run the same number of SQL queries for a member with two
conversations as for one with sixty, among many members and messages. On SQLite and
PostgreSQL."""

from datetime import timedelta

from sqlalchemy import insert, select, update

from app import clock
from app.extensions import db
from app.models import Conversation, ConversationMember, Message
from app.services import forum as forum_service
from app.services import messages as messages_service
from tests.web.test_forum import counting_queries

HX = {"HX-Request": "true"}


def name_of(user) -> str:
    return forum_service.profile_of(user).display_name


def conversations(member, others, count: int, messages_each: int) -> None:
    """`count` conversations between `member` and two of `others`, each with
    `messages_each` messages (the extra ones inserted in bulk), some unread."""
    for n in range(count):
        pair = [others[n % len(others)], others[(n + 1) % len(others)]]
        conv = messages_service.start(
            pair[0], f"{name_of(member)} {name_of(pair[1])}", f"Subject {n}", "Hello"
        )
        later = clock.now() + timedelta(minutes=n)
        db.session.execute(
            insert(Message),
            [
                {
                    "conversation_id": conv.id,
                    "author_id": pair[m % 2].id,
                    "body": f"Message {m}",
                    "html": f"<p>Message {m}</p>",
                    "created_at": later,
                }
                for m in range(messages_each - 1)
            ],
        )
        db.session.execute(
            update(Conversation)
            .where(Conversation.id == conv.id)
            .values(message_count=messages_each, last_message_at=later)
        )
    db.session.commit()


def queries(client, url: str, headers: dict, status: int) -> int:
    client.get(url, headers=headers)  # warm the caches
    with counting_queries() as statements:
        response = client.get(url, headers=headers)
    assert response.status_code == status, url
    return len(statements)


def test_the_conversation_list_and_the_unread_poll_cost_the_same_queries_small_or_large(
    app, member, make_user
):
    app.config["MESSAGES_NEW_PER_HOUR"] = 1000
    small_client, small = member()
    large_client, large = member()
    others = [make_user() for _ in range(12)]
    conversations(small, others[:2], count=2, messages_each=3)
    conversations(large, others, count=60, messages_each=40)
    assert db.session.scalar(
        select(ConversationMember.id).where(ConversationMember.user_id == large.id).limit(1)
    )
    counts = {}
    for name, client, user in (("small", small_client, small), ("large", large_client, large)):
        unread = messages_service.unread_count(user)
        assert unread > 0
        counts[name] = (
            queries(client, "/messages/", {}, 200),
            queries(client, "/messages/unread", HX, 200),
            queries(client, f"/messages/unread?shown={unread}", HX, 204),
        )
    assert counts["small"] == counts["large"], counts
    page = large_client.get("/messages/").get_data(as_text=True)
    assert "Subject 59" in page
