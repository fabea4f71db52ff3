"""The forum with the keyboard alone, in English and French: a subscriber starts a
thread, then replies with htmx; focus moves to the new reply and the message region
says so. The subscriber's forms, empty and sent, pass axe too.

No page.click or page.fill in the journeys (signing the subscriber in is set-up)."""

import pytest

from app.domain.orders import Plan
from app.extensions import db
from app.services import accounts
from tests.browser.checks import axe_violations, describe
from tests.browser.conftest import sign_in
from tests.browser.test_keyboard_flows import flash_text, french, tab_to, wait_for_focus
from tests.support.subscriptions import subscription


@pytest.fixture
def subscriber_page(new_context, make_learner, live_server):
    """A page signed in as a new Solo subscriber in `locale`."""

    def opener(locale: str):
        account = make_learner(locale)
        with live_server.app.test_request_context(base_url=live_server.url):
            subscription(accounts.find_by_email(account.email), Plan.SOLO)
            db.session.remove()
        # bypass_csp: for the axe script the test injects (the page itself needs nothing).
        page = new_context(locale, bypass_csp=True).new_page()
        sign_in(page, account)
        return page

    return opener


def say(locale: str, text: str, **values) -> str:
    """The page's words in `locale` (for a plural, the singular: tests say "1 ...")."""
    words = french(text) if locale == "fr" else text
    return (words[0] if isinstance(words, tuple) else words) % values


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_start_a_thread_and_reply_with_the_keyboard(subscriber_page, axe_script, locale):
    page = subscriber_page(locale)
    page.goto("/forum/help")
    tab_to(page, 'main a[href="/forum/help/new"]')
    page.keyboard.press("Enter")
    page.wait_for_url("**/forum/help/new")

    # Sent empty: the error summary takes focus, and the page passes axe.
    tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")
    wait_for_focus(page, ".error-summary")
    assert say(locale, "Enter a title.") in page.inner_text(".error-summary")
    violations = axe_violations(page, axe_script)
    assert not violations, describe(violations)

    tab_to(page, "#title")
    page.keyboard.type("Keyboard only, " + locale)
    tab_to(page, "#body")
    page.keyboard.type("Can I write **everything** without a mouse?")
    tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/forum/threads/*")
    assert say(locale, "Your thread has been started.") in flash_text(page)
    assert "everything" in page.inner_text("#posts strong")

    # The reply: appended without a reload, focused, announced.
    page.evaluate("window.notReloaded = true")
    tab_to(page, "#body")
    page.keyboard.type("Yes: Tab, type, Enter.")
    tab_to(page, "#reply button[type=submit]")
    page.keyboard.press("Enter")
    wait_for_focus(page, "#posts > li:nth-child(2) article")
    assert page.evaluate("window.notReloaded") is True
    assert "Tab, type, Enter." in page.inner_text("#posts > li:nth-child(2)")
    assert flash_text(page).strip() == say(
        locale, "Your reply has been posted (reply %(number)s).", number=1
    )
    assert page.input_value("#body") == ""
    violations = axe_violations(page, axe_script)
    assert not violations, describe(violations)
