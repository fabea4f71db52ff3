"""Signing in inside the checkout with an account in French, on the English site (issue
12, point 11): the page says the site switched, in French and in English, passes axe,
and its button brings the English back, with the keyboard."""

from tests.browser.checks import axe_violations, describe
from tests.browser.test_checkout import expect_step, press_enter_on, start_solo, type_into

NOTICE = '[aria-labelledby="language-switched"]'


def test_the_switch_is_said_and_can_be_undone(new_context, make_learner, axe_script):
    page = new_context(bypass_csp=True).new_page()
    learner = make_learner(locale="fr")
    start_solo(page)
    expect_step(page, "account", "Account")
    press_enter_on(page, 'main a[href*="/signin"]')
    page.wait_for_url("**/signin?**")
    type_into(page, "#email", learner.email)
    type_into(page, "#password", learner.password)
    page.keyboard.press("Enter")
    page.wait_for_url("**/eligibility")
    assert page.get_attribute("html", "lang") == "fr"
    notice = page.locator(NOTICE)
    assert "maintenant en français" in notice.inner_text()
    assert notice.locator('p[lang="en"]').inner_text().startswith("You are signed in")
    violations = axe_violations(page, axe_script)
    assert not violations, describe(violations)
    # The same address comes back: wait for the new page, not for the URL.
    with page.expect_navigation():
        press_enter_on(page, f'{NOTICE} button[lang="en"]')
    expect_step(page, "eligibility", "Eligibility")
    assert page.get_attribute("html", "lang") == "en"
    assert page.locator(NOTICE).count() == 0
