"""The promo code's message in the browser (issue 12, point 8): a wrong code submitted,
then a good one typed in its place: the good one's message replaces the error, and the
field is no longer marked wrong."""

from tests.browser.test_checkout import (
    eligibility_step,
    expect_error_summary,
    expect_step,
    press_enter_on,
    start_solo,
    type_into,
)
from tests.browser.test_checkout_back import sign_in


def test_a_good_code_after_a_wrong_one_shows_one_message(new_context, make_learner):
    page = new_context().new_page()
    sign_in(page, make_learner())
    start_solo(page)
    eligibility_step(page)
    expect_step(page, "details", "Your details")
    type_into(page, "#address_line1", "12 rue des Écoles")
    type_into(page, "#postal_code", "75005")
    type_into(page, "#city", "Paris")
    type_into(page, "#code", "NOPE2")
    region = page.locator("#code-status")
    region.get_by_text("We do not recognise this code").wait_for()
    press_enter_on(page, "main form button[type=submit]")
    expect_error_summary(page, "We do not recognise this code")
    field = page.locator(".field", has=page.locator("#code"))
    assert field.locator(".field-error").count() == 1
    type_into(page, "#code", "WELCOME20")
    region.get_by_text("off").wait_for()
    assert "We do not recognise" not in field.inner_text()
    assert field.locator(".field-error").count() == 0
    assert page.get_attribute("#code", "aria-invalid") is None
    assert "field--error" not in (field.get_attribute("class") or "")
