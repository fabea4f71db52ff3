"""The browser's Back button in the checkout (issue 12, point 9): it goes to the step
before, and never brings back a card number typed earlier, with JavaScript on or off."""

import pytest

from tests.browser.test_checkout import (
    create_account_in_flow,
    details_step,
    eligibility_step,
    expect_step,
    payment_step,
    press_enter_on,
    start_solo,
    type_into,
    unique_email,
)

CARD_FIELDS = ("#card_number", "#card_expiry", "#card_cvc")


def sign_in(page, learner) -> None:
    page.goto("/signin")
    type_into(page, "#email", learner.email)
    type_into(page, "#password", learner.password)
    page.keyboard.press("Enter")
    page.wait_for_url("**/account")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_back_from_eligibility_goes_to_the_account_step(new_context, make_learner, javascript):
    page = new_context(java_script_enabled=javascript).new_page()
    start_solo(page)
    expect_step(page, "account", "Account")
    learner = make_learner()
    # Signing in from the account step (it used to send Back from Eligibility to Payment).
    press_enter_on(page, 'main a[href*="/signin"]')
    page.wait_for_url("**/signin?**")
    type_into(page, "#email", learner.email)
    type_into(page, "#password", learner.password)
    page.keyboard.press("Enter")
    eligibility_step(page)
    details_step(page)
    expect_step(page, "payment", "Payment method")
    page.go_back()
    expect_step(page, "details", "Your details")
    page.go_back()
    expect_step(page, "eligibility", "Eligibility")
    page.go_back()
    expect_step(page, "account", "Account")
    assert "You are signed in as" in page.inner_text("main")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_back_from_details_goes_to_the_account_just_made(new_context, javascript):
    page = new_context(java_script_enabled=javascript).new_page()
    start_solo(page)
    expect_step(page, "account", "Account")
    # Made here, the account's date of birth and country answer Eligibility (point 6).
    create_account_in_flow(page, unique_email("back"))
    details_step(page)
    expect_step(page, "payment", "Payment method")
    page.go_back()
    expect_step(page, "details", "Your details")
    page.go_back()
    expect_step(page, "account", "Account")
    assert "You are signed in as Kim Keyboard" in page.inner_text("main")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_back_from_review_leaves_the_card_fields_empty(new_context, make_learner, javascript):
    page = new_context(java_script_enabled=javascript).new_page()
    sign_in(page, make_learner())
    start_solo(page)
    eligibility_step(page)
    details_step(page)
    payment_step(page)
    expect_step(page, "review", "Check and confirm")
    page.go_back()
    expect_step(page, "payment", "Payment method")
    page.wait_for_timeout(300)  # a restoring browser fills the fields just after load
    assert {field: page.input_value(field) for field in CARD_FIELDS} == dict.fromkeys(
        CARD_FIELDS, ""
    )
