"""The community bench's data, made fast with SQLAlchemy Core: members with their forum
names, 500 threads of 200 posts and one of 5,000, and 20,000 private messages, a hundred
conversations of them the bench member's."""

import os
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert, select

from app.domain import forum as rules
from app.extensions import db
from app.models import (
    Conversation,
    ConversationMember,
    ForumCategory,
    ForumPost,
    ForumProfile,
    ForumThread,
    Message,
    Role,
    User,
)

MEMBERS = int(os.environ.get("BENCH_COMMUNITY_MEMBERS", "5000"))
THREADS, POSTS_PER_THREAD, BIG_THREAD_POSTS = 500, 200, 5000
CONVERSATIONS, MESSAGES_PER_CONVERSATION, MEMBER_CONVERSATIONS = 2000, 10, 100
CATEGORY = "help"
SEARCH_WORD = "recursion"
BATCH = 5000
START = datetime(2026, 1, 5, 9, tzinfo=UTC)


def members(count: int) -> list[int]:
    """`count` members with their forum profiles; their ids."""
    for start in range(0, count, BATCH):
        numbers = range(start, min(start + BATCH, count))
        db.session.execute(
            insert(User),
            [
                {
                    "email": f"community{n}@example.org",
                    "name": f"Community {n}",
                    "password_hash": "!",  # never signs in: not a valid hash
                    "role": Role.LEARNER,
                    "date_of_birth": date(1990, 1, 1),
                    "country": "FR",
                    "legal_protection": False,
                    "locale": "en",
                    "email_verified_at": START,
                    "created_at": START,
                }
                for n in numbers
            ],
        )
    ids = list(
        db.session.scalars(
            select(User.id).where(User.email.like("community%@example.org")).order_by(User.id)
        )
    )
    for start in range(0, len(ids), BATCH):
        db.session.execute(
            insert(ForumProfile),
            [
                {
                    "user_id": uid,
                    "display_name": f"member-{n}",
                    "name_key": rules.name_key(f"member-{n}"),
                }
                for n, uid in enumerate(ids[start : start + BATCH], start)
            ],
        )
    db.session.commit()
    return ids


def _post(thread_id: int, position: int, author: int, at: datetime) -> dict:
    # Some posts name the search word, as real threads would.
    topic = SEARCH_WORD if position % 7 == 0 else "loops"
    body = f"Reply {position}: a question about {topic} in **Python**, with some detail."
    return {
        "thread_id": thread_id,
        "position": position,
        "author_id": author,
        "body": body,
        "html": f"<p>Reply {position}: a question about {topic} in <strong>Python</strong>,"
        " with some detail.</p>",
        "created_at": at,
    }


def forum(people: list[int]) -> int:
    """500 threads of 200 posts and one of 5,000 in the measured category; the big
    thread's id."""
    category = db.session.scalar(select(ForumCategory.id).where(ForumCategory.slug == CATEGORY))
    sizes = [POSTS_PER_THREAD] * THREADS + [BIG_THREAD_POSTS]
    db.session.execute(
        insert(ForumThread),
        [
            {
                "category_id": category,
                "author_id": people[t % len(people)],
                "title": f"Thread {t}: how do I think about {SEARCH_WORD if t % 5 == 0 else 'loops'}?",
                "post_count": size,
                "created_at": START + timedelta(minutes=t),
                "last_post_at": START + timedelta(minutes=t, seconds=size),
            }
            for t, size in enumerate(sizes)
        ],
    )
    thread_ids = list(
        db.session.scalars(
            select(ForumThread.id)
            .where(ForumThread.category_id == category)
            .order_by(ForumThread.id)
        )
    )[-len(sizes) :]
    rows = []
    for t, (thread_id, size) in enumerate(zip(thread_ids, sizes, strict=True)):
        opened = START + timedelta(minutes=t)
        for position in range(1, size + 1):
            author = people[(t * 31 + position * 17) % len(people)]
            rows.append(_post(thread_id, position, author, opened + timedelta(seconds=position)))
            if len(rows) == BATCH:
                db.session.execute(insert(ForumPost), rows)
                rows = []
    if rows:
        db.session.execute(insert(ForumPost), rows)
    db.session.commit()
    return thread_ids[-1]


def private_messages(member_id: int, people: list[int]) -> None:
    """2,000 conversations of 10 messages between two members, the bench member in 100
    of them (with some unread)."""
    db.session.execute(
        insert(Conversation),
        [
            {
                "subject": f"Conversation {c}",
                "started_by_id": people[c % len(people)],
                "created_at": START + timedelta(hours=c),
                "last_message_at": START + timedelta(hours=c, minutes=MESSAGES_PER_CONVERSATION),
                "message_count": MESSAGES_PER_CONVERSATION,
            }
            for c in range(CONVERSATIONS)
        ],
    )
    conv_ids = list(db.session.scalars(select(Conversation.id).order_by(Conversation.id)))
    pairs = []
    for c, conv_id in enumerate(conv_ids):
        first = people[c % len(people)]
        second = member_id if c < MEMBER_CONVERSATIONS else people[(c * 7 + 1) % len(people)]
        pairs.append((conv_id, first, second))
    db.session.execute(
        insert(ConversationMember),
        [
            {
                "conversation_id": conv_id,
                "user_id": uid,
                "read_count": MESSAGES_PER_CONVERSATION - (c % 3 if uid == member_id else 0),
            }
            for c, (conv_id, first, second) in enumerate(pairs)
            for uid in (first, second)
        ],
    )
    rows = []
    for c, (conv_id, first, second) in enumerate(pairs):
        for m in range(MESSAGES_PER_CONVERSATION):
            rows.append(
                {
                    "conversation_id": conv_id,
                    "author_id": first if m % 2 == 0 else second,
                    "body": f"Message {m} about the exercise.",
                    "html": f"<p>Message {m} about the exercise.</p>",
                    "created_at": START + timedelta(hours=c, minutes=m),
                }
            )
            if len(rows) == BATCH:
                db.session.execute(insert(Message), rows)
                rows = []
    if rows:
        db.session.execute(insert(Message), rows)
    db.session.commit()
