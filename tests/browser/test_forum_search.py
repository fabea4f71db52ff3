"""Searching the forum with the keyboard alone, in English and French: the forum's search
box opens the results page (a plain form), where htmx then swaps the results in, keeps
the focus in the box, announces the count in the message region, and focuses the error
summary for a search without words. No page.click or page.fill in the journey.

The live server's forum holds the seeded thread "Why does my loop stop early?"."""

import pytest

from tests.browser.checks import axe_violations, describe
from tests.browser.test_forum import say
from tests.browser.test_keyboard_flows import flash_text, tab_to, wait_for_focus


def search_for(page, words: str) -> None:
    """Type `words` in the focused search box in place of what it holds, and send."""
    page.keyboard.press("Control+A")
    page.keyboard.type(words)
    page.keyboard.press("Enter")


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_search_the_forum_with_the_keyboard(new_context, axe_script, locale):
    page = new_context(locale, bypass_csp=True).new_page()
    page.goto("/forum/")
    tab_to(page, "#forum-search-q")
    search_for(page, "loop")
    page.wait_for_url("**/forum/search?q=loop")
    assert "Why does my loop stop early?" in page.inner_text("#search-results")
    assert page.locator("#search-results mark").first.inner_text().lower() == "loop"

    # With htmx: the results change under the box, which keeps the focus.
    tab_to(page, "#q")
    search_for(page, "zebra")
    page.wait_for_function(
        "(t) => document.querySelector('#flash').innerText.includes(t)",
        arg=say(locale, "No results for “%(query)s”.", query="zebra"),
    )
    wait_for_focus(page, "#q")
    assert page.url.endswith("/forum/search?q=zebra")  # the address follows
    assert say(locale, "Try fewer words, or other ones.") in page.inner_text("#search-results")

    # No words: the error summary takes the focus; the page passes axe.
    tab_to(page, "#q")
    search_for(page, "!!!")
    wait_for_focus(page, ".error-summary")
    error = say(locale, "Enter at least one word to search for (letters or digits).")
    assert error in page.inner_text(".error-summary")
    assert page.inner_text("#search-results").strip() == ""
    violations = axe_violations(page, axe_script)
    assert not violations, describe(violations)

    # Words again: the errors go, the count is announced, a result opens its thread.
    tab_to(page, "#q")
    search_for(page, "LOOP early")
    page.wait_for_function(
        "(t) => document.querySelector('#flash').innerText.includes(t)",
        arg=say(locale, "%(num)d result for “%(query)s”", num=1, query="LOOP early"),
    )
    assert page.locator(".error-summary").count() == 0
    assert flash_text(page)
    tab_to(page, "#search-results h3 a")
    page.keyboard.press("Enter")
    page.wait_for_url("**/forum/threads/*#post-*")
    assert "Why does my loop stop early?" in page.inner_text("h1")
