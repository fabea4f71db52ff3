"""The catalog in a real browser: filtering with the keyboard while the live region
announces the count, the path page's tabs with arrow keys, and Contact Us."""

import re

from playwright.sync_api import expect


def test_filter_the_catalog_with_the_keyboard(page):
    page.goto("/courses")
    count = page.locator("#result-count")
    expect(count).to_have_attribute("aria-live", "polite")
    expect(count).to_contain_text("14 results")
    page.locator("#filter-q").focus()
    page.keyboard.type("interface")
    expect(count).to_have_text(re.compile(r"^\s*2 results\s*$"))
    expect(page).to_have_url(re.compile(r"/courses\?q=interface$"))  # no empty filters
    page.keyboard.press("Tab")  # to the Level select
    expect(page.locator("#filter-level")).to_be_focused()
    page.keyboard.press("ArrowDown")  # Beginner
    expect(count).to_have_text(re.compile(r"^\s*1 result\s*$"))
    expect(page.locator("#results")).to_contain_text("Prototype interfaces with Figma")
    expect(page).to_have_url(re.compile(r"level=beginner"))
    # The back button returns to the previous results.
    page.go_back()
    expect(page).to_have_url(re.compile(r"/courses\?q=interface$"))
    expect(page.locator("#result-count")).to_have_text(re.compile(r"^\s*2 results\s*$"))
    page.go_forward()
    expect(page.locator("#result-count")).to_have_text(re.compile(r"^\s*1 result\s*$"))
    # The URL is shareable: opened afresh, it shows the same results.
    url = page.url
    page.goto(url)
    expect(page.locator("#result-count")).to_contain_text("1 result")
    expect(page.locator("#filter-level")).to_have_value("beginner")


def test_path_tabs_with_arrow_keys(page):
    page.goto("/paths/web-developer")
    tablist = page.locator("#main [role=tablist]").first
    tabs = tablist.locator("[role=tab]")
    expect(tabs).to_have_count(4)
    first, second = tabs.nth(0), tabs.nth(1)
    expect(first).to_have_attribute("aria-selected", "true")
    expect(page.locator("#programme")).to_be_hidden()
    first.focus()
    page.keyboard.press("ArrowRight")
    expect(second).to_be_focused()
    expect(second).to_have_attribute("aria-selected", "true")
    expect(first).to_have_attribute("aria-selected", "false")
    expect(first).to_have_attribute("tabindex", "-1")
    expect(page.locator("#programme")).to_be_visible()
    expect(page.locator("#overview")).to_be_hidden()
    page.keyboard.press("End")
    expect(tabs.nth(3)).to_be_focused()
    expect(page.locator("#careers")).to_be_visible()
    page.keyboard.press("ArrowRight")  # wraps to the first
    expect(first).to_be_focused()
    page.keyboard.press("ArrowLeft")
    expect(tabs.nth(3)).to_be_focused()
    page.keyboard.press("Home")
    expect(first).to_be_focused()
    expect(page.locator("#programme")).to_have_attribute("role", "tabpanel")
    expect(page.locator("#programme")).to_have_attribute("aria-labelledby", "tab-programme")
    # The tab list is named by the page's heading, not by the document's title.
    expect(tablist).to_have_attribute("aria-labelledby", "path-title")
    # Fund Your Learning Path has one way to pay today: a heading, not a tab widget of one.
    expect(page.locator("#fund [role=tablist]")).to_have_count(0)
    expect(page.get_by_role("heading", name="Monthly Subscription")).to_be_visible()
    # "Start" says what it starts, to a screen reader (its visible label stays "Start").
    start = page.get_by_role("link", name="Start Premium Plus for Web Developer")
    expect(start).to_have_text("Start")


def test_a_link_to_equipment_opens_the_overview_tab(page):
    page.goto("/paths/web-developer#equipment")
    expect(page.locator("#equipment")).to_be_visible()


def test_without_javascript_every_section_shows(new_context):
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/paths/web-developer")
    expect(page.locator("[role=tablist]")).to_have_count(0)
    for section in ("#overview", "#programme", "#conditions", "#careers", "#monthly"):
        expect(page.locator(section)).to_be_visible()


def test_submit_contact_us(page):
    page.goto("/paths/web-developer")
    page.get_by_role("link", name="Contact Us").click()
    page.get_by_role("button", name="Send").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter your full name.")
    page.get_by_label("Full name").fill("Inès Dupont")
    page.get_by_label("Email address").fill("ines@example.org")
    page.get_by_label("What is your question about?").select_option("start_dates")
    page.get_by_label("Your message").fill("When does the next cohort start?")
    page.get_by_role("button", name="Send").click()
    expect(page.locator("h1")).to_have_text("Message sent")
    expect(page.locator(".confirmation")).to_contain_text(re.compile(r"Q-\d{6}"))


def test_hear_when_an_upcoming_path_opens(page):
    """The path page links to the form's own page (so that it stays public)."""
    page.goto("/paths/cybersecurity-analyst")
    expect(page.locator("main form")).to_have_count(0)
    page.get_by_role("link", name="Hear when it opens").click()
    page.wait_for_url("**/paths/cybersecurity-analyst/notify")
    page.get_by_label("Email address").fill("someone@example.org")
    page.get_by_role("button", name="Tell me when it opens").click()
    expect(page.get_by_role("status").filter(has_text="Thank you")).to_be_visible()
