"""Moderation, blocking and an open conversation's polling, with the keyboard alone, in
English and French: a member reports a post with a reason and a staff member hides it
from /staff/moderation; a member blocks another from a conversation, whose next answer
is refused with the reason; an open conversation receives a new message by polling and
its message region says from whom, without moving focus. The pages pass axe.

No page.click or page.fill in the journeys (signing in and the data are set-up)."""

import re

import pytest
from sqlalchemy import select

from app.domain.orders import Plan
from app.extensions import db
from app.models import Report
from app.services import accounts, forum, messages
from tests.browser.checks import axe_violations, describe
from tests.browser.conftest import sign_in
from tests.browser.test_forum import say
from tests.browser.test_keyboard_flows import flash_text, tab_to, wait_for_focus
from tests.support.subscriptions import subscription


@pytest.fixture
def members(new_context, make_learner, live_server):
    """members(locale, subscribed) -> (page, email, display name): a new member signed in."""

    def opener(locale: str, subscribed: bool = True):
        account = make_learner(locale)
        with live_server.app.test_request_context(base_url=live_server.url):
            user = accounts.find_by_email(account.email)
            if subscribed:
                subscription(user, Plan.SOLO)
            name = forum.profile_of(user).display_name
            db.session.commit()
            db.session.remove()
        # bypass_csp: for the axe script the test injects (the page itself needs nothing).
        page = new_context(locale, bypass_csp=True).new_page()
        sign_in(page, account)
        return page, account.email, name

    return opener


def in_app(live_server, work):
    """Run `work()` against the live server's database, committed."""
    with live_server.app.test_request_context(base_url=live_server.url):
        result = work()
        db.session.commit()
        db.session.remove()
    return result


def conversation_between(live_server, sender_email: str, to_name: str, body: str) -> int:
    def work():
        sender = accounts.find_by_email(sender_email)
        return messages.start(sender, to_name, "Revision plan", body).id

    return in_app(live_server, work)


def assert_axe(page, axe_script) -> None:
    violations = axe_violations(page, axe_script)
    assert not violations, describe(violations)


# --- (a) report a post, moderate it ----------------------------------------------------


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_report_a_post_and_a_staff_member_hides_it(
    members, new_context, staff_states, live_server, axe_script, locale
):
    _, author_email, _ = members(locale)

    def start_thread():
        author = accounts.find_by_email(author_email)
        thread = forum.start_thread(
            author, forum.category_by_slug("help"), f"Heated thread {locale}", "A question"
        )
        reply = forum.reply(author, thread, "Something rude, " + locale, None)
        return thread.id, reply.id

    thread_id, post_id = in_app(live_server, start_thread)
    reader, _, _ = members(locale, subscribed=False)

    reader.goto(f"/forum/threads/{thread_id}")
    tab_to(reader, f'a[href="/forum/posts/{post_id}/report"]')
    reader.keyboard.press("Enter")
    reader.wait_for_url(f"**/forum/posts/{post_id}/report")
    tab_to(reader, "#reason")
    reader.keyboard.type("Insults towards another member")
    tab_to(reader, "main form button[type=submit]")
    reader.keyboard.press("Enter")
    reader.wait_for_url(f"**/forum/threads/{thread_id}*")
    assert say(locale, "Thank you: the moderators will look at this post.") in flash_text(reader)

    report_id = in_app(
        live_server,
        lambda: db.session.scalar(select(Report.id).where(Report.post_id == post_id)),
    )
    staff = new_context(locale, storage_state=staff_states[locale], bypass_csp=True).new_page()
    staff.goto("/staff/moderation")
    assert "Insults towards another member" in staff.inner_text("main")
    assert_axe(staff, axe_script)
    tab_to(staff, f'main a[href="/staff/moderation/reports/{report_id}"]')
    staff.keyboard.press("Enter")
    staff.wait_for_url(f"**/staff/moderation/reports/{report_id}")
    assert "Something rude" in staff.inner_text("main")
    assert_axe(staff, axe_script)
    tab_to(staff, 'input[name="action"][value="hide_post"]')
    staff.keyboard.press("Space")
    assert staff.is_checked('input[name="action"][value="hide_post"]')
    tab_to(staff, "#reason")
    staff.keyboard.type("Insults are against the Code of Conduct.")
    tab_to(staff, "main form button[type=submit]")
    staff.keyboard.press("Enter")
    staff.wait_for_url("**/staff/moderation")
    hidden = say(locale, "Hide the post")
    assert say(locale, "Done: %(action)s. The action is logged.", action=hidden) in (
        flash_text(staff)
    )
    assert "Insults are against the Code of Conduct." in staff.inner_text("main")

    # The thread shows the post hidden, to the member who reported it.
    reader.goto(f"/forum/threads/{thread_id}")
    post = reader.inner_text(f"#post-{post_id}")
    assert say(locale, "This post was hidden by a moderator.") in post
    assert "Something rude" not in post
    assert_axe(reader, axe_script)


# --- (b) block a member from a conversation --------------------------------------------


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_block_a_member_from_a_conversation(members, live_server, axe_script, locale):
    sender, sender_email, sender_name = members(locale)
    blocker, _, blocker_name = members(locale, subscribed=False)
    conv_id = conversation_between(live_server, sender_email, blocker_name, "Hello there")
    # The sender has the conversation open, its answer form ready.
    sender.goto(f"/messages/{conv_id}")
    tab_to(sender, "#body")
    sender.keyboard.type("Are you still there?")

    blocker.goto(f"/messages/{conv_id}")
    block = say(locale, "Block %(name)s", name=sender_name)
    tab_to(blocker, "main form.inline-form button")
    assert blocker.evaluate("document.activeElement.innerText") == block
    # The form posts and comes back to the same address: wait for the new page, not the URL.
    with blocker.expect_navigation():
        blocker.keyboard.press("Enter")
    assert say(locale, "%(name)s can no longer send you messages.", name=sender_name) in (
        flash_text(blocker)
    )
    assert_axe(blocker, axe_script)

    # The sender's attempt is refused with the reason, focused; the conversation says so.
    sender.evaluate("window.notReloaded = true")
    tab_to(sender, "#reply button[type=submit]")
    sender.keyboard.press("Enter")
    wait_for_focus(sender, ".error-summary")
    assert sender.evaluate("window.notReloaded") is True
    refused = say(locale, "A member of this conversation does not accept your messages.")
    assert refused in sender.inner_text(".error-summary")
    notice = say(
        locale,
        "%(names)s blocked messages from you: you can no longer write in this conversation.",
        names=blocker_name,
    )
    assert notice in sender.inner_text("#reply")
    assert sender.locator("#body").count() == 0
    assert_axe(sender, axe_script)
    sender.goto(f"/messages/{conv_id}")
    assert notice in sender.inner_text("#reply") and sender.locator("#body").count() == 0
    assert "Are you still there?" not in sender.inner_text("#messages")


# --- (c) an open conversation receives a new message by polling ------------------------


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_an_open_conversation_receives_a_new_message_by_polling(
    members, live_server, monkeypatch, axe_script, locale
):
    # The conversation polls every second here (20 on the site), so the test need not wait.
    monkeypatch.setitem(live_server.app.config, "CONVERSATION_POLL_SECONDS", 1)
    writer, writer_email, writer_name = members(locale)
    reader, _, reader_name = members(locale, subscribed=False)
    conv_id = conversation_between(live_server, writer_email, reader_name, "First message")

    reader.goto(f"/messages/{conv_id}")
    reader.evaluate("window.notReloaded = true")
    tab_to(reader, "#body")
    reader.keyboard.type("Half-written answer")

    writer.goto(f"/messages/{conv_id}")
    tab_to(writer, "#body")
    writer.keyboard.type("Did you see the new exercise?")
    tab_to(writer, "#reply button[type=submit]")
    writer.keyboard.press("Enter")
    wait_for_focus(writer, "#messages > li:nth-child(2) article")

    # The reader's page: the message joins the list, the region says from whom, and
    # focus stays in the answer being written.
    announced = say(locale, "%(num)d new message from %(name)s", num=1, name=writer_name)
    reader.wait_for_function(
        "(t) => document.getElementById('flash').innerText.includes(t)", arg=announced
    )
    assert reader.evaluate("window.notReloaded") is True
    assert reader.get_attribute("#flash", "aria-live") == "polite"
    assert "Did you see the new exercise?" in reader.inner_text("#messages > li:nth-child(2)")
    assert reader.evaluate("document.activeElement.id") == "body"
    assert reader.input_value("#body") == "Half-written answer"
    assert reader.inner_text("#unread-badge").strip() == say(locale, "No unread messages")
    assert_axe(reader, axe_script)

    # Answering now brings no copy of what the poll showed.
    tab_to(reader, "#reply button[type=submit]")
    reader.keyboard.press("Enter")
    wait_for_focus(reader, "#messages > li:nth-child(3) article")
    assert reader.locator("#messages > li").count() == 3
    assert re.search("Half-written answer", reader.inner_text("#messages > li:nth-child(3)"))

    # A poll that left before that answer and comes back after it brings the two last
    # messages again: neither is shown twice, and the focus stays on the answer.
    first_id = reader.get_attribute("#messages > li:nth-child(1) article", "id").split("-")[1]
    late_poll = re.sub(
        r"after=\d+", f"after={first_id}", reader.get_attribute("#messages-poll", "data-hx-get")
    )
    reader.evaluate(
        """(url) => new Promise((done) => {
             document.addEventListener("htmx:afterSettle", () => done(), {once: true});
             htmx.ajax("GET", url, {target: "#messages-poll", swap: "outerHTML"});
           })""",
        late_poll,
    )
    assert reader.locator("#messages > li").count() == 3
    assert (
        reader.locator("#messages article[id]").evaluate_all(
            "(items) => new Set(items.map((item) => item.id)).size"
        )
        == 3
    )
    wait_for_focus(reader, "#messages > li:nth-child(3) article")
