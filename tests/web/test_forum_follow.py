"""Following threads and the forum's notifications (Terms §2.1a: subscribers interact
through the forum): who follows (the author of a thread or a reply, anyone who asks),
who is told of a new reply (the followers who can still read the thread, never its
author), how (the notifications page always; an email at once for those who chose it),
the notifications page's own rules (newest first, unread marked, mark read, another
member's notice is 404), and @mentions."""

import re

import pytest
from sqlalchemy import select

from app.domain.notifications import EmailChoice, NoticeKind
from app.domain.orders import Plan
from app.extensions import db
from app.models import ForumFollow, ForumNotification, ForumPost
from app.services import forum as forum_service
from app.services import messages, notifications
from tests.conftest import outbox_for, path_of

HX = {"HX-Request": "true"}


def text(response) -> str:
    return response.get_data(as_text=True)


def reply(client, thread, body="A helpful answer", headers=None):
    page = text(client.get(f"/forum/threads/{thread.id}"))
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', page).group(1)
    seen = re.search(r'name="seen" type="hidden" value="([^"]*)"', page).group(1)
    return client.post(
        f"/forum/threads/{thread.id}/reply",
        data={"body": body, "token": token, "page": "1", "seen": seen},
        headers=headers or {},
    )


def choose(user, choice: EmailChoice, name: str | None = None):
    profile = forum_service.profile_of(user)
    profile.email_choice = choice
    if name:
        profile.display_name, profile.name_key = name, name.casefold()
    db.session.commit()


def notices_of(user) -> list[ForumNotification]:
    return list(
        db.session.scalars(
            select(ForumNotification)
            .where(ForumNotification.user_id == user.id)
            .order_by(ForumNotification.id)
        )
    )


def forum_mail(user) -> list:
    return [m for m in outbox_for(user.email) if "forum" in m.text_body.lower()]


# --- following ------------------------------------------------------------------------------


def test_starting_a_thread_or_replying_follows_it_and_the_page_says_so(forum, member):
    author_client, author = member()
    category = forum.category()
    response = author_client.post(
        f"/forum/{category.slug}/new",
        data={"title": "Loops", "body": "How?"},
        follow_redirects=True,
    )
    assert "You follow this thread" in text(response)
    assert "Stop following this thread" in text(response)
    thread_id = db.session.scalar(select(ForumPost.thread_id))
    replier_client, replier = member()
    thread = forum_service.thread(thread_id)
    assert "Follow this thread" in text(replier_client.get(f"/forum/threads/{thread.id}"))
    reply(replier_client, thread)
    db.session.expire_all()
    assert notifications.follows(author, thread) and notifications.follows(replier, thread)
    assert "Stop following this thread" in text(replier_client.get(f"/forum/threads/{thread.id}"))


def test_follow_and_unfollow_without_javascript(forum, member, make_user):
    thread = forum.thread(make_user())
    client, user = member(plan=None)  # reading is open: following too, once signed in
    response = client.post(f"/forum/threads/{thread.id}/follow")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/forum/threads/{thread.id}"
    )
    page = text(client.get(f"/forum/threads/{thread.id}"))
    assert "You follow this thread" in page and "Stop following this thread" in page
    client.post(f"/forum/threads/{thread.id}/follow")
    page = text(client.get(f"/forum/threads/{thread.id}"))
    assert "You no longer follow this thread." in page
    assert not notifications.follows(user, thread)


def test_follow_with_htmx_swaps_the_button_and_announces_it(forum, member, make_user):
    thread = forum.thread(make_user())
    client, _ = member()
    response = client.post(f"/forum/threads/{thread.id}/follow", headers=HX)
    body = text(response)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    assert body.lstrip().startswith('<form id="follow-form"')
    assert 'id="follow-button"' in body and "Stop following this thread" in body
    assert 'data-hx-swap-oob="innerHTML:#flash"' in body and "You follow this thread" in body
    body = text(client.post(f"/forum/threads/{thread.id}/follow", headers=HX))
    assert "Follow this thread" in body and "You no longer follow this thread." in body


def test_a_reply_with_htmx_also_updates_the_follow_button(forum, member, make_user):
    thread = forum.thread(make_user())
    client, _ = member()
    body = text(reply(client, thread, headers=HX))
    assert 'id="follow-form"' in body and 'data-hx-swap-oob="true"' in body
    assert "Stop following this thread" in body


def test_visitors_and_outsiders_cannot_follow(client, forum, member, make_user, make_path):
    category = forum.category(path=make_path())
    thread = forum.thread(make_user(), category)
    assert client.post(f"/forum/threads/{thread.id}/follow").status_code == 302  # sign in
    outsider, user = member(Plan.SOLO)
    assert outsider.post(f"/forum/threads/{thread.id}/follow").status_code == 404
    assert not notifications.follows(user, thread)


# --- who is told of a reply -----------------------------------------------------------------


def test_followers_are_told_of_replies_by_others_never_of_their_own(forum, member):
    author_client, author = member()
    thread = forum.thread(author)
    notifications.follow(author, thread)
    db.session.commit()
    replier_client, replier = member()
    reply(replier_client, thread, "First reply")
    assert [n.kind for n in notices_of(author)] == [NoticeKind.REPLY]
    assert notices_of(replier) == []  # the replier's own post
    reply(author_client, thread, "Thanks")
    assert len(notices_of(replier)) == 1  # the replier follows now, the author does not
    assert len(notices_of(author)) == 1


def test_a_double_submitted_reply_tells_once(forum, member):
    _, author = member()
    thread = forum.thread(author)
    notifications.follow(author, thread)
    db.session.commit()
    client, _ = member()
    page = text(client.get(f"/forum/threads/{thread.id}"))
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', page).group(1)
    data = {"body": "Once", "token": token, "page": "1", "seen": "1"}
    client.post(f"/forum/threads/{thread.id}/reply", data=data)
    client.post(f"/forum/threads/{thread.id}/reply", data=data)
    assert len(notices_of(author)) == 1


def test_a_follower_who_lost_access_to_a_path_category_is_told_nothing(forum, member, make_path):
    path = make_path()
    category = forum.category(path=path)
    insider_client, insider = member(Plan.PLUS, path=path)
    thread = forum.thread(insider, category)
    _, former = member(Plan.SOLO)  # followed while a member of the path, say; no longer
    notifications.follow(former, thread)
    _, still = member(Plan.PLUS, path=path)
    notifications.follow(still, thread)
    choose(former, EmailChoice.IMMEDIATE)
    reply(insider_client, thread)
    assert notices_of(former) == [] and forum_mail(former) == []
    assert len(notices_of(still)) == 1


def test_unfollowing_stops_the_notices(forum, member):
    author_client, author = member()
    thread = forum.thread(author)
    notifications.follow(author, thread)
    db.session.commit()
    author_client.post(f"/forum/threads/{thread.id}/follow")  # stop following
    client, _ = member()
    reply(client, thread)
    assert notices_of(author) == []


# --- email, per the member's choice ---------------------------------------------------------


@pytest.mark.parametrize(
    ("choice", "emails"),
    [(EmailChoice.IMMEDIATE, 1), (EmailChoice.DAILY, 0), (EmailChoice.NONE, 0)],
)
def test_an_email_at_once_only_for_those_who_chose_it(forum, member, choice, emails):
    _author_client, author = member()
    thread = forum.thread(author)
    notifications.follow(author, thread)
    choose(author, choice)
    client, _ = member()
    reply(client, thread)
    assert len(notices_of(author)) == 1  # in the site, always
    assert len(forum_mail(author)) == emails


def test_the_immediate_email_is_in_the_members_language_with_a_link_to_the_first_unread(
    forum, member
):
    author_client, author = member(locale="fr")
    thread = forum.thread(author, title="Les boucles")
    notifications.follow(author, thread)
    choose(author, EmailChoice.IMMEDIATE)
    client, _ = member()
    reply(client, thread)
    (message,) = forum_mail(author)
    assert "Les boucles" in message.subject and "Nouvelle réponse" in message.subject
    assert "a répondu" in message.text_body
    link = path_of(re.search(r"https?://\S+", message.text_body).group(0))
    assert link == f"/forum/threads/{thread.id}/unread"
    landing = author_client.get(link)
    assert landing.headers["Location"].endswith(f"#post-{thread_posts(thread)[1].id}")


def thread_posts(thread) -> list[ForumPost]:
    return list(
        db.session.scalars(
            select(ForumPost).where(ForumPost.thread_id == thread.id).order_by(ForumPost.position)
        )
    )


# --- the notifications page -----------------------------------------------------------------


def test_the_page_lists_newest_first_marks_unread_and_links_to_the_post(forum, member):
    author_client, author = member()
    first = forum.thread(author, title="First thread")
    second = forum.thread(author, title="Second thread")
    for thread in (first, second):
        notifications.follow(author, thread)
    db.session.commit()
    client, _ = member()
    reply(client, first)
    reply(client, second)
    page = text(author_client.get("/notifications/"))
    assert page.index("Second thread") < page.index("First thread")
    assert page.count('class="tag">Not read yet') == 2
    for thread in (first, second):
        assert f'href="/forum/posts/{thread_posts(thread)[1].id}"' in page
    response = author_client.get("/notifications/")
    assert response.headers["Cache-Control"] == "private, no-store"


def test_mark_one_and_all_read(forum, member):
    author_client, author = member()
    threads = [forum.thread(author, title=f"Thread {n}") for n in range(3)]
    for thread in threads:
        notifications.follow(author, thread)
    db.session.commit()
    client, _ = member()
    for thread in threads:
        reply(client, thread)
    first, *_ = notices_of(author)
    response = author_client.post(f"/notifications/{first.id}/read")
    assert response.status_code == 302
    db.session.expire_all()
    assert [n.read_at is not None for n in notices_of(author)] == [True, False, False]
    author_client.post("/notifications/read-all")
    db.session.expire_all()
    assert all(n.read_at is not None for n in notices_of(author))
    assert "Not read yet" not in text(author_client.get("/notifications/"))


def test_reading_the_thread_marks_its_notices_read(forum, member):
    author_client, author = member()
    thread = forum.thread(author)
    notifications.follow(author, thread)
    db.session.commit()
    client, _ = member()
    reply(client, thread)
    page = text(author_client.get(f"/forum/threads/{thread.id}"))
    db.session.expire_all()
    assert notices_of(author)[0].read_at is not None
    # The header of that same page counts after marking them read (it is asked once,
    # before, to know whether there is anything to mark, app/blueprints/forum/views.py).
    assert "No unread notifications" in page
    assert "1 unread notification" not in page


def test_reading_another_thread_keeps_the_notice_unread_and_counted(forum, member):
    """Terms §2.1a (the forum): reading a thread marks only its own notices read; the
    header of that page still counts the other thread's."""
    author_client, author = member()
    followed, other = forum.thread(author), forum.thread(author)
    notifications.follow(author, followed)
    db.session.commit()
    client, _ = member()
    reply(client, followed)
    page = text(author_client.get(f"/forum/threads/{other.id}"))
    db.session.expire_all()
    assert notices_of(author)[0].read_at is None
    assert "1 unread notification" in page


def test_another_members_notification_is_not_found(forum, member):
    _owner_client, owner = member()
    thread = forum.thread(owner)
    notifications.follow(owner, thread)
    db.session.commit()
    other_client, _ = member()
    reply(other_client, thread)
    (notice,) = notices_of(owner)
    assert other_client.post(f"/notifications/{notice.id}/read").status_code == 404
    assert other_client.post("/notifications/999999/read").status_code == 404
    assert "replied in" not in text(other_client.get("/notifications/"))
    other_client.post("/notifications/read-all")  # marks the other member's own only
    db.session.expire_all()
    assert notices_of(owner)[0].read_at is None


def test_the_notifications_page_is_for_signed_in_members(client):
    assert client.get("/notifications/").status_code == 302
    assert client.post("/notifications/read-all").status_code == 302


def test_the_notifications_page_is_in_french(member):
    client, _ = member(locale="fr")
    page = text(client.get("/notifications/", headers={"Accept-Language": "fr"}))
    assert "Vous n'avez encore aucune notification" in page.replace("&#39;", "'")


# --- @mentions --------------------------------------------------------------------------------


def test_a_mention_notifies_the_member_and_shows_as_styled_text(forum, member):
    _, ann = member()
    choose(ann, EmailChoice.IMMEDIATE, name="Ann")
    thread = forum.thread(ann)
    unfollow_all(ann)
    client, _ = member()
    reply(client, thread, "Ask @ann, or @nobody-here.")
    (notice,) = notices_of(ann)
    assert notice.kind is NoticeKind.MENTION
    page = text(client.get(f"/forum/threads/{thread.id}"))
    assert '<span class="mention">@ann</span>' in page
    assert "@nobody-here" in page and '<span class="mention">@nobody-here' not in page
    (message,) = forum_mail(ann)
    assert "mentioned you" in message.text_body
    assert path_of(re.search(r"https?://\S+", message.text_body).group(0)) == (
        f"/forum/posts/{notice.post_id}"
    )


def unfollow_all(user):
    db.session.execute(ForumFollow.__table__.delete().where(ForumFollow.user_id == user.id))
    db.session.commit()


def test_a_mention_of_a_follower_is_one_notice(forum, member):
    _, ann = member()
    choose(ann, EmailChoice.DAILY, name="Ann")
    thread = forum.thread(ann)
    client, _ = member()
    reply(client, thread, "@Ann: see above")
    assert [n.kind for n in notices_of(ann)] == [NoticeKind.MENTION]


def test_mentions_in_code_or_links_oneself_or_outsiders_notify_nobody(forum, member, make_path):
    _, ann = member()
    choose(ann, EmailChoice.NONE, name="Ann")
    client, bob = member()
    choose(bob, EmailChoice.NONE, name="Bob")
    thread = forum.thread(bob)
    reply(
        client, thread, "`@ann` and\n\n```\n@ann\n```\n\n[@ann](https://example.org) and me, @bob"
    )
    assert notices_of(ann) == [] and notices_of(bob) == []
    path_thread = forum.thread(
        member(Plan.PLUS, path=(path := make_path()))[1], forum.category(path=path)
    )
    insider, _ = member(Plan.PLUS, path=path)
    reply(insider, path_thread, "Hello @ann")  # Ann cannot read this category
    assert notices_of(ann) == []


def test_editing_a_post_does_not_notify_again_but_tells_new_mentions(forum, member):
    _, ann = member()
    choose(ann, EmailChoice.IMMEDIATE, name="Ann")
    _, cleo = member()
    choose(cleo, EmailChoice.NONE, name="Cleo")
    client, bob = member()
    thread = forum.thread(bob)
    reply(client, thread, "Hi @ann")
    post = thread_posts(thread)[1]
    client.post(f"/forum/posts/{post.id}/edit", data={"body": "Hi @ann and @cleo, edited"})
    assert len(notices_of(ann)) == 1 and len(forum_mail(ann)) == 1
    assert len(notices_of(cleo)) == 1
    page = text(client.get(f"/forum/threads/{thread.id}"))
    assert '<span class="mention">@cleo</span>' in page


def test_at_most_ten_members_are_told_of_one_post(forum, member):
    names = [f"reader{n:02d}" for n in range(12)]
    readers = []
    for name in names:
        _, reader = member(plan=None)
        choose(reader, EmailChoice.NONE, name=name)
        readers.append(reader)
    client, bob = member()
    thread = forum.thread(bob)
    reply(client, thread, " ".join(f"@{name}" for name in names))
    told = [bool(notices_of(reader)) for reader in readers]
    assert told == [True] * 10 + [False] * 2


def test_the_headers_count_is_each_members_own_and_never_cached(client, forum, member):
    owner_client, owner = member()
    thread = forum.thread(owner)
    notifications.follow(owner, thread)
    db.session.commit()
    other_client, _ = member()
    reply(other_client, thread)
    owner_page = owner_client.get("/forum/")
    other_page = other_client.get("/forum/")
    assert "1 unread notification<" in text(owner_page)
    assert "No unread notifications" in text(other_page)
    assert "1 unread notification" not in text(other_page)
    for response in (owner_page, other_page):
        assert response.headers["Cache-Control"] == "private, no-store"
    assert "unread notification" not in text(client.get("/forum/"))  # a visitor: none
    owner_client.post("/notifications/read-all")
    assert "No unread notifications" in text(owner_client.get("/forum/"))


def test_follow_and_mark_read_need_the_csrf_token(make_app, forum, make_user):
    from tests.conftest import sign_in

    app = make_app(WTF_CSRF_ENABLED=True)
    user = make_user()
    thread = forum.thread(make_user())
    client = app.test_client()
    page = client.get("/signin").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    sign_in(client, user.email, user.password, csrf_token=token)
    assert client.post(f"/forum/threads/{thread.id}/follow").status_code == 400
    assert client.post("/notifications/read-all").status_code == 400
    assert not notifications.follows(user, thread)
    page = client.get(f"/forum/threads/{thread.id}").get_data(as_text=True)
    form = page[page.index('<form id="follow-form"') :]
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    assert (
        client.post(f"/forum/threads/{thread.id}/follow", data={"csrf_token": token}).status_code
        == 302
    )
    assert notifications.follows(user, thread)


def test_a_member_who_blocked_the_author_is_not_told(forum, member):
    _, ann = member()
    choose(ann, EmailChoice.IMMEDIATE, name="Ann")
    thread = forum.thread(ann)
    notifications.follow(ann, thread)
    db.session.commit()
    client, bob = member()
    messages.block(ann, bob.id)  # as Block, in a conversation with Bob, does
    db.session.commit()
    reply(client, thread, "Hello @ann")
    assert notices_of(ann) == [] and forum_mail(ann) == []
