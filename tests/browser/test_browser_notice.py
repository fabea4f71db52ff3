"""The outdated-browser notice (Terms §5) is shown by app.js from the user agent: the
server sends every browser the same page, so that shared caches can keep it."""

import pytest
from playwright.sync_api import expect

UNSUPPORTED = {
    "ie11": "Mozilla/5.0 (Windows NT 10.0; Trident/7.0; rv:11.0) like Gecko",
    "ie9": "Mozilla/5.0 (compatible; MSIE 9.0; Windows NT 6.1; Trident/5.0)",
    "opera-mini": "Opera/9.80 (J2ME/MIDP; Opera Mini/9.80 (S60; SymbOS; Opera Mobi/23.348; U; en) Presto/2.5.25 Version/10.54",
    "ios-12": "Mozilla/5.0 (iPhone; CPU iPhone OS 12_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/12.1 Mobile/15E148 Safari/604.1",
    "ios-11-chrome": "Mozilla/5.0 (iPad; CPU OS 11_4 like Mac OS X) AppleWebKit/604.1.34 (KHTML, like Gecko) CriOS/67.0.3396.87 Mobile/15F79 Safari/604.1",
}
SUPPORTED = {
    "ios-13": "Mozilla/5.0 (iPhone; CPU iPhone OS 13_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1 Mobile/15E148 Safari/604.1",
    "ipados-17": "Mozilla/5.0 (iPad; CPU OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
    "firefox": "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0",
}


@pytest.mark.parametrize("agent", UNSUPPORTED.values(), ids=UNSUPPORTED.keys())
def test_the_notice_shows_in_unsupported_browsers(new_context, agent):
    page = new_context(user_agent=agent).new_page()
    page.goto("/courses")
    notice = page.get_by_role("region", name="Browser notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Your browser is no longer supported")
    notice.get_by_role("link", name="See which browsers you can use").click()
    page.wait_for_url("**/help/browsers")


@pytest.mark.parametrize("agent", [None, *SUPPORTED.values()], ids=["chromium", *SUPPORTED])
def test_the_notice_stays_hidden_in_current_browsers(new_context, agent):
    options = {"user_agent": agent} if agent else {}
    page = new_context(**options).new_page()
    page.goto("/courses")
    expect(page.locator("#outdated-browser")).to_be_hidden()
    expect(page.get_by_role("region", name="Browser notice")).to_have_count(0)


def test_the_notice_shows_in_french(new_context):
    page = new_context("fr", user_agent=UNSUPPORTED["ie11"]).new_page()
    page.goto("/")
    expect(page.locator("#outdated-browser")).to_be_visible()
    expect(page.locator("#outdated-browser")).to_contain_text("n'est plus")
