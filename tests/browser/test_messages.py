"""Private messages with the keyboard alone, in English and French: a subscriber writes
to another member, whose header badge says so in words (a polite live region, updated
by htmx polling), who reads the message and sees the badge change. The pages pass axe.

No page.click or page.fill in the journey (signing in is set-up)."""

import re

import pytest

from app.domain.orders import Plan
from app.extensions import db
from app.services import accounts, forum
from tests.browser.checks import axe_violations, describe
from tests.browser.conftest import sign_in
from tests.browser.test_forum import say
from tests.browser.test_keyboard_flows import flash_text, tab_to
from tests.support.subscriptions import subscription


@pytest.fixture
def signed_in(new_context, make_learner, live_server):
    """signed_in(locale, subscribed) -> (page, display name)."""

    def opener(locale: str, subscribed: bool):
        account = make_learner(locale)
        with live_server.app.test_request_context(base_url=live_server.url):
            user = accounts.find_by_email(account.email)
            if subscribed:
                subscription(user, Plan.SOLO)
            name = forum.profile_of(user).display_name
            db.session.commit()
            db.session.remove()
        page = new_context(locale, bypass_csp=True).new_page()
        sign_in(page, account)
        return page, name

    return opener


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_send_and_read_a_message_with_the_badge_changing(
    signed_in, axe_script, live_server, monkeypatch, locale
):
    # The badge polls every second here (30 on the site), so the test need not wait.
    monkeypatch.setitem(live_server.app.config, "MESSAGES_POLL_SECONDS", 1)
    sender, _ = signed_in(locale, subscribed=True)
    reader, reader_name = signed_in(locale, subscribed=False)
    no_unread = say(locale, "No unread messages")
    assert reader.inner_text("#unread-badge").strip() == no_unread

    sender.goto("/messages/")
    tab_to(sender, 'main a[href="/messages/new"]')
    sender.keyboard.press("Enter")
    sender.wait_for_url("**/messages/new")
    tab_to(sender, "#to")
    sender.keyboard.type(reader_name)
    tab_to(sender, "#subject")
    sender.keyboard.type("Study group?")
    tab_to(sender, "#body")
    sender.keyboard.type("Shall we revise together on Friday?")
    tab_to(sender, "main form button[type=submit]")
    sender.keyboard.press("Enter")
    sender.wait_for_url(re.compile(r"/messages/\d+$"))
    assert say(locale, "Your message has been sent.") in flash_text(sender)
    violations = axe_violations(sender, axe_script)
    assert not violations, describe(violations)

    # The reader's badge changes by polling, without a reload: the live region's words.
    reader.evaluate("window.notReloaded = true")
    one_unread = say(locale, "%(num)d unread message", num=1)
    reader.wait_for_function(
        "(t) => document.getElementById('unread-badge').innerText.includes(t)", arg=one_unread
    )
    assert reader.evaluate("window.notReloaded") is True
    assert reader.get_attribute("#unread-badge", "role") == "status"

    tab_to(reader, 'header a[href="/messages/"]')
    reader.keyboard.press("Enter")
    reader.wait_for_url("**/messages/")
    tab_to(reader, "main table a")
    reader.keyboard.press("Enter")
    reader.wait_for_url(re.compile(r"/messages/\d+$"))
    assert "Friday" in reader.inner_text("#messages")
    assert reader.inner_text("#unread-badge").strip() == no_unread
    violations = axe_violations(reader, axe_script)
    assert not violations, describe(violations)
