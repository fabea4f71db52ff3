"""The forum (Terms §2.1a: subscribers interact through the forum): who reads and who
writes, threads and replies with and without htmx, the edit window, tombstones, double
submits, sizes, and deep threads read by position."""

import re
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from app import clock
from app.domain.orders import Plan
from app.extensions import db
from app.models import ForumPost, ForumThread
from tests.conftest import without_title

HX = {"HX-Request": "true"}


def text(response) -> str:
    return response.get_data(as_text=True)


def token_of(page: str) -> str:
    return re.search(r'name="token" type="hidden" value="([^"]+)"', page).group(1)


def reply_data(client, thread, body="A helpful answer"):
    page = text(client.get(f"/forum/threads/{thread.id}"))
    seen = re.search(r'name="seen" type="hidden" value="([^"]*)"', page).group(1)
    return {"body": body, "token": token_of(page), "page": "1", "seen": seen}


# --- reading ------------------------------------------------------------------------------


def test_a_visitor_reads_public_categories_threads_and_posts(client, forum, make_user):
    author = make_user()
    thread = forum.thread(author, title="Loops in Python", body="How do **loops** work?")
    index = client.get("/forum/")
    assert index.status_code == 200 and thread.category.title_en in text(index)
    listing = text(client.get(f"/forum/{thread.category.slug}"))
    assert "Loops in Python" in listing
    page = client.get(f"/forum/threads/{thread.id}")
    assert "<strong>loops</strong>" in text(page)
    assert "Sign in to reply" in text(page)
    assert page.headers["Cache-Control"] == "private, no-store"
    assert "Set-Cookie" not in page.headers


def test_the_forum_page_is_in_french(client, forum, make_user):
    forum.thread(make_user())
    page = text(client.get("/forum/", headers={"Accept-Language": "fr"}))
    assert "Catégorie" in page and "Forum" in page


def test_threads_are_listed_pinned_first_then_by_last_activity(client, forum, make_user):
    author = make_user()
    category = forum.category()
    old = forum.thread(author, category, title="Old but pinned")
    forum.thread(author, category, title="Quiet")
    recent = forum.thread(author, category, title="Busy")
    locked = forum.thread(author, category, title="Closed one")
    now = clock.now()
    old.pinned, old.last_post_at = True, now - timedelta(days=9)
    recent.last_post_at = now + timedelta(minutes=1)
    locked.locked, locked.last_post_at = True, now - timedelta(days=5)
    db.session.commit()
    page = text(client.get(f"/forum/{category.slug}"))
    order = [page.index(title) for title in ("Old but pinned", "Busy", "Quiet", "Closed one")]
    assert order == sorted(order)
    assert "Locked" in page and "Pinned" in page


def test_a_learning_path_category_is_for_its_members_only(app, client, forum, member, make_path):
    path, other = make_path(), make_path()
    category = forum.category(path=path)
    author, _ = member(Plan.PLUS, path=path)[1], None
    thread = forum.thread(author, category)
    urls = [f"/forum/{category.slug}", f"/forum/threads/{thread.id}"]
    solo, _ = member(Plan.SOLO)
    plus_elsewhere, _ = member(Plan.PLUS, path=other)
    insider, _ = member(Plan.PLUS, path=path)
    for outsider in (client, solo, plus_elsewhere):
        assert category.title_en not in text(outsider.get("/forum/"))
        for url in urls:
            assert outsider.get(url).status_code == 404
    assert (
        plus_elsewhere.post(f"/forum/threads/{thread.id}/reply", data={"body": "hi"}).status_code
        == 404
    )
    assert category.title_en in text(insider.get("/forum/"))
    for url in urls:
        assert insider.get(url).status_code == 200
    assert insider.post(f"/forum/threads/{thread.id}/reply", data={"body": "hi"}).status_code == 302


def test_a_hidden_thread_is_not_found(client, forum, member):
    subscriber, user = member()
    thread = forum.thread(user)
    thread.hidden = True
    db.session.commit()
    assert client.get(f"/forum/threads/{thread.id}").status_code == 404
    response = subscriber.post(f"/forum/threads/{thread.id}/reply", data={"body": "x"})
    assert response.status_code == 404


# --- writing ------------------------------------------------------------------------------


def test_a_subscriber_starts_a_thread(forum, member):
    subscriber, _ = member()
    category = forum.category()
    assert "Start a thread" in text(subscriber.get(f"/forum/{category.slug}"))
    response = subscriber.post(
        f"/forum/{category.slug}/new", data={"title": "  My first  ", "body": "Hello *all*"}
    )
    assert response.status_code == 302
    thread = db.session.scalar(select(ForumThread))
    assert thread.title == "My first" and thread.post_count == 1
    page = text(subscriber.get(response.headers["Location"]))
    assert "Your thread has been started." in page and "<em>all</em>" in page


@pytest.mark.parametrize(
    ("title", "body", "field", "message"),
    [
        ("", "text", "title", "Enter a title."),
        ("x" * 151, "text", "title", "150 characters or fewer"),
        ("Hi\u200bthere", "text", "title", "invisible characters"),
        ("Fine", "   ", "body", "Write your message."),
        ("Fine", "x" * 100_000, "body", "20,000 characters or fewer"),
    ],
)
def test_a_thread_with_a_bad_title_or_body_is_refused_with_a_field_error(
    forum, member, title, body, field, message
):
    subscriber, _ = member()
    category = forum.category()
    response = subscriber.post(f"/forum/{category.slug}/new", data={"title": title, "body": body})
    assert response.status_code == 422
    page = text(response)
    assert f'id="{field}-error"' in page and message in page
    assert db.session.scalar(select(func.count(ForumThread.id))) == 0


def test_without_a_plan_a_member_reads_but_does_not_write(forum, member, make_user):
    thread = forum.thread(make_user())
    reader, _ = member(plan=None)
    page = text(reader.get(f"/forum/threads/{thread.id}"))
    assert "Subscribers write in the forum." in page and 'name="body"' not in page
    response = reader.post(f"/forum/threads/{thread.id}/reply", data={"body": "hi"})
    assert response.status_code == 403 and "See the plans" in text(response)
    assert reader.get(f"/forum/{thread.category.slug}/new").status_code == 403


def test_a_visitor_is_sent_to_sign_in_to_write(client, forum, make_user):
    thread = forum.thread(make_user())
    response = client.post(f"/forum/threads/{thread.id}/reply", data={"body": "hi"})
    assert response.status_code == 302 and "/signin" in response.headers["Location"]


def test_a_past_due_subscriber_is_told_the_payment_is_due(forum, member, make_user):
    from app.domain.subscriptions import SubscriptionStatus

    thread = forum.thread(make_user())
    late, _ = member(Plan.SOLO, status=SubscriptionStatus.PAST_DUE)
    assert "payment is made" in text(late.get(f"/forum/threads/{thread.id}"))


def test_a_reply_without_javascript_redirects_to_it(forum, member, make_user):
    thread = forum.thread(make_user())
    subscriber, _ = member()
    response = subscriber.post(
        f"/forum/threads/{thread.id}/reply", data=reply_data(subscriber, thread)
    )
    assert response.status_code == 302
    made = db.session.scalar(select(ForumPost).where(ForumPost.position == 2))
    assert response.headers["Location"].endswith(f"/forum/threads/{thread.id}#post-{made.id}")
    page = text(subscriber.get(response.headers["Location"]))
    assert "Your reply has been posted." in page and "A helpful answer" in page
    assert "1 reply" in page


def test_a_reply_with_htmx_is_appended_focused_and_announced(forum, member, make_user):
    thread = forum.thread(make_user())
    subscriber, _ = member()
    data = reply_data(subscriber, thread)
    response = subscriber.post(f"/forum/threads/{thread.id}/reply", data=data, headers=HX)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    body = text(response)
    assert body.lstrip().startswith('<div id="reply"')  # the form, fresh
    assert token_of(body) != data["token"] and "A helpful answer" not in body.split("</form>")[0]
    assert 'data-hx-swap-oob="beforeend:#posts"' in body and "data-focus-after-swap" in body
    assert 'data-hx-swap-oob="innerHTML:#flash"' in body
    assert "Your reply has been posted (reply 1)." in body


def test_an_htmx_reply_with_an_error_answers_the_form_with_its_errors(forum, member, make_user):
    thread = forum.thread(make_user())
    subscriber, _ = member()
    data = {**reply_data(subscriber, thread), "body": ""}
    response = subscriber.post(f"/forum/threads/{thread.id}/reply", data=data, headers=HX)
    assert response.status_code == 422
    fragment = without_title(text(response))
    assert fragment.startswith('<div id="reply"') and "Write your message." in fragment
    assert text(response).startswith("<title>Error:")


def test_the_same_reply_sent_twice_makes_one_post(forum, member, make_user):
    thread = forum.thread(make_user())
    subscriber, _ = member()
    data = reply_data(subscriber, thread)
    first = subscriber.post(f"/forum/threads/{thread.id}/reply", data=data)
    second = subscriber.post(f"/forum/threads/{thread.id}/reply", data=data)
    assert first.headers["Location"] == second.headers["Location"]
    assert db.session.scalar(select(func.count(ForumPost.id))) == 2
    db.session.expire_all()
    assert db.session.get(ForumThread, thread.id).post_count == 2


@pytest.mark.parametrize(
    ("body", "message"), [("", "Write your message."), ("x" * 100_000, "20,000")]
)
def test_an_empty_or_huge_reply_is_a_field_error(forum, member, make_user, body, message):
    thread = forum.thread(make_user())
    subscriber, _ = member()
    data = {**reply_data(subscriber, thread), "body": body}
    response = subscriber.post(f"/forum/threads/{thread.id}/reply", data=data)
    assert response.status_code == 422 and message in text(response)
    assert 'id="body-error"' in text(response)
    db.session.expire_all()
    assert db.session.get(ForumThread, thread.id).post_count == 1


def test_a_locked_thread_takes_no_reply(forum, member, make_user):
    thread = forum.thread(make_user())
    thread.locked = True
    db.session.commit()
    subscriber, _ = member()
    assert "This thread is locked" in text(subscriber.get(f"/forum/threads/{thread.id}"))
    response = subscriber.post(f"/forum/threads/{thread.id}/reply", data={"body": "hi"})
    assert response.status_code == 403 and "locked" in text(response)
    assert db.session.get(ForumThread, thread.id).post_count == 1


def test_a_suspended_member_cannot_post_and_sees_until_when(forum, member, make_user):
    from app.services.forum import profile_of

    thread = forum.thread(make_user())
    subscriber, user = member()
    profile_of(user).suspended_until = clock.now() + timedelta(days=3)
    db.session.commit()
    assert "suspended from posting until" in text(subscriber.get(f"/forum/threads/{thread.id}"))
    response = subscriber.post(f"/forum/threads/{thread.id}/reply", data={"body": "hi"})
    assert response.status_code == 403 and "suspended from posting until" in text(response)


def test_quote_fills_the_reply_with_the_post(forum, member, make_user):
    thread = forum.thread(make_user(), body="Line one\nLine two")
    subscriber, _ = member()
    first = db.session.scalar(select(ForumPost))
    page = text(subscriber.get(f"/forum/threads/{thread.id}?quote={first.id}"))
    assert "&gt; Line one\n&gt; Line two" in page


# --- editing and deleting -----------------------------------------------------------------


def test_the_author_edits_within_30_minutes_and_the_post_shows_edited(forum, member, monkeypatch):
    subscriber, user = member()
    thread = forum.thread(user, body="Frist")
    post = db.session.scalar(select(ForumPost))
    assert text(subscriber.get(f"/forum/posts/{post.id}/edit")).count("Frist") >= 1
    response = subscriber.post(f"/forum/posts/{post.id}/edit", data={"body": "First"})
    assert response.status_code == 302
    page = text(subscriber.get(f"/forum/threads/{thread.id}"))
    assert "First" in page and "edited" in page
    later = clock.now() + timedelta(minutes=31)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert "/edit" not in text(subscriber.get(f"/forum/threads/{thread.id}"))
    response = subscriber.post(f"/forum/posts/{post.id}/edit", data={"body": "Third"})
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(ForumPost, post.id).body == "First"


def test_nobody_edits_or_deletes_someone_elses_post(forum, member, make_user):
    thread = forum.thread(make_user())
    post = db.session.scalar(select(ForumPost).where(ForumPost.thread_id == thread.id))
    other, _ = member()
    assert other.post(f"/forum/posts/{post.id}/edit", data={"body": "mine"}).status_code == 403
    assert other.post(f"/forum/posts/{post.id}/delete").status_code == 403
    assert db.session.get(ForumPost, post.id).body == "First post"


def test_deleting_ones_post_leaves_a_tombstone(forum, member):
    subscriber, user = member()
    thread = forum.thread(user, body="Oops, my password is hunter2")
    post = db.session.scalar(select(ForumPost))
    assert "Delete your post?" in text(subscriber.get(f"/forum/posts/{post.id}/delete"))
    assert subscriber.post(f"/forum/posts/{post.id}/delete").status_code == 302
    page = text(subscriber.get(f"/forum/threads/{thread.id}"))
    assert "hunter2" not in page and "This post was deleted by its author." in page
    db.session.expire_all()
    assert db.session.get(ForumPost, post.id).body == ""


# --- deep threads -------------------------------------------------------------------------


def test_posts_come_25_a_page_by_position(client, forum, make_user):
    thread = forum.thread(make_user(), posts=60)
    last = text(client.get(f"/forum/threads/{thread.id}?page=3"))
    assert "Reply 51" in last and "Reply 60" in last and "Reply 50<" not in last
    assert "page 3 of 3" in last
    assert "Reply 26<" in text(client.get(f"/forum/threads/{thread.id}?page=2"))
    beyond = text(client.get(f"/forum/threads/{thread.id}?page=999"))
    assert "Reply 60" in beyond


def test_a_post_link_opens_its_page(client, forum, make_user):
    thread = forum.thread(make_user(), posts=60)
    post = db.session.scalar(select(ForumPost).where(ForumPost.position == 30))
    location = client.get(f"/forum/posts/{post.id}").headers["Location"]
    assert location.endswith(f"/forum/threads/{thread.id}?page=2#post-{post.id}")


@contextmanager
def counting_queries():
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def test_the_last_page_of_a_huge_thread_costs_the_queries_of_the_first(forum, member, make_user):
    subscriber, _ = member()
    small = forum.thread(make_user(), posts=30)
    huge = forum.thread(make_user(), posts=5_000)
    counts = {}
    for name, thread, page in (
        ("small", small, 2),
        ("huge first", huge, 1),
        ("huge last", huge, 200),
    ):
        subscriber.get(f"/forum/threads/{thread.id}?page={page}")  # warm the caches
        with counting_queries() as statements:
            response = subscriber.get(f"/forum/threads/{thread.id}?page={page}")
        assert response.status_code == 200
        counts[name] = len(statements)
        assert not any("OFFSET" in s.upper() for s in statements)
    assert "Reply 5000" in text(response)
    assert counts["small"] == counts["huge first"] == counts["huge last"], counts


# --- unread -------------------------------------------------------------------------------


def test_unread_threads_are_marked_and_jump_to_the_first_unread_post(forum, member, make_user):
    reader, _ = member()
    author = make_user()
    category = forum.category()
    thread = forum.thread(author, category, posts=60)
    listing = text(reader.get(f"/forum/{category.slug}"))
    assert "New posts" in listing
    first = reader.get(f"/forum/threads/{thread.id}/unread").headers["Location"]
    assert first.endswith(f"/forum/threads/{thread.id}#post-{_post_id(thread, 1)}")
    reader.get(f"/forum/threads/{thread.id}")  # page 1: read up to 25
    after = reader.get(f"/forum/threads/{thread.id}/unread").headers["Location"]
    assert after.endswith(f"?page=2#post-{_post_id(thread, 26)}")
    reader.get(f"/forum/threads/{thread.id}?page=3")
    assert "New posts" not in text(reader.get(f"/forum/{category.slug}"))
    # Someone replies: new again, from the reply.
    forum_service_reply(author, thread)
    assert "New posts" in text(reader.get(f"/forum/{category.slug}"))
    location = reader.get(f"/forum/threads/{thread.id}/unread").headers["Location"]
    assert location.endswith(f"?page=3#post-{_post_id(thread, 61)}")


def test_mark_every_thread_as_read(forum, member, make_user):
    reader, _ = member()
    category = forum.category()
    forum.thread(make_user(), category)
    assert "New posts" in text(reader.get(f"/forum/{category.slug}"))
    response = reader.post("/forum/mark-all-read")
    assert response.status_code == 302
    assert "Every thread is marked as read." in text(reader.get("/forum/"))
    assert "New posts" not in text(reader.get(f"/forum/{category.slug}"))


def test_a_visitor_has_no_unread_marks(client, forum, make_user):
    category = forum.category()
    thread = forum.thread(make_user(), category)
    assert "New posts" not in text(client.get(f"/forum/{category.slug}"))
    assert client.get(f"/forum/threads/{thread.id}/unread").status_code == 302  # sign in
    assert client.post("/forum/mark-all-read").status_code == 302


def _post_id(thread, position) -> int:
    return db.session.scalar(
        select(ForumPost.id).where(ForumPost.thread_id == thread.id, ForumPost.position == position)
    )


def forum_service_reply(author, thread):
    from app.services import forum as service

    service.reply(author, db.session.get(ForumThread, thread.id), "Later", None)
    db.session.commit()


# --- new replies by polling ---------------------------------------------------------------


def test_the_last_page_polls_for_new_replies(client, forum, member, make_user):
    author = make_user()
    thread = forum.thread(author, posts=30)
    page2 = text(client.get(f"/forum/threads/{thread.id}?page=2"))
    assert f"/forum/threads/{thread.id}/new-posts?after=30" in page2
    assert "data-poll-while-visible" in page2 and 'data-hx-trigger="every 20s"' in page2
    assert "new-posts" not in text(client.get(f"/forum/threads/{thread.id}"))  # not the last
    url = f"/forum/threads/{thread.id}/new-posts?after=30"
    assert client.get(url, headers=HX).status_code == 204
    forum_service_reply(author, thread)
    forum_service_reply(author, thread)
    polled = client.get(url, headers=HX)
    body = text(polled)
    assert polled.status_code == 200 and body.count('class="post"') == 2
    assert "after=32" in body and "2 new replies in this thread." in body
    assert "data-focus-after-swap" not in body  # never takes focus
    assert client.get(url).status_code == 302  # without htmx: the thread's last page


def test_a_reply_after_a_poll_brings_only_what_the_poll_did_not(forum, member, make_user):
    """The poll moves the reply form's `seen` along, so the reply's answer does not append
    again the replies the poll already showed (two posts with one id)."""
    author = make_user()
    thread = forum.thread(author)
    subscriber, _ = member()
    data = reply_data(subscriber, thread)
    forum_service_reply(author, thread)
    polled = text(subscriber.get(f"/forum/threads/{thread.id}/new-posts?after=1", headers=HX))
    seen = re.search(r'<input id="seen" name="seen" type="hidden" value="(\d+)"', polled)
    assert seen and 'data-hx-swap-oob="true"' in polled
    data["seen"] = seen.group(1)
    body = text(subscriber.post(f"/forum/threads/{thread.id}/reply", data=data, headers=HX))
    appended = body.split('data-hx-swap-oob="beforeend:#posts"')[1].split("</div>\n")[0]
    assert appended.count('class="post"') == 1 and "A helpful answer" in appended


def test_a_visitors_poll_moves_no_reply_form(client, forum, make_user):
    author = make_user()
    thread = forum.thread(author)
    forum_service_reply(author, thread)
    polled = text(client.get(f"/forum/threads/{thread.id}/new-posts?after=1", headers=HX))
    assert 'class="post"' in polled and 'id="seen"' not in polled


def test_polling_a_thread_one_may_not_read_is_not_found(client, forum, member, make_path):
    path = make_path()
    _, insider = member(Plan.PLUS, path=path)
    thread = forum.thread(insider, forum.category(path=path))
    outsider, _ = member()
    for who in (client, outsider):
        response = who.get(f"/forum/threads/{thread.id}/new-posts?after=0", headers=HX)
        assert response.status_code == 404


def test_a_reply_brings_the_replies_sent_meanwhile(forum, member, make_user):
    author = make_user()
    thread = forum.thread(author)
    subscriber, _ = member()
    data = reply_data(subscriber, thread)
    forum_service_reply(author, thread)  # someone answers while the form is open
    body = text(subscriber.post(f"/forum/threads/{thread.id}/reply", data=data, headers=HX))
    assert "Later" in body and "A helpful answer" in body
    assert body.count("data-focus-after-swap") == 1 and "after=3" in body
    assert "First post" not in body  # what the page showed already is not sent again
