"""Reports and moderation (Terms §2.1a: the forum and messages are used within the
General Terms of Use, which staff enforce): members report a post or a message with a
reason; staff hide/restore, lock/unlock, pin/unpin, move, warn, suspend; every action
is logged with who and why and the member is told by email."""

from datetime import UTC
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_datetime
from sqlalchemy import select

from app.domain.errors import DomainError
from app.domain.moderation import Action
from app.extensions import db
from app.models import Conversation, ForumPost, ForumThread, Message, ModerationAction, Report
from app.services import forum as forum_service
from app.services import messages as message_service
from tests.conftest import outbox_for


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def reported(forum, member):
    """A post by `author` reported by another member: (report, post, author)."""
    author_client, author = member()
    thread = forum.thread(author, title="Rude thread", body="Something rude")
    post = db.session.scalar(select(ForumPost).where(ForumPost.thread_id == thread.id))
    reporter, _ = member()
    page = text(reporter.get(f"/forum/threads/{thread.id}"))
    assert f"/forum/posts/{post.id}/report" in page
    response = reporter.post(f"/forum/posts/{post.id}/report", data={"reason": "Insults"})
    assert response.status_code == 302
    assert "the moderators will look" in text(reporter.get(response.headers["Location"]))
    report = db.session.scalar(select(Report))
    author.client = author_client  # for the tests that need the author's own requests
    return report, post, author


def test_a_report_needs_a_reason(forum, member):
    _, author = member()
    thread = forum.thread(author)
    post = db.session.scalar(select(ForumPost).where(ForumPost.thread_id == thread.id))
    reporter, _ = member(plan=None)
    response = reporter.post(f"/forum/posts/{post.id}/report", data={"reason": " "})
    assert response.status_code == 422 and 'id="reason-error"' in text(response)
    assert db.session.scalar(select(Report)) is None


def test_the_queue_is_for_staff_only(reported, member, client):
    learner, _ = member()
    assert learner.get("/staff/moderation").status_code == 403
    assert client.get("/staff/moderation").status_code == 302


def test_staff_hide_a_post_logged_and_the_author_told(reported, staff_client):
    report, post, author = reported
    queue = text(staff_client.get("/staff/moderation"))
    assert "Rude thread" in queue and "Insults" in queue
    page = text(staff_client.get(f"/staff/moderation/reports/{report.id}"))
    assert "Something rude" in page and "Hide the post" in page
    response = staff_client.post(
        f"/staff/moderation/reports/{report.id}",
        data={"action": "hide_post", "reason": "Insults are not allowed (Code of Conduct)."},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(ForumPost, post.id).hidden_at is not None
    assert db.session.get(Report, report.id).resolved_at is not None
    entry = db.session.scalar(select(ModerationAction))
    assert entry.action is Action.HIDE_POST and entry.member_id == author.id
    assert entry.staff.is_staff and "Code of Conduct" in entry.reason
    (mail,) = outbox_for(author.email)
    assert "hid one of your posts" in mail.text_body and "Insults are not allowed" in mail.text_body
    thread_page = text(staff_client.get(f"/forum/threads/{post.thread_id}"))
    assert "hidden by a moderator" in thread_page and "Something rude" not in thread_page
    assert "No open reports." in text(staff_client.get("/staff/moderation"))


@pytest.mark.parametrize(
    ("action", "check"),
    [
        ("lock", lambda t: t.locked),
        ("pin", lambda t: t.pinned),
    ],
)
def test_staff_lock_or_pin_a_thread(reported, staff_client, action, check):
    report, post, _ = reported
    response = staff_client.post(
        f"/staff/moderation/reports/{report.id}", data={"action": action, "reason": "Because"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert check(db.session.get(ForumThread, post.thread_id))


def test_staff_move_a_thread(reported, staff_client, forum):
    report, post, _ = reported
    other = forum.category(slug="elsewhere")
    refused = staff_client.post(
        f"/staff/moderation/reports/{report.id}", data={"action": "move", "reason": "Off topic"}
    )
    assert refused.status_code == 422 and "Choose the category" in text(refused)
    staff_client.post(
        f"/staff/moderation/reports/{report.id}",
        data={"action": "move", "reason": "Off topic", "category": str(other.id)},
    )
    db.session.expire_all()
    assert db.session.get(ForumThread, post.thread_id).category_id == other.id


def test_staff_suspend_a_member_who_then_cannot_post(reported, staff_client):
    report, post, author = reported
    bad = staff_client.post(
        f"/staff/moderation/reports/{report.id}",
        data={"action": "suspend", "reason": "Repeated insults", "days": "0"},
    )
    assert bad.status_code == 422 and "from 1 to 365" in text(bad)
    staff_client.post(
        f"/staff/moderation/reports/{report.id}",
        data={"action": "suspend", "reason": "Repeated insults", "days": "7"},
    )
    db.session.expire_all()
    assert forum_service.profile_of(author).suspended_until is not None
    (mail,) = outbox_for(author.email)
    assert "suspended you from posting" in mail.text_body
    entry = db.session.scalar(select(ModerationAction))
    assert entry.days == 7
    assert "7 days" in text(staff_client.get("/staff/moderation"))
    refused = author.client.post(f"/forum/threads/{post.thread_id}/reply", data={"body": "Hi"})
    assert refused.status_code == 403 and "suspended from posting until" in text(refused)


def test_a_reported_message_and_a_warning(member, staff_client):
    ana_client, ana = member()
    bob_client, bob = member()
    name = forum_service.profile_of(bob).display_name
    db.session.commit()
    ana_client.post("/messages/new", data={"to": name, "subject": "Buy", "body": "Spam spam"})
    conv = db.session.scalar(select(Conversation))
    message = db.session.scalar(select(Message))
    outsider, _ = member()
    assert outsider.get(f"/messages/{conv.id}/messages/{message.id}/report").status_code == 404
    page = text(bob_client.get(f"/messages/{conv.id}"))
    assert f"/messages/{conv.id}/messages/{message.id}/report" in page
    bob_client.post(f"/messages/{conv.id}/messages/{message.id}/report", data={"reason": "Spam"})
    report = db.session.scalar(select(Report))
    assert report.message_id == message.id
    staff_client.post(
        f"/staff/moderation/reports/{report.id}", data={"action": "warn", "reason": "No spam"}
    )
    (mail,) = outbox_for(ana.email)
    assert "warning" in mail.text_body and "No spam" in mail.text_body


def test_a_blocked_member_message_flow_still_uses_the_service(member):
    # The service refuses a reply from a member the others blocked (the view says why).
    _, ana = member()
    _, bob = member()
    conv = message_service.start(ana, forum_service.profile_of(bob).display_name, "S", "B")
    message_service.block(bob, ana.id)
    with pytest.raises(DomainError, match="blocked"):
        message_service.reply(conv, ana, "again", None)


@pytest.mark.parametrize(
    ("locale", "zone", "pattern"),
    [
        ("fr", "America/New_York", "d MMMM y 'à' HH:mm"),
        ("en", "Asia/Tokyo", "d MMMM y 'at' HH:mm"),
    ],
)
def test_the_suspension_email_shows_the_end_in_the_members_language_and_time_zone(
    forum, member, staff_client, locale, zone, pattern
):
    """Terms §2.1a (the forum within the General Terms of Use): the member told of a
    suspension reads its end in their own time, not in the staff member's (Paris)."""
    _, author = member(locale=locale)
    author.timezone = zone
    db.session.commit()
    thread = forum.thread(author, title="Rude thread", body="Something rude")
    post = db.session.scalar(select(ForumPost).where(ForumPost.thread_id == thread.id))
    reporter, _ = member()
    reporter.post(f"/forum/posts/{post.id}/report", data={"reason": "Insults"})
    report = db.session.scalar(select(Report))
    response = staff_client.post(
        f"/staff/moderation/reports/{report.id}",
        data={"action": "suspend", "reason": "Repeated insults", "days": "3"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    until = forum_service.profile_of(author).suspended_until
    until = until if until.tzinfo else until.replace(tzinfo=UTC)
    local = format_datetime(until, pattern, tzinfo=ZoneInfo(zone), locale=locale)
    paris = format_datetime(until, pattern, tzinfo=ZoneInfo("Europe/Paris"), locale=locale)
    assert local != paris
    (mail,) = outbox_for(author.email)
    assert local in mail.text_body and local in mail.html_body
    assert paris not in mail.text_body
