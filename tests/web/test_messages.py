"""Private messages (Terms §2.1a: subscribers interact through private messages):
conversations for their participants only (404 to anyone else, on every route), unread
counts and the header's badge (never shared between members), blocking, leaving, the
hourly limit on new conversations, double submits and hostile text."""

import re
from datetime import timedelta

import lxml.html
import pytest
from sqlalchemy import func, select

from app import clock
from app.extensions import db
from app.models import Conversation, Message
from app.services import forum as forum_service
from app.services import messages as messages_service
from tests.conftest import without_title
from tests.web.test_forum_hostile import assert_inert, body_html

HX = {"HX-Request": "true"}


def text(response) -> str:
    return response.get_data(as_text=True)


def name_of(user) -> str:
    name = forum_service.profile_of(user).display_name
    db.session.commit()
    return name


def start(client, *to, subject="Hello", body="Hi there"):
    return client.post(
        "/messages/new", data={"to": ", ".join(to), "subject": subject, "body": body}
    )


@pytest.fixture
def pair(member):
    """(ana client, ana, bob client, bob, conversation) — Ana wrote to Bob."""
    ana_client, ana = member()
    bob_client, bob = member(plan=None)  # anyone in a conversation may answer
    response = start(ana_client, name_of(bob))
    assert response.status_code == 302, text(response)
    conv = db.session.scalar(select(Conversation))
    return ana_client, ana, bob_client, bob, conv


def test_a_subscriber_starts_a_conversation_and_the_other_reads_and_answers(pair):
    ana_client, _ana, bob_client, _bob, conv = pair
    listing = text(bob_client.get("/messages/"))
    assert "Hello" in listing and "1 unread" in listing
    page = bob_client.get(f"/messages/{conv.id}")
    assert page.status_code == 200 and "Hi there" in text(page)
    assert page.headers["Cache-Control"] == "private, no-store"
    assert "1 unread" not in text(bob_client.get("/messages/"))
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', text(page)).group(1)
    answer = bob_client.post(f"/messages/{conv.id}/reply", data={"body": "Hi Ana", "token": token})
    assert answer.status_code == 302
    again = bob_client.post(f"/messages/{conv.id}/reply", data={"body": "Hi Ana", "token": token})
    assert again.status_code == 302
    assert db.session.scalar(select(func.count(Message.id))) == 2
    assert "Hi Ana" in text(ana_client.get(f"/messages/{conv.id}"))


def test_a_conversation_with_several_members(member):
    ana_client, _ = member()
    _, bob = member()
    _, carl = member()
    assert start(ana_client, name_of(bob), "@" + name_of(carl).upper()).status_code == 302
    conv = db.session.scalar(select(Conversation))
    assert len(conv.members) == 3


def test_the_conversations_are_listed_by_last_message(member):
    ana_client, _ = member()
    _, bob = member()
    start(ana_client, name_of(bob), subject="Older")
    start(ana_client, name_of(bob), subject="Newer")
    listing = text(ana_client.get("/messages/"))
    assert listing.index("Newer") < listing.index("Older")


def test_without_a_plan_a_member_cannot_start_one(member, make_user):
    client, _ = member(plan=None)
    other = make_user()
    assert client.get("/messages/new").status_code == 403
    response = start(client, name_of(other))
    assert response.status_code == 403 and "See the plans" in text(response)
    assert db.session.scalar(select(func.count(Conversation.id))) == 0


def test_a_visitor_is_sent_to_sign_in(client):
    for url in ("/messages/", "/messages/new", "/messages/unread", "/messages/1"):
        response = client.get(url)
        assert response.status_code == 302 and "/signin" in response.headers["Location"]


@pytest.mark.parametrize(
    ("to", "message"),
    [
        ("", "Enter the display name of at least one member"),
        ("nobody-here", "No member is called nobody-here."),
        ("SELF", "You are already in the conversation"),
    ],
)
def test_bad_recipients_are_field_errors(member, to, message):
    client, user = member()
    to = name_of(user) if to == "SELF" else to
    response = start(client, to)
    assert response.status_code == 422
    assert 'id="to-error"' in text(response) and message in text(response)
    assert db.session.scalar(select(func.count(Conversation.id))) == 0


@pytest.mark.parametrize(
    ("body", "message"), [("", "Write your message."), ("x" * 100_000, "20,000")]
)
def test_an_empty_or_huge_message_is_a_field_error(pair, body, message):
    _, _, bob_client, _, conv = pair
    response = bob_client.post(f"/messages/{conv.id}/reply", data={"body": body})
    assert response.status_code == 422 and message in text(response)


def test_new_conversations_are_limited_per_hour(app, member, make_user):
    app.config["MESSAGES_NEW_PER_HOUR"] = 2
    client, _ = member()
    other = name_of(make_user())
    assert start(client, other).status_code == 302
    assert start(client, other).status_code == 302
    refused = start(client, other)
    assert refused.status_code == 422 and "many conversations in the last hour" in text(refused)
    assert db.session.scalar(select(func.count(Conversation.id))) == 2


def test_the_hourly_limit_counts_the_last_hour_only(app, member, make_user, monkeypatch):
    app.config["MESSAGES_NEW_PER_HOUR"] = 1
    client, _ = member()
    other = name_of(make_user())
    assert start(client, other).status_code == 302
    later = clock.now() + timedelta(minutes=61)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert start(client, other).status_code == 302


def test_only_participants_reach_a_conversation_on_every_route(pair, member):
    _ana_client, _, _, _, conv = pair
    stranger, _ = member()
    for method, url, headers in [
        ("get", f"/messages/{conv.id}", {}),
        ("get", f"/messages/{conv.id}", HX),
        ("get", f"/messages/{conv.id}/leave", {}),
        ("post", f"/messages/{conv.id}/leave", {}),
        ("post", f"/messages/{conv.id}/reply", {}),
        ("post", f"/messages/{conv.id}/reply", HX),
        ("post", f"/messages/{conv.id}/block/1", {}),
        ("get", f"/messages/{conv.id}/new-messages?after=0", HX),
        ("get", f"/messages/{conv.id}/new-messages?after=0", {}),
        ("get", f"/messages/{conv.id + 1000}", {}),
    ]:
        response = getattr(stranger, method)(url, headers=headers, data={"body": "sneaky"})
        assert response.status_code == 404, (method, url, headers)
    assert db.session.scalar(select(func.count(Message.id))) == 1
    assert "Hello" not in text(stranger.get("/messages/"))


def test_a_member_who_left_no_longer_reaches_it(pair):
    ana_client, _, bob_client, _, conv = pair
    assert bob_client.post(f"/messages/{conv.id}/leave").status_code == 302
    assert bob_client.get(f"/messages/{conv.id}").status_code == 404
    assert "Hello" not in text(bob_client.get("/messages/"))
    assert ana_client.get(f"/messages/{conv.id}").status_code == 200


def test_a_blocked_member_can_no_longer_write_and_the_conversation_says_so(pair):
    ana_client, ana, bob_client, bob, conv = pair
    assert bob_client.post(f"/messages/{conv.id}/block/{ana.id}").status_code == 302
    page = text(ana_client.get(f"/messages/{conv.id}"))
    assert "blocked messages from you" in page and 'name="body"' not in page
    response = ana_client.post(f"/messages/{conv.id}/reply", data={"body": "Still there?"})
    assert response.status_code == 422
    assert "does not accept your messages" in text(response)
    assert "blocked messages from you" in text(response)
    fragment = ana_client.post(
        f"/messages/{conv.id}/reply", data={"body": "Still there?"}, headers=HX
    )
    assert fragment.status_code == 422
    assert without_title(text(fragment)).startswith('<div id="reply"')
    assert "data-error-summary" in text(fragment) and "does not accept your messages" in text(
        fragment
    )
    assert db.session.scalar(select(func.count(Message.id))) == 1
    refused = start(ana_client, name_of(bob))
    assert refused.status_code == 422 and "does not accept messages from you" in text(refused)
    # Unblocked, they can write again.
    assert "Unblock" in text(bob_client.get("/messages/"))
    bob_client.post(f"/messages/blocked/{ana.id}/unblock")
    assert start(ana_client, name_of(bob)).status_code == 302


def test_an_htmx_answer_is_appended_focused_and_announced(pair):
    _, _, bob_client, _, conv = pair
    response = bob_client.post(f"/messages/{conv.id}/reply", data={"body": "Quick one"}, headers=HX)
    body = text(response)
    assert response.status_code == 200 and body.lstrip().startswith('<div id="reply"')
    assert 'data-hx-swap-oob="beforeend:#messages"' in body and "data-focus-after-swap" in body
    assert "Your message has been sent." in body
    error = bob_client.post(f"/messages/{conv.id}/reply", data={"body": ""}, headers=HX)
    assert error.status_code == 422
    assert without_title(text(error)).startswith('<div id="reply"')


def test_the_unread_badge_is_each_members_own_and_never_cached(pair, member):
    ana_client, _, bob_client, _, conv = pair
    carl_client, _ = member()
    bob_badge = bob_client.get("/messages/unread", headers=HX)
    ana_badge = ana_client.get("/messages/unread", headers=HX)
    carl_badge = carl_client.get("/messages/unread", headers=HX)
    assert "1 unread message<" in text(bob_badge)
    assert "No unread messages" in text(ana_badge) and "No unread messages" in text(carl_badge)
    for response in (bob_badge, ana_badge, carl_badge):
        assert response.headers["Cache-Control"] == "private, no-store"
        assert "HX-Request" in response.headers["Vary"]
    # The header of every page says it too, as a polite live region with words.
    header = text(bob_client.get("/forum/"))
    assert 'id="unread-badge" class="badge" role="status"' in header
    assert "1 unread message<" in header and "shown=1" in header
    # Polling with the count already shown: nothing to swap, nothing announced again.
    assert bob_client.get("/messages/unread?shown=1", headers=HX).status_code == 204
    changed = bob_client.get("/messages/unread?shown=0", headers=HX)
    assert changed.status_code == 200 and 'data-hx-swap-oob="innerHTML"' in text(changed)
    for hostile in ("²", "\x00", "-1", "x" * 5000):
        assert bob_client.get(f"/messages/unread?shown={hostile}", headers=HX).status_code == 200
    bob_client.get(f"/messages/{conv.id}")
    assert "No unread messages" in text(bob_client.get("/messages/unread?shown=1", headers=HX))


HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[x](javascript:alert(1))",
    '<div hx-get="/account" hx-trigger="load">x</div>',
    "<svg onload=alert(1)>",
]


@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_messages_and_subjects_come_out_inert(member, make_user, payload):
    client, _ = member()
    other = name_of(make_user())
    response = start(client, other, subject=payload[:150], body=payload)
    assert response.status_code == 302
    conv = db.session.scalar(select(Conversation))
    page = text(client.get(f"/messages/{conv.id}"))
    assert_inert(body_html(page))
    main = lxml.html.fromstring(page).xpath("//main")[0]
    assert not main.xpath(".//script|.//svg|.//img|.//*[@onerror]|.//*[@hx-get]")
    assert payload[:150] in main.xpath("string(.//h1)")  # the subject, as plain text


# --- new messages by polling, in an open conversation -------------------------------------


def write(author, conv, body):
    """A message written elsewhere (another member's browser), committed."""
    made = messages_service.reply(db.session.get(Conversation, conv.id), author, body, None)
    db.session.commit()
    return made


def test_an_open_conversation_polls_for_new_messages(pair):
    _ana_client, ana, bob_client, _bob, conv = pair
    page = text(bob_client.get(f"/messages/{conv.id}"))
    first = db.session.scalar(select(Message.id))
    url = f"/messages/{conv.id}/new-messages?after={first}"
    assert url in page and "data-poll-while-visible" in page
    assert 'data-hx-trigger="every 20s"' in page
    assert f'name="seen" type="hidden" value="{first}"' in page
    assert bob_client.get(url, headers=HX).status_code == 204
    write(ana, conv, "Are you there?")
    later = write(ana, conv, "Hello again")
    assert "2 unread" in text(bob_client.get("/messages/"))
    polled = bob_client.get(url, headers=HX)
    body = text(polled)
    assert polled.status_code == 200
    assert polled.headers["Cache-Control"] == "private, no-store"
    assert "HX-Request" in polled.headers["Vary"]
    # Only what came after the last message shown, appended, and the poll moves on.
    assert body.count('class="post"') == 2 and "Hi there" not in body
    assert "Are you there?" in body and "Hello again" in body
    assert (
        f"after={later.id}" in body
        and f'id="seen" name="seen" type="hidden" value="{later.id}"' in body
    )
    name = re.escape(name_of(ana))
    assert re.search(rf"2 new messages from <bdi[^>]*>{name}</bdi>", body)
    assert "data-focus-after-swap" not in body  # never takes focus
    # Polled messages are read: the badge and the list say so.
    assert "No unread messages" in text(bob_client.get("/messages/unread", headers=HX))
    # Without htmx: the conversation itself, which shows everything.
    plain = bob_client.get(url)
    assert plain.status_code == 302 and plain.headers["Location"].endswith(f"/messages/{conv.id}")


def test_the_poll_of_a_conversation_takes_any_after(pair):
    _, _, bob_client, _, conv = pair
    for hostile in ("", "²", "-1", "x" * 5000, "\x00"):
        response = bob_client.get(f"/messages/{conv.id}/new-messages?after={hostile}", headers=HX)
        assert response.status_code == 200 and "Hi there" in text(response)


def test_opening_a_conversation_marks_it_read_and_the_poll_counts_its_own_messages_apart(
    pair, member
):
    _ana_client, _ana, bob_client, bob, conv = pair
    assert "1 unread message<" in text(bob_client.get("/messages/unread", headers=HX))
    bob_client.get(f"/messages/{conv.id}")
    assert "No unread messages" in text(bob_client.get("/messages/unread", headers=HX))
    first = db.session.scalar(select(Message.id))
    mine = write(bob, conv, "From my phone")  # Bob's own, from another tab
    body = text(bob_client.get(f"/messages/{conv.id}/new-messages?after={first}", headers=HX))
    assert "From my phone" in body and "new message" not in body
    assert f"after={mine.id}" in body


def test_messages_from_several_members_are_counted(member):
    ana_client, _ana = member()
    _, bob = member()
    _, carl = member()
    start(ana_client, name_of(bob), name_of(carl))
    conv = db.session.scalar(select(Conversation))
    first = db.session.scalar(select(Message.id))
    write(bob, conv, "Bob here")
    write(carl, conv, "Carl here")
    body = text(ana_client.get(f"/messages/{conv.id}/new-messages?after={first}", headers=HX))
    assert "2 new messages in this conversation" in body


def test_an_htmx_answer_brings_the_messages_sent_while_the_form_was_open(pair):
    _ana_client, ana, bob_client, _, conv = pair
    page = text(bob_client.get(f"/messages/{conv.id}"))
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', page).group(1)
    seen = re.search(r'name="seen" type="hidden" value="([^"]+)"', page).group(1)
    write(ana, conv, "Meanwhile")
    body = text(
        bob_client.post(
            f"/messages/{conv.id}/reply",
            data={"body": "My answer", "token": token, "seen": seen},
            headers=HX,
        )
    )
    assert "Meanwhile" in body and "My answer" in body and "Hi there" not in body
    assert body.count("data-focus-after-swap") == 1
    made = db.session.scalar(select(func.max(Message.id)))
    assert f"after={made}" in body and f'name="seen" type="hidden" value="{made}"' in body
    assert "No unread messages" in text(bob_client.get("/messages/unread", headers=HX))


def test_a_blocked_members_poll_does_not_touch_the_answer_form_they_do_not_have(pair):
    ana_client, ana, bob_client, bob, conv = pair
    bob_client.post(f"/messages/{conv.id}/block/{ana.id}")
    write(bob, conv, "Bye")
    body = text(ana_client.get(f"/messages/{conv.id}/new-messages?after=0", headers=HX))
    assert "Bye" in body and 'id="seen"' not in body


def test_the_poll_speaks_the_members_language(member):
    ana_client, _ = member(locale="fr")
    _, bob = member()
    start(ana_client, name_of(bob))
    conv = db.session.scalar(select(Conversation))
    first = db.session.scalar(select(Message.id))
    write(bob, conv, "One")
    body = text(ana_client.get(f"/messages/{conv.id}/new-messages?after={first}", headers=HX))
    assert "1 nouveau message de <bdi" in body


def test_the_conversation_list_comes_a_page_at_a_time(app, member, make_user):
    app.config["MESSAGES_NEW_PER_HOUR"] = 100
    client, _ = member()
    other = name_of(make_user())
    for n in range(27):
        start(client, other, subject=f"Topic {n:02d}")
    first = text(client.get("/messages/"))
    assert first.count('<th scope="row">') == 25
    assert "Topic 26" in first and "Topic 01" not in first
    assert 'aria-label="Pages of your conversations"' in first and 'rel="next"' in first
    second = text(client.get("/messages/?page=2"))
    assert second.count('<th scope="row">') == 2 and "Topic 00" in second
    last = text(client.get("/messages/?page=99"))  # the last page
    assert last.count('<th scope="row">') == 2 and "Topic 00" in last
    assert client.get("/messages/?page=x²").status_code == 200


def test_ids_stay_unique_with_csrf_on_however_many_forms(make_app, member, make_user):
    """One block form per member and one unblock form per blocked member: their CSRF
    fields carry no id, so the page's ids stay unique (valid HTML, WCAG 4.1.1)."""
    ana_client, ana = member()
    bob, carl = make_user(), make_user()
    start(ana_client, name_of(bob), name_of(carl))
    conv = db.session.scalar(select(Conversation))
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    page = text(client.get("/signin"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        "/signin", data={"email": ana.email, "password": ana.password, "csrf_token": token}
    )
    assert response.status_code == 302
    for url in (f"/messages/{conv.id}", "/messages/"):
        ids = lxml.html.fromstring(text(client.get(url))).xpath("//@id")
        assert len(ids) == len(set(ids)), url
    messages_service.block(ana, bob.id)
    messages_service.block(ana, carl.id)
    db.session.commit()
    listing = text(client.get("/messages/"))
    assert listing.count('name="csrf_token"') >= 3
    ids = lxml.html.fromstring(listing).xpath("//@id")
    assert len(ids) == len(set(ids))
