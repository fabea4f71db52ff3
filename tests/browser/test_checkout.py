"""Checkout in the browser.

Keyboard only (Tab, Shift+Tab, Space, Enter, arrows and typing; page.goto only for the
starting page and for opening an emailed link): a Solo purchase with an account created
inside the flow, a Plus purchase after signing in, a 17-year-old's order accepted by
the legal representative through the outbox link, a declined card then a good one, and
a Solo purchase with JavaScript off. Then every checkout page (pages.CHECKOUT_PAGES), in
each language, through axe and the Nu HTML Checker.
"""

import itertools
import re
from datetime import date

import pytest

from tests.browser.checks import axe_violations, describe, vnu_errors, vnu_report
from tests.browser.conftest import TIMEOUT_MS
from tests.browser.pages import CHECKOUT_PAGES, LOCALES
from tests.browser.test_keyboard_flows import focused_matches, tab_to, wait_for_focus
from tests.checkout_fixtures import (
    CHALLENGE_CARD,
    DECLINED_CARD,
    GOOD_CARD,
    TIMEOUT_CARD,
    hidden,
    order_id_from,
)
from tests.support.forms import date_fields

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
    """Premium → "Become Premium Solo" (a link) → the start page's Start now."""
    page.goto("/premium")
    press_enter_on(page, 'main a[href="/checkout/solo"]')
    page.wait_for_url("**/checkout/solo")
    assert page.inner_text("h1") == "Become Premium Solo"
    press_enter_on(page, 'main form[action="/checkout/solo"] button')


def type_date(page, born: str, name: str = "date_of_birth") -> None:
    """Into the three boxes, day, month and year, one Tab apart."""
    year, month, day = born.split("-")
    for part, value in (("day", day), ("month", month), ("year", year)):
        type_into(page, f"#{name}-{part}", value)


def eligibility_step(page, born: str | None = None) -> None:
    expect_step(page, "eligibility", "Eligibility")
    if born:
        type_date(page, born)
    press_enter_on(page, "main form button[type=submit]")


def details_step(
    page, representative: tuple[str, str] | None = None, code: str | None = None
) -> None:
    expect_step(page, "details", "Your details")
    type_into(page, "#address_line1", "12 rue des Écoles")
    type_into(page, "#postal_code", "75005")
    type_into(page, "#city", "Paris")
    if representative:
        type_into(page, "#representative_name", representative[0])
        type_into(page, "#representative_email", representative[1])
    if code:
        region = page.query_selector("#code-status[role=status]")
        type_into(page, "#code", code)
        # Checked as you type (htmx): the answer comes inside the live region, which
        # stays in the page (one swapped in whole is not reliably announced).
        page.wait_for_function("(el) => el.textContent.includes('off')", arg=region)
        assert code in region.inner_text() and region.evaluate("(el) => el.isConnected")
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
    type_date(page, "1990-05-17")
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

    # Its date of birth and country are the eligibility step's: on to Details.
    create_account_in_flow(page, unique_email("solo"))

    # Details: an empty submit through htmx, then the answers.
    expect_step(page, "details", "Your details")
    press_enter_on(page, "main form button[type=submit]")
    expect_error_summary(page, "Enter the first line of your address.")
    details_step(page, code="WELCOME20")

    payment_step(page)
    expect_step(page, "review", "Check and confirm")
    assert "WELCOME20" in page.locator(".summary-list").first.inner_text()
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
    press_enter_on(page, 'main a[href="/checkout/path/web-developer"]')  # Start
    page.wait_for_url("**/checkout/path/web-developer")
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

    # Review's Change link for the path: another path, the answers kept.
    expect_step(page, "review", "Check and confirm")
    assert "Web Developer" in page.inner_text("main")
    press_enter_on(page, 'main a[href$="/plan"]')
    page.wait_for_url("**/plan")
    assert page.inner_text("h1") == "Choose a Learning Path"
    press_enter_on(page, 'main form:has(input[value="data-analyst"]) button')
    expect_step(page, "review", "Check and confirm")
    assert "Data Analyst" in page.inner_text("main .summary-list")
    assert "12 rue des Écoles" in page.inner_text("main")

    # Review without the Code of Conduct: a plain form, the page comes back with the summary.
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

    # The Solo waiver is on the page, next to its own box.
    assert "section 6.1" in parent.inner_text("label[for=immediate_access]")
    # Accept without ticking: a plain form (no htmx), the summary is focused on load and
    # names each box.
    press_enter_on(parent, 'main button[value="accept"]')
    expect_error_summary(
        parent,
        f"Tick the box to accept the Terms of Service on {learner.name}'s behalf.",
        f"Tick the box to ask for immediate access on {learner.name}'s behalf",
    )
    parent.keyboard.press("Tab")
    parent.keyboard.press("Enter")
    wait_for_focus(parent, "#accept_terms")
    parent.keyboard.press("Space")
    assert parent.is_checked("#accept_terms")
    tick(parent, "#immediate_access")
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
    notice = page.locator("main .notice--warning")
    assert "declined" in notice.inner_text()
    wait_for_focus(page, "main .notice--warning")
    assert page.is_checked("#payment_kind-0")  # the answers are kept

    payment_step(page, GOOD_CARD, choose=False)
    review_step(page, ("accept_terms", "immediate_access"))
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


# --- 6. Every checkout page through axe and the Nu HTML Checker, in each language ----------

CLEAR_FORM = """(form) => {
  for (const el of form.elements) {
    if (el.type === "hidden" || el.type === "submit" || el.tagName === "BUTTON") continue;
    if (el.type === "checkbox" || el.type === "radio") el.checked = false;
    else if (el.tagName === "SELECT") el.selectedIndex = 0;
    else el.value = "";
  }
}"""


class Shopper:
    """Moves orders between the states to check, over HTTP with the context's cookies:
    set-up, not what is tested here."""

    def __init__(self, context, locale: str):
        self.request = context.request
        # As the browser would send it: an account created inside the flow takes the
        # visitor's language, and then the account's language wins.
        self.headers = {"Accept-Language": "fr-FR,fr" if locale == "fr" else "en-US,en"}

    def post(self, path: str, data: dict | None = None, status: int = 200):
        # A fresh token each time: creating an account inside the flow starts a new
        # session. From the start page: public pages carry none.
        token = hidden(self.request.get("/checkout/solo").text(), "csrf_token")
        response = self.request.post(
            path, form={"csrf_token": token, **(data or {})}, headers=self.headers
        )
        assert response.status == status, f"POST {path}: {response.status}\n{response.text()}"
        return response

    def start(self, plan: str) -> str:
        path = "/checkout/solo" if plan == "solo" else "/checkout/path/web-developer"
        return order_id_from(self.post(path).url)

    def create_account(self, order: str, locale: str) -> None:
        data = {
            "name": "Audit Buyer",
            "email": unique_email(f"audit.{locale}."),
            "password": PASSWORD,
            **date_fields("1990-05-17"),
            "country": "FR",
            "legal_protection": "no",
        }
        assert self.post(f"/checkout/{order}/account", data).url.endswith("/details")

    def eligibility(self, order: str, born: str = "1990-05-17") -> None:
        data = {**date_fields(born), "country": "FR", "legal_protection": "no"}
        self.post(f"/checkout/{order}/eligibility", data)

    def details(self, order: str, representative: tuple[str, str] | None = None) -> None:
        data = {
            "full_name": "Audit Buyer",
            "address_line1": "12 rue des Écoles",
            "postal_code": "75005",
            "city": "Paris",
            "billing_country": "FR",
            "locale": "en",
        }
        if representative:
            data["representative_name"], data["representative_email"] = representative
        assert self.post(f"/checkout/{order}/details", data).url.endswith("/payment")

    def card(self, order: str, number: str) -> None:
        data = {
            "payment_kind": "card",
            "card_number": number,
            "card_expiry": "04/39",
            "card_cvc": "123",
            "holder": "y",
        }
        assert self.post(f"/checkout/{order}/payment", data).url.endswith("/review")

    def confirm(self, order: str, *ticks: str):
        html = self.request.get(f"/checkout/{order}/review").text()
        data = {name: hidden(html, name) for name in ("figures", "versions")}
        data.update(dict.fromkeys(ticks, "y"))
        return self.post(f"/checkout/{order}/confirm", data)

    def consent_link(self, email: str) -> str:
        outbox = self.request.get("/dev/outbox").text()
        rows = [row for row in outbox.split("<tr") if email in row]
        assert len(rows) == 1, f"no single message to {email}"
        message = re.search(r'href="([^"]+)"', rows[0]).group(1)
        link = re.search(
            r"https?://[^/\s\"<]+(/checkout/consent/[^\s\"<]+)", self.request.get(message).text()
        )
        return link.group(1)


class Auditor:
    """Puts pages through axe (live, JavaScript on) and keeps their HTML, as the server
    sent it, for one run of the Nu HTML Checker."""

    def __init__(self, page, locale: str, folder, axe_script):
        self.locale, self.folder, self.axe_script = locale, folder, axe_script
        self.use(page)
        self.results: dict[str, list[dict]] = {}
        self.files: dict[str, object] = {}

    def use(self, page) -> None:
        """Check the next pages in this page (another visitor's browser)."""
        self.page, self.request = page, page.context.request

    def _check(self, label: str, html: str) -> None:
        assert label in CHECKOUT_PAGES and label not in self.results, label
        assert self.page.get_attribute("html", "lang") == self.locale, label
        self.results[label] = axe_violations(self.page, self.axe_script)
        path = self.folder / f"checkout-{label}-{self.locale}.html"
        path.write_text(html, encoding="utf-8")
        self.files[label] = path

    def visit(self, label: str, path: str, status: int = 200) -> None:
        response = self.page.goto(path)
        assert response.status == status, f"{label}: {path} answered {response.status}"
        self._check(label, response.text())

    def submit_empty(
        self, label: str, path: str, post_to: str | None = None, data: dict | None = None
    ) -> None:
        """The page's form with every field emptied: submitted in the browser (with htmx
        where the form has it) for axe; posted as a plain form for the HTML checker."""
        self.page.goto(path)
        form = self.page.locator("main form:has(button[type=submit])").first
        form.evaluate(CLEAR_FORM)
        with self.page.expect_response(lambda r: r.request.method == "POST") as answer:
            form.locator("button[type=submit]").first.click()
        assert answer.value.status == 422, f"{label}: {answer.value.status}"
        self.page.wait_for_selector(".error-summary")
        self.page.wait_for_load_state()
        token = hidden(self.request.get("/checkout/solo").text(), "csrf_token")
        plain = self.request.post(post_to or path, form={"csrf_token": token, **(data or {})})
        assert plain.status == 422, f"{label}: plain POST answered {plain.status}"
        self._check(label, plain.text())


def audit_checkout(browser, live_server, locale: str, folder, axe_script) -> Auditor:
    def new_context():
        context = browser.new_context(
            base_url=live_server.url,
            locale="fr-FR" if locale == "fr" else "en-US",
            bypass_csp=True,  # the page's CSP (script-src 'self') would block axe
        )
        context.set_default_timeout(TIMEOUT_MS)
        return context

    context, parent = new_context(), new_context()
    try:
        audit = Auditor(context.new_page(), locale, folder, axe_script)
        shop = Shopper(context, locale)

        def step(order: str, name: str) -> str:
            return f"/checkout/{order}/{name}"

        # Solo: every step and its errors, a decline, 3-D Secure, then confirmation.
        solo = shop.start("solo")
        audit.visit("account", step(solo, "account"))
        audit.submit_empty("account-errors", step(solo, "account"))
        shop.create_account(solo, locale)
        audit.visit("account-signed-in", step(solo, "account"))
        audit.visit("eligibility", step(solo, "eligibility"))
        audit.submit_empty("eligibility-errors", step(solo, "eligibility"))
        shop.eligibility(solo)
        audit.visit("details", step(solo, "details"))
        audit.submit_empty("details-errors", step(solo, "details"))
        shop.details(solo)
        audit.visit("payment", step(solo, "payment"))
        audit.submit_empty("payment-errors", step(solo, "payment"))
        shop.card(solo, DECLINED_CARD)
        audit.visit("review", step(solo, "review"))
        audit.submit_empty("review-errors", step(solo, "review"), post_to=step(solo, "confirm"))
        assert shop.confirm(solo, "accept_terms", "immediate_access").url.endswith("/payment")
        audit.visit("payment-declined", step(solo, "payment"))
        shop.card(solo, CHALLENGE_CARD)
        challenge = shop.confirm(solo, "accept_terms", "immediate_access").url
        assert "/checkout/sandbox/3ds/" in challenge
        challenge = challenge.removeprefix(live_server.url)
        audit.visit("sandbox-3ds", challenge)
        audit.visit("pending-approval", step(solo, "review"))

        # A second Solo order whose payment gets no answer in time.
        lost = shop.start("solo")
        shop.eligibility(lost)
        shop.details(lost)
        shop.card(lost, TIMEOUT_CARD)
        assert shop.confirm(lost, "accept_terms", "immediate_access").url.endswith("/done")
        audit.visit("pending-timeout", step(lost, "review"))
        audit.visit("done-pending", step(lost, "done"))

        assert shop.post(challenge, {"answer": "approve"}).url.endswith("/done")
        audit.visit("done-solo", step(solo, "done"))

        # Plus for a 17-year-old, accepted by the legal representative.
        plus = shop.start("plus")
        shop.eligibility(plus, born=minor_birth_date())
        audit.visit("details-consent", step(plus, "details"))
        audit.submit_empty("details-consent-errors", step(plus, "details"))
        representative = ("Sam Parent", unique_email(f"parent.{locale}."))
        shop.details(plus, representative)
        shop.card(plus, GOOD_CARD)
        audit.visit("review-plus", step(plus, "review"))
        audit.visit("plan", step(plus, "plan"))
        audit.submit_empty(
            "review-plus-errors", step(plus, "review"), post_to=step(plus, "confirm")
        )
        assert shop.confirm(plus, "accept_terms", "accept_code").url.endswith("/done")
        audit.visit("done-awaiting-consent", step(plus, "done"))
        # The representative, not signed in, in a browser of their own.
        consent = shop.consent_link(representative[1])
        audit.use(parent.new_page())
        audit.visit("consent", consent)
        audit.submit_empty("consent-errors", consent, data={"decision": "accept"})
        versions = hidden(parent.request.get(consent).text(), "versions")
        Shopper(parent, locale).post(
            consent,
            {
                "name": representative[0],
                "accept_terms": "y",
                "accept_code": "y",
                "versions": versions,
                "decision": "accept",
            },
        )
        audit.visit("consent-accepted", consent)
        audit.use(context.pages[0])
        audit.visit("done-plus", step(plus, "done"))
        assert set(audit.results) == set(CHECKOUT_PAGES)
        return audit
    finally:
        context.close()
        parent.close()


class Findings(dict):
    """(label, locale) -> (axe violations, vnu errors); short in a failure's report."""

    def __repr__(self) -> str:
        return f"<findings on {len(self)} checkout pages>"


@pytest.fixture(scope="module")
def checkout_audit(browser, live_server, axe_script, vnu_command, tmp_path_factory):
    """Walk the checkout once per language; axe results and vnu errors by (label, locale)."""
    folder = tmp_path_factory.mktemp("checkout-pages")
    audits = {
        locale: audit_checkout(browser, live_server, locale, folder, axe_script)
        for locale in LOCALES
    }
    files = [path for audit in audits.values() for path in audit.files.values()]
    errors = vnu_errors(vnu_command, files)
    return Findings(
        ((label, locale), (audit.results[label], errors.get(audit.files[label].name, [])))
        for locale, audit in audits.items()
        for label in CHECKOUT_PAGES
    )


CHECKOUT_CASES = [
    pytest.param(label, locale, id=f"{label}-{locale}")
    for label in CHECKOUT_PAGES
    for locale in LOCALES
]


@pytest.mark.parametrize(("label", "locale"), CHECKOUT_CASES)
def test_checkout_page_has_no_axe_violation(checkout_audit, label, locale):
    violations, _ = checkout_audit[label, locale]
    assert not violations, describe(violations)


@pytest.mark.parametrize(("label", "locale"), CHECKOUT_CASES)
def test_checkout_page_html_is_valid(checkout_audit, label, locale):
    _, errors = checkout_audit[label, locale]
    assert not errors, vnu_report(errors)
