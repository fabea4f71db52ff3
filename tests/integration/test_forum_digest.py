"""The forum's daily digest, `flask forum digest` (Terms §2.1a: the forum is how
subscribers interact; Settings → Forum chooses how they hear of it): one email per
member who chose the digest, listing each thread with its new replies and mentions and
a link to read on, in the member's language; a second run sends nothing new; nothing
for those who chose another way, for notices already read, or for threads the member
may no longer read."""

from datetime import timedelta

from sqlalchemy import select

from app import clock
from app.domain.notifications import EmailChoice
from app.domain.orders import Plan
from app.extensions import db
from app.models import ForumNotification, ForumPost, OutboxMessage
from app.services import forum as forum_service
from app.services import forum_digest, notifications
from tests.conftest import outbox_for
from tests.support.subscriptions import subscription


def choose(user, choice, name=None):
    profile = forum_service.profile_of(user)
    profile.email_choice = choice
    if name:
        profile.display_name, profile.name_key = name, name.casefold()
    db.session.commit()


def write(author, thread, body="A reply"):
    """A reply as the forum's reply view writes it: the post, then who is told."""
    post = forum_service.reply(author, thread, body, None)
    notifications.post_written(post)
    db.session.commit()
    return post


def digests(user) -> list[OutboxMessage]:
    return [m for m in outbox_for(user.email) if "forum" in m.text_body.lower()]


def test_one_email_per_member_listing_threads_and_replies_then_nothing_new(
    app, forum, make_user, runner
):
    reader, writer = make_user(), make_user()
    subscription(writer, Plan.SOLO)
    choose(reader, EmailChoice.DAILY, name="Reader")
    loops = forum.thread(writer, title="Loops")
    sql = forum.thread(writer, title="Joins in SQL")
    for thread in (loops, sql):
        notifications.follow(reader, thread)
    db.session.commit()
    first = write(writer, loops)
    write(writer, loops)
    write(writer, sql, "Ask @reader")
    result = runner.invoke(args=["forum", "digest"])
    assert result.exit_code == 0, result.output
    assert "Forum digest: 1 emails queued." in result.output
    (message,) = digests(reader)
    body = message.text_body
    assert "Loops" in body and "2 new replies" in body
    assert "Joins in SQL" in body and "You were mentioned" in body
    assert f"/forum/threads/{loops.id}/unread" in body  # where reading picks up
    assert f"/forum/posts/{first.id + 2}" in body  # the post that mentions them
    assert body.count("http") == 3  # Loops' replies, the mention, Settings → Forum
    again = runner.invoke(args=["forum", "digest"])
    assert "Forum digest: 0 emails queued." in again.output
    assert len(digests(reader)) == 1


def test_the_digest_is_in_the_members_language(app, forum, make_user):
    reader, writer = make_user(locale="fr"), make_user()
    choose(reader, EmailChoice.DAILY)
    thread = forum.thread(writer, title="Les boucles")
    notifications.follow(reader, thread)
    write(writer, thread)
    assert forum_digest.send(clock.now()) == 1
    (message,) = digests(reader)
    assert "Les boucles" in message.text_body and "1 nouvelle réponse" in message.text_body
    assert message.subject == "Quoi de neuf sur le forum Atelier"
    assert "Voici les nouveautés du forum" in message.text_body


def test_only_the_members_who_chose_the_digest_and_only_unread_notices(app, forum, make_user):
    daily, immediate, silent, read_it = (make_user() for _ in range(4))
    writer = make_user()
    thread = forum.thread(writer)
    for member, choice in (
        (daily, EmailChoice.DAILY),
        (immediate, EmailChoice.IMMEDIATE),
        (silent, EmailChoice.NONE),
        (read_it, EmailChoice.DAILY),
    ):
        choose(member, choice)
        notifications.follow(member, thread)
    write(writer, thread)
    notifications.mark_all_read(read_it)
    db.session.commit()
    assert forum_digest.send(clock.now()) == 1
    assert len(digests(daily)) == 1
    assert len(digests(immediate)) == 1  # the immediate email, not a digest
    assert "What is new" not in digests(immediate)[0].subject
    assert digests(silent) == [] and digests(read_it) == []


def test_a_thread_the_member_can_no_longer_read_is_left_out(app, forum, make_user, make_path):
    path = make_path()
    category = forum.category(path=path)
    reader, writer = make_user(), make_user()
    subscription(reader, Plan.PLUS, path=path)
    subscription(writer, Plan.PLUS, path=path)
    choose(reader, EmailChoice.DAILY)
    thread = forum.thread(writer, category)
    notifications.follow(reader, thread)
    write(writer, thread)
    assert len(notifications.of(reader)) == 1
    # The path's category closes to everyone but its members; the reader is no longer one.
    category.path_id = make_path().id
    db.session.commit()
    assert forum_digest.send(clock.now()) == 0
    assert digests(reader) == []


def test_now_sets_the_moment_and_old_notices_are_not_sent(app, forum, make_user, runner):
    reader, writer = make_user(), make_user()
    choose(reader, EmailChoice.DAILY)
    thread = forum.thread(writer)
    notifications.follow(reader, thread)
    write(writer, thread)
    earlier = (clock.now() - timedelta(hours=1)).isoformat()
    result = runner.invoke(args=["forum", "digest", "--now", earlier])
    assert "0 emails queued" in result.output  # written after that moment
    later = (clock.now() + timedelta(days=3)).isoformat()
    result = runner.invoke(args=["forum", "digest", "--now", later])
    assert "0 emails queued" in result.output  # older than the digest's window
    notice = db.session.scalar(select(ForumNotification))
    assert notice.emailed_at is None
    bad = runner.invoke(args=["forum", "digest", "--now", "tomorrow"])
    assert bad.exit_code != 0 and "ISO date-time" in bad.output
    assert db.session.scalar(select(ForumPost.id).where(ForumPost.position == 2))


def test_a_post_deleted_or_hidden_since_is_left_out(app, forum, make_user):
    reader, writer = make_user(), make_user()
    choose(reader, EmailChoice.DAILY)
    thread = forum.thread(writer)
    notifications.follow(reader, thread)
    forum_service.delete(write(writer, thread))
    hidden = write(writer, thread)
    hidden.hidden_at = clock.now()
    db.session.commit()
    assert forum_digest.send(clock.now()) == 0
    assert digests(reader) == []
