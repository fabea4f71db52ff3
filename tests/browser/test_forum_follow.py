"""Following a thread with the keyboard alone, in English and French: a subscriber
follows a thread (the button's label changes, focus stays on it, the message region
says so), another member replies, and the header's Notifications link leads to the
notice, which leads to the reply. The notifications page and Settings → Forum pass axe.

No page.click or page.fill in the journey (signing the subscriber in is set-up)."""

import pytest
from sqlalchemy import select

from app.domain.orders import Plan
from app.extensions import db
from app.models import ForumCategory
from app.services import accounts, notifications
from app.services import forum as forum_service
from tests.browser.checks import axe_violations, describe
from tests.browser.test_forum import say, subscriber_page  # noqa: F401 (a fixture)
from tests.browser.test_keyboard_flows import flash_text, tab_to, wait_for_focus
from tests.support.subscriptions import subscription


def other_members_thread(live_server, make_learner, title: str):
    """A thread in the help category by another subscriber, and a function that posts
    their reply to it as the forum's reply view does (the post, then who is told)."""
    writer = make_learner("en")
    with live_server.app.test_request_context(base_url=live_server.url):
        author = accounts.find_by_email(writer.email)
        subscription(author, Plan.SOLO)
        help_category = db.session.scalar(select(ForumCategory).where(ForumCategory.slug == "help"))
        thread_id = forum_service.start_thread(author, help_category, title, "Who knows?").id
        db.session.commit()
        db.session.remove()

    def reply(body: str) -> None:
        with live_server.app.test_request_context(base_url=live_server.url):
            author = accounts.find_by_email(writer.email)
            post = forum_service.reply(author, forum_service.thread(thread_id), body, None)
            notifications.post_written(post)
            db.session.commit()
            db.session.remove()

    return thread_id, reply


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_follow_a_thread_and_see_the_notification_with_the_keyboard(
    subscriber_page,  # noqa: F811 (the fixture imported above)
    make_learner,
    live_server,
    axe_script,
    locale,
):
    title = f"Follow me, {locale}"
    thread_id, reply = other_members_thread(live_server, make_learner, title)
    page = subscriber_page(locale)
    page.goto(f"/forum/threads/{thread_id}")

    # Follow: with htmx the label changes, focus stays on the button, the region says so.
    page.evaluate("window.notReloaded = true")
    tab_to(page, "#follow-button")
    assert page.inner_text("#follow-button") == say(locale, "Follow this thread")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "(label) => document.querySelector('#follow-button').innerText === label",
        arg=say(locale, "Stop following this thread"),
    )
    wait_for_focus(page, "#follow-button")
    assert page.evaluate("window.notReloaded") is True
    assert flash_text(page).strip() == say(
        locale, "You follow this thread: new replies appear in your notifications."
    )

    # Another member replies; the next page's header counts it.
    reply("I know: read the docs.")
    page.goto("/forum/")
    link = 'header a[href="/notifications/"]'
    assert say(locale, "%(num)d unread notification", num=1) in page.inner_text(link)
    tab_to(page, link)
    page.keyboard.press("Enter")
    page.wait_for_url("**/notifications/")
    notice = page.locator(".notification").first
    assert say(locale, "Not read yet") in notice.inner_text()
    assert title in notice.inner_text()
    violations = axe_violations(page, axe_script)
    assert not violations, describe(violations)

    # The notice leads to the reply, which is then read.
    tab_to(page, ".notification a[href^='/forum/posts/']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/forum/threads/{thread_id}*")
    assert "I know: read the docs." in page.inner_text("#posts")
    page.goto("/notifications/")
    assert say(locale, "Not read yet") not in page.inner_text("main")


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_forum_settings_errors_and_saving_with_the_keyboard(subscriber_page, axe_script, locale):  # noqa: F811
    page = subscriber_page(locale)
    page.goto("/account/forum")
    tab_to(page, "#display_name")
    page.keyboard.press("Control+A")
    page.keyboard.type("no spaces")
    tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")
    wait_for_focus(page, ".error-summary")
    assert say(
        locale,
        "Use only letters, digits, dots, hyphens and underscores, starting with a letter or a "
        "digit: no spaces and no invisible characters (zero-width spaces, direction marks).",
    ) in page.inner_text("#display_name-error")
    violations = axe_violations(page, axe_script)
    assert not violations, describe(violations)

    tab_to(page, "#display_name")
    page.keyboard.press("Control+A")
    page.keyboard.type(f"Keyboard.{locale}")
    tab_to(page, "#email_choice-1")  # the checked radio of the group: "daily"
    page.keyboard.press("ArrowDown")  # "No email"
    tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "(text) => document.querySelector('#flash').innerText.includes(text)",
        arg=say(locale, "Your forum settings have been saved."),
    )
    assert page.input_value("#display_name") == f"Keyboard.{locale}"
    assert page.is_checked("#email_choice-2")
