"""Settings → Payment, "Pay with PayPal instead", in the browser (issue 13): with the
keyboard alone, in English and French, through the sandbox's PayPal page and back; and
its new states (the form's error, the sandbox's approval page for a method change, the
tab afterwards) through axe and the Nu HTML Checker."""

from datetime import timedelta

import pytest

from app import clock
from app.domain.orders import Plan
from app.extensions import db
from app.models import PaymentMethod, Subscription, User
from tests.browser.checks import axe_violations, describe, vnu_errors, vnu_report
from tests.browser.conftest import Account, register
from tests.browser.test_keyboard_flows import french, tab_to
from tests.support.billing import card_of
from tests.support.subscriptions import subscription

PASSWORD = "plum tartan lighthouse"
TAB = "/account/payment"


@pytest.fixture(scope="module")
def subscriber(live_server):
    """A new confirmed member with an active Solo paid by card, in its first month."""
    numbers = iter(range(1, 1000))

    def factory(locale="en") -> tuple[Account, int]:
        n = next(numbers)
        account = Account(f"Payer {n}", f"paypal-method{n}.{locale}@example.org", PASSWORD, locale)
        with live_server.app.test_request_context(base_url=live_server.url):
            register(account, born=clock.today().replace(year=1990))
            db.session.commit()
            user = db.session.query(User).filter_by(email=account.email).one()
            sub = subscription(user, Plan.SOLO)
            sub.accepted_at = clock.now() - timedelta(days=1)
            sub.anchor_date = clock.today()
            sub.current_period_start = clock.today()
            sub.current_period_end = clock.today() + timedelta(days=30)
            sub.payment_method_id = card_of(user).id
            db.session.commit()
            sub_id = sub.id
            db.session.remove()
        return account, sub_id

    return factory


def sign_in_with_keys(page, account: Account) -> None:
    page.goto("/signin")
    tab_to(page, "#email")
    page.keyboard.type(account.email)
    tab_to(page, "#password")
    page.keyboard.type(account.password)
    tab_to(page, "#signin-form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/account")


def say(locale: str, msgid: str) -> str:
    return french(msgid) if locale == "fr" else msgid


def method_of(live_server, sub_id: int) -> PaymentMethod:
    with live_server.app.app_context():
        sub = db.session.get(Subscription, sub_id)
        method = db.session.get(PaymentMethod, sub.payment_method_id)
        db.session.expunge(method)
        db.session.remove()
    return method


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_pay_with_paypal_instead_with_the_keyboard(new_context, live_server, subscriber, locale):
    account, sub_id = subscriber(locale)
    page = new_context(locale).new_page()
    sign_in_with_keys(page, account)
    page.goto(TAB)
    assert say(locale, "Pay with PayPal instead") in page.inner_text("main")
    tab_to(page, "#paypal_holder")
    page.keyboard.press("Space")
    tab_to(page, f'button[name=subscription][value="{sub_id}"]')
    page.keyboard.press("Enter")
    page.wait_for_url("**/checkout/sandbox/paypal/*")
    tab_to(page, "main button[value=approve]")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{TAB}")
    page.wait_for_selector("#flash .flash")
    assert "PayPal" in page.inner_text("#flash")
    assert say(locale, "PayPal account %(email)s").split("%")[0].strip() in page.inner_text(
        "main .summary-list"
    )
    assert method_of(live_server, sub_id).kind == "paypal"


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_the_paypal_states_pass_axe_and_the_html_checker(
    new_context, live_server, subscriber, axe_script, vnu_command, tmp_path, locale
):
    account, sub_id = subscriber(locale)
    page = new_context(locale, bypass_csp=True).new_page()
    sign_in_with_keys(page, account)
    files, violations = [], {}

    def check(name: str, html: str) -> None:
        violations[name] = axe_violations(page, axe_script)
        path = tmp_path / f"payment-{name}-{locale}.html"
        path.write_text(html, encoding="utf-8")
        files.append(path)

    # The statement not ticked: the error summary and the field's error (422).
    page.goto(TAB)
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.click(f'button[name=subscription][value="{sub_id}"]')
    assert answer.value.status == 422
    page.wait_for_selector("#paypal_holder-error")
    token = page.input_value("input[name=csrf_token] >> nth=0")
    # As the server sent it (page.content() would hold the axe script).
    plain = page.context.request.post(
        f"{TAB}/paypal", form={"csrf_token": token, "subscription": str(sub_id)}
    )
    assert plain.status == 422
    check("paypal-errors", plain.text())
    # The sandbox's PayPal page for the agreement, then the tab once approved.
    page.goto(TAB)
    page.check("#paypal_holder")
    page.click(f'button[name=subscription][value="{sub_id}"]')
    page.wait_for_url("**/checkout/sandbox/paypal/*")
    check("paypal-sandbox", page.context.request.get(page.url).text())
    page.click("main button[value=approve]")
    page.wait_for_url(f"**{TAB}")
    check("paypal-done", page.context.request.get(TAB).text())
    page.context.close()
    bad = {name: describe(found) for name, found in violations.items() if found}
    assert not bad, bad
    errors = vnu_errors(vnu_command, files)
    reports = {name: vnu_report(found) for name, found in errors.items() if found}
    assert not reports, reports
