"""Checkout in the browser.

Keyboard only (Tab, Shift+Tab, Space, Enter, arrows and typing; page.goto only for the
starting page and for opening an emailed link): a Solo purchase with an account created
inside the flow, a Plus purchase after signing in, a 17-year-old's order accepted by
the legal representative through the outbox link, a declined card then a good one, and
a Solo purchase with JavaScript off. Then every checkout page (pages.CHECKOUT_PAGES), in
each language, through axe and the Nu HTML Checker.
"""

import itertools
from datetime import date

from tests.browser.test_keyboard_flows import focused_matches, tab_to, wait_for_focus
from tests.checkout_fixtures import (
    DECLINED_CARD,
    GOOD_CARD,
)

PASSWORD = "juniper lantern orchard"
_numbers = itertools.count(1)


def unique_email(who: str) -> str:
    return f"{who}{next(_numbers)}@example.org"


def minor_birth_date() -> str:
    """A 17-year-old (16 on 1 January): over 16, under the age of majority in France."""
    return date(date.today().year - 17, 1, 2).isoformat()


# --- keyboard helpers -------------------------------------------------------------------


def press_enter_on(page, selector: str) -> None:
    tab_to(page, selector)
    page.keyboard.press("Enter")


def type_into(page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.press("ControlOrMeta+A")  # replace what the page filled in
    page.keyboard.type(text)


def tick(page, selector: str) -> None:
    tab_to(page, selector)
    if not page.is_checked(selector):
        page.keyboard.press("Space")
    assert page.is_checked(selector)


def step_is_current(page, step: str) -> None:
    """The step indicator marks this step, and only it, with aria-current="step"."""
    current = page.locator('.progress [aria-current="step"]')
    assert current.count() == 1
    assert step in current.inner_text()


def expect_step(page, path_end: str, step: str) -> None:
    """On this step's page: marked in the step indicator, and "Error:" in the title
    exactly when the page shows an error summary (or the bank's refusal)."""
    page.wait_for_url(f"**/{path_end}")
    page.wait_for_load_state()
    step_is_current(page, step)
    errors = page.locator("[data-error-summary]").count() > 0
    assert page.title().startswith("Error:") == errors, page.title()


def expect_error_summary(page, *messages: str) -> None:
    """After an invalid submit: the summary has focus, the title starts with "Error:"."""
    summary = page.wait_for_selector(".error-summary")
    wait_for_focus(page, ".error-summary")
    page.wait_for_function("document.title.startsWith('Error:')")
    text = summary.inner_text()
    for message in messages:
        assert message in text, text


def start_solo(page) -> None:
    page.goto("/premium")
    press_enter_on(page, 'main form[action="/checkout/solo"] button')


def eligibility_step(page, born: str | None = None) -> None:
    expect_step(page, "eligibility", "Eligibility")
    if born:
        tab_to(page, "#date_of_birth")
        year, month, day = born.split("-")
        page.keyboard.type(month + day + year)  # en-US order, segment by segment
        assert page.input_value("#date_of_birth") == born
    press_enter_on(page, "main form button[type=submit]")


def details_step(page, representative: tuple[str, str] | None = None) -> None:
    expect_step(page, "details", "Your details")
    type_into(page, "#address_line1", "12 rue des Écoles")
    type_into(page, "#postal_code", "75005")
    type_into(page, "#city", "Paris")
    if representative:
        type_into(page, "#representative_name", representative[0])
        type_into(page, "#representative_email", representative[1])
    press_enter_on(page, "main form button[type=submit]")


def payment_step(page, card: str = GOOD_CARD, choose: bool = True) -> None:
    expect_step(page, "payment", "Payment method")
    if choose:
        tab_to(page, 'input[name="payment_kind"]')  # Tab enters the group on one radio
        if not focused_matches(page, "#payment_kind-0"):
            page.keyboard.press("ArrowUp")
        page.keyboard.press("Space")
        assert page.is_checked("#payment_kind-0")  # Card
    type_into(page, "#card_number", card)
    type_into(page, "#card_expiry", "04/39")
    type_into(page, "#card_cvc", "123")
    tick(page, "#holder")
    press_enter_on(page, "main form button[type=submit]")


def review_step(page, ticks: tuple[str, ...]) -> None:
    expect_step(page, "review", "Check and confirm")
    for name in ticks:
        tick(page, f"#{name}")
    press_enter_on(page, 'main form[action$="/confirm"] button[type=submit]')


def create_account_in_flow(page, email: str, name: str = "Kim Keyboard") -> None:
    step_is_current(page, "Account")
    type_into(page, "#name", name)
    type_into(page, "#email", email)
    type_into(page, "#password", PASSWORD)
    tab_to(page, "#date_of_birth")
    page.keyboard.type("05171990")
    tab_to(page, "#country")
    page.keyboard.type("France")
    tab_to(page, "#legal_protection-0")
    page.keyboard.press("Space")
    press_enter_on(page, "main form button[type=submit]")


# --- 1. Solo, with the account created inside the flow ------------------------------------


def test_solo_purchase_with_the_keyboard(page):
    start_solo(page)

    # An empty submit: htmx swaps the form, focus goes to the summary, the title says so.
    expect_step(page, "account", "Account")
    press_enter_on(page, "main form button[type=submit]")
    expect_error_summary(page, "Enter your full name.")
    step_is_current(page, "Account")
    # The summary's links lead to the fields.
    page.keyboard.press("Tab")
    assert focused_matches(page, '.error-summary a[href="#name"]')
    page.keyboard.press("Enter")
    wait_for_focus(page, "#name")

    create_account_in_flow(page, unique_email("solo"))
    eligibility_step(page)  # kept from the account just created

    # Details: an empty submit through htmx, then the answers.
    expect_step(page, "details", "Your details")
    press_enter_on(page, "main form button[type=submit]")
    expect_error_summary(page, "Enter the first line of your address.")
    details_step(page)

    payment_step(page)
    review_step(page, ("accept_terms", "immediate_access"))
    page.wait_for_url("**/done")
    assert page.inner_text("h1") == "Order confirmed"
    assert page.title().startswith("Order confirmed")
    assert "Premium Solo is active" in page.inner_text("main")


# --- 2. Plus, signing in from the account step ------------------------------------------------


def test_plus_purchase_with_the_keyboard(page, make_learner):
    learner = make_learner()
    page.goto("/premium")
    press_enter_on(page, 'main a[href="/checkout/plus"]')
    page.wait_for_url("**/checkout/plus")
    assert page.inner_text("h1") == "Choose a Learning Path"
    press_enter_on(page, 'main a[href="/paths/web-developer"]')
    page.wait_for_url("**/paths/web-developer")
    press_enter_on(page, 'main form[action="/checkout/path/web-developer"] button')

    expect_step(page, "account", "Account")
    press_enter_on(page, 'main a[href*="/signin"]')
    page.wait_for_url("**/signin?**")
    type_into(page, "#email", learner.email)
    type_into(page, "#password", learner.password)
    page.keyboard.press("Enter")

    eligibility_step(page)
    details_step(page)
    payment_step(page)

    # Review without the Code of Conduct: a plain form, the page comes back with the summary.
    expect_step(page, "review", "Check and confirm")
    assert "Web Developer" in page.inner_text("main")
    review_step(page, ("accept_terms",))
    expect_error_summary(page, "Tick the box to accept the Student Code of Conduct.")
    step_is_current(page, "Check and confirm")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    wait_for_focus(page, "#accept_code")
    page.keyboard.press("Space")
    assert page.is_checked("#accept_code") and page.is_checked("#accept_terms")
    press_enter_on(page, 'main form[action$="/confirm"] button[type=submit]')

    page.wait_for_url("**/done")
    assert page.inner_text("h1") == "Order confirmed"
    assert "reflection period" in page.inner_text("main")


# --- 3. A 17-year-old: the legal representative accepts from the email -------------------


def test_minor_order_accepted_by_the_representative(new_context, make_learner):
    learner = make_learner()
    representative = ("Sam Parent", unique_email("parent"))
    page = new_context().new_page()
    page.goto("/signin")
    type_into(page, "#email", learner.email)
    type_into(page, "#password", learner.password)
    page.keyboard.press("Enter")
    page.wait_for_url("**/account")
    start_solo(page)

    eligibility_step(page, born=minor_birth_date())
    # The representative's fields are required for a 17-year-old.
    expect_step(page, "details", "Your details")
    press_enter_on(page, "main form button[type=submit]")
    expect_error_summary(
        page,
        "Enter your legal representative's full name.",
        "Enter your legal representative's email address.",
    )
    details_step(page, representative)
    payment_step(page)
    expect_step(page, "review", "Check and confirm")
    assert representative[0] in page.inner_text("main")
    review_step(page, ("accept_terms", "immediate_access"))
    page.wait_for_url("**/done")
    assert page.inner_text("h1") == "Waiting for your legal representative"

    # The representative, in their own browser, opens the email and follows its link.
    parent = new_context().new_page()
    parent.goto("/dev/outbox")
    message = parent.locator("tr", has_text=representative[1]).get_by_role("link")
    assert message.count() == 1
    parent.goto(message.get_attribute("href"))
    press_enter_on(parent, 'pre.email-text a[href*="/checkout/consent/"]')
    parent.wait_for_url("**/checkout/consent/**")
    assert learner.name in parent.inner_text("h1")
    assert parent.input_value("#name") == representative[0]

    # Accept without ticking: a plain form (no htmx), the summary is focused on load.
    press_enter_on(parent, 'main button[value="accept"]')
    expect_error_summary(parent, "Tick the box to accept the documents")
    parent.keyboard.press("Tab")
    parent.keyboard.press("Enter")
    wait_for_focus(parent, "#agree")
    parent.keyboard.press("Space")
    assert parent.is_checked("#agree")
    press_enter_on(parent, 'main button[value="accept"]')
    parent.wait_for_selector(".panel--confirmation")
    assert "You accepted this order" in parent.inner_text("main")
    assert not parent.title().startswith("Error:")

    # The learner's page, reloaded, shows the order confirmed.
    page.reload()
    assert page.inner_text("h1") == "Order confirmed"


# --- 4. A declined card, then a good one ---------------------------------------------------


def test_declined_card_then_a_good_one(page, make_learner):
    learner = make_learner()
    page.goto("/signin")
    type_into(page, "#email", learner.email)
    type_into(page, "#password", learner.password)
    page.keyboard.press("Enter")
    page.wait_for_url("**/account")
    start_solo(page)
    eligibility_step(page)
    details_step(page)

    # A card number with a typing mistake: the error is next to the field.
    expect_step(page, "payment", "Payment method")
    payment_step(page, "4242 4242 4242 4241")
    expect_error_summary(page, "This card number is not valid.")
    assert page.get_attribute("#card_number", "aria-invalid") == "true"
    assert "card_number-error" in page.get_attribute("#card_number", "aria-describedby")

    payment_step(page, DECLINED_CARD, choose=False)
    review_step(page, ("accept_terms", "immediate_access"))
    # Back on the payment step with the bank's answer, which has the focus.
    expect_step(page, "payment", "Payment method")
    notice = page.locator(".notice--warning")
    assert "declined" in notice.inner_text()
    wait_for_focus(page, ".notice--warning")
    assert page.is_checked("#payment_kind-0")  # the answers are kept

    payment_step(page, GOOD_CARD, choose=False)
    review_step(page, ())  # the boxes ticked before are still ticked
    page.wait_for_url("**/done")
    assert page.inner_text("h1") == "Order confirmed"


# --- 5. Without JavaScript: every step is a plain form ---------------------------------------


def test_solo_purchase_without_javascript(new_context):
    page = new_context(java_script_enabled=False).new_page()
    start_solo(page)
    expect_step(page, "account", "Account")
    press_enter_on(page, "main form button[type=submit]")
    expect_error_summary(page, "Enter your full name.")
    create_account_in_flow(page, unique_email("nojs"))
    eligibility_step(page)
    expect_step(page, "details", "Your details")
    press_enter_on(page, "main form button[type=submit]")
    expect_error_summary(page, "Enter the first line of your address.")
    details_step(page)
    payment_step(page)
    review_step(page, ("accept_terms",))
    expect_error_summary(page, "Tick the box to ask for immediate access")
    review_step_ticks_kept = page.is_checked("#accept_terms")
    assert review_step_ticks_kept
    tick(page, "#immediate_access")
    press_enter_on(page, 'main form[action$="/confirm"] button[type=submit]')
    page.wait_for_url("**/done")
    assert page.inner_text("h1") == "Order confirmed"
