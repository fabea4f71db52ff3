"""The main journeys with the keyboard alone: Tab to move, type, Enter and Space.

No page.click or page.fill here; page.goto only to open a starting page or to read
the development outbox, as a person would open their mailbox.
"""

import re
from functools import cache

import pytest
from babel.messages.pofile import read_po

from tests.browser.conftest import LEARNERS, ROOT

FOCUSED_MATCHES = (
    "(selector) => !!document.activeElement && document.activeElement.matches(selector)"
)
DESCRIBE_FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return "body";
  const text = (el.innerText || el.value || "").trim().slice(0, 30);
  return el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + (el.className && typeof el.className === "string" ? "." + el.className.split(" ").join(".") : "")
    + (text ? ` "${text}"` : "");
}"""
FRENCH_CATALOGUE = ROOT / "app" / "translations" / "fr" / "LC_MESSAGES" / "messages.po"


def tab_to(page, selector: str, max_presses: int = 60) -> None:
    """Press Tab until the focused element matches `selector` (CSS)."""
    visited = []
    for _ in range(max_presses):
        if page.evaluate(FOCUSED_MATCHES, selector):
            return
        page.keyboard.press("Tab")
        visited.append(page.evaluate(DESCRIBE_FOCUSED))
    if page.evaluate(FOCUSED_MATCHES, selector):
        return
    raise AssertionError(
        f"{selector!r} not reached after {max_presses} Tab presses; focus went through: "
        + " -> ".join(visited)
    )


def focused_matches(page, selector: str) -> bool:
    return page.evaluate(FOCUSED_MATCHES, selector)


FOCUS_STATE = """() => ({
  url: location.href, readyState: document.readyState, hasFocus: document.hasFocus(),
  visibility: document.visibilityState, autofocus: document.querySelectorAll("[autofocus]").length,
})"""


def wait_for_focus(page, selector: str) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError  # optional package

    try:
        page.wait_for_function(
            "(s) => !!document.activeElement && document.activeElement.matches(s)", arg=selector
        )
    except PlaywrightTimeoutError:
        # Say where the focus is and what the document was doing, so that a failure in CI
        # tells a focus bug from a page that was never rendered.
        raise AssertionError(
            f"focus never reached {selector!r}; it is on {page.evaluate(DESCRIBE_FOCUSED)}, "
            f"{page.evaluate(FOCUS_STATE)}"
        ) from None


def flash_text(page) -> str:
    return page.inner_text("#flash")


@cache
def french_catalogue():
    with FRENCH_CATALOGUE.open("rb") as handle:
        return read_po(handle, locale="fr")


def french(msgid: str) -> str:
    """The French translation of `msgid`, as the catalogue has it."""
    message = french_catalogue().get(msgid)
    assert message and message.string, f"{msgid!r} has no French translation in the catalogue"
    return message.string


# --- 1. register, confirm, sign out, sign in, change language ---------------------------


def test_register_confirm_sign_out_sign_in_and_switch_language(page, live_server):
    email = "keyboard.learner@example.org"
    password = "saffron kettle meadow"

    page.goto("/")
    tab_to(page, 'header a[href="/register"]')
    page.keyboard.press("Enter")
    page.wait_for_url("**/register")

    tab_to(page, "#name")
    page.keyboard.type("Kim Keyboard")
    tab_to(page, "#email")
    page.keyboard.type(email)
    tab_to(page, "#password")
    page.keyboard.type(password)
    # Three labelled boxes, day, month, year: Tab goes from one to the next.
    tab_to(page, "#date_of_birth-day")
    page.keyboard.type("17")
    page.keyboard.press("Tab")
    page.keyboard.type("5")
    page.keyboard.press("Tab")
    page.keyboard.type("1990")
    assert page.input_value("#date_of_birth-year") == "1990"
    tab_to(page, "#country")
    page.keyboard.type("France")  # type-ahead selects the option
    assert page.input_value("#country") == "FR"
    tab_to(page, "#legal_protection-0")  # Tab enters the radio group on its first radio
    page.keyboard.press("Space")
    assert page.is_checked("#legal_protection-0")  # "No"
    tab_to(page, "#register-form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/account")
    assert "Your account has been created" in flash_text(page)
    assert "not confirmed yet" in page.inner_text("main")

    # Read the confirmation email in the development outbox.
    page.goto("/dev/outbox")
    message_link = page.locator("tr", has_text=email).get_by_role("link")
    assert message_link.count() == 1
    page.goto(message_link.get_attribute("href"))
    tab_to(page, "pre.email-text a")
    assert "/verify/" in page.evaluate("document.activeElement.href")
    page.keyboard.press("Enter")
    page.wait_for_url("**/account")
    assert "Thank you, your email address is confirmed." in flash_text(page)
    assert "not confirmed yet" not in page.inner_text("main")

    tab_to(page, 'header form[action="/signout"] button')
    page.keyboard.press("Enter")
    page.wait_for_url(live_server("/"))
    assert "You have signed out." in flash_text(page)

    tab_to(page, 'header a[href="/signin"]')
    page.keyboard.press("Enter")
    page.wait_for_url("**/signin")
    tab_to(page, "#email")
    page.keyboard.type(email)
    tab_to(page, "#password")
    page.keyboard.type(password)
    tab_to(page, "#signin-form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/account")
    assert page.inner_text("h1") == "My profile"
    assert page.get_attribute("html", "lang") == "en"

    tab_to(page, '.language-switch button[value="fr"]')
    page.keyboard.press("Enter")
    page.wait_for_function("document.documentElement.lang === 'fr'")
    assert page.url.startswith(live_server("/account"))
    assert page.inner_text(".language-current") == "Français"
    assert page.locator('.language-switch button[value="en"]').inner_text() == "English"
    assert page.inner_text("h1") == french("My profile")


@pytest.mark.parametrize("who", ["anonymous", "learner"])
def test_french_text_after_keyboard_switch(new_context, learner_states, live_server, who):
    path, strings = {
        "anonymous": ("/", ["Skip to main content", "Learn a trade, one project at a time"]),
        "learner": ("/account", ["Skip to main content", "My profile", "Sign out"]),
    }[who]
    state = learner_states["switch"] if who == "learner" else None
    page = new_context(storage_state=state).new_page()
    page.goto(path)
    tab_to(page, '.language-switch button[value="fr"]')
    page.keyboard.press("Enter")
    page.wait_for_function("document.documentElement.lang === 'fr'")
    assert page.url.startswith(live_server(path)), "the switch must come back to the same page"
    text = page.evaluate("document.body.textContent")
    for msgid in strings:
        assert french(msgid) in text, f"{msgid!r} should read {french(msgid)!r} in French"


# --- 2. a failed sign-in -------------------------------------------------------------------


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])
def test_failed_sign_in_moves_focus_to_the_error_summary(new_context, javascript):
    page = new_context(java_script_enabled=javascript).new_page()
    page.goto("/signin")
    tab_to(page, "#email")
    page.keyboard.type(LEARNERS["en"].email)
    tab_to(page, "#password")
    page.keyboard.type("not the right password")
    page.keyboard.press("Enter")  # submits the form from the password field

    summary = page.wait_for_selector(".error-summary")
    assert "The email address or password is not correct." in summary.inner_text()
    wait_for_focus(page, ".error-summary")
    assert page.title().startswith("Error:")
    # The summary links to the field; following it puts the focus in the field.
    page.keyboard.press("Tab")
    assert focused_matches(page, '.error-summary a[href="#email"]')
    page.keyboard.press("Enter")
    wait_for_focus(page, "#email")


# --- 3. the skip link ------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/register", "/help/browsers"])
def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page, path):
    page.goto(path)
    page.keyboard.press("Tab")
    assert focused_matches(page, "a.skip-link")
    box = page.locator("a.skip-link").bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0, "the focused skip link must be on screen"
    page.keyboard.press("Enter")
    wait_for_focus(page, "main#main")
    assert re.search(r"#main$", page.url)
