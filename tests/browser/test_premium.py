"""Settings → Premium in the browser: cancel and undo, the Plus reflection withdrawal,
paying a past-due balance and downloading an invoice's PDF, with the keyboard alone in
English and French (the Cancel confirmation
opens as a dialog with JavaScript, as a page of its own without); and every state of
the tab through axe and the Nu HTML Checker."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from app import clock
from app.domain.orders import Plan
from app.domain.subscriptions import SubscriptionStatus
from app.extensions import db
from app.models import BillingDue, Payment, PaymentStatus, Subscription, User
from app.services import catalog, invoices
from app.services.billing import charges
from tests.browser.checks import axe_violations, describe, vnu_errors, vnu_report
from tests.browser.conftest import TIMEOUT_MS, Account, register
from tests.browser.test_keyboard_flows import french, tab_to, wait_for_focus
from tests.support.billing import card_of, paid_payment
from tests.support.paypal import past_due_on_paypal
from tests.support.subscriptions import subscription

S = SubscriptionStatus
PASSWORD = "plum tartan lighthouse"
TAB = "/account/premium"


@pytest.fixture(scope="module")
def subscriber(live_server):
    """A new confirmed member holding a subscription in `status` that began yesterday,
    in its first paid month."""
    numbers = iter(range(1, 1000))

    def factory(locale="en", plan=Plan.SOLO, status=None, paid=False) -> tuple[Account, int]:
        n = next(numbers)
        account = Account(f"Sub {n}", f"premium{n}.{locale}@example.org", PASSWORD, locale)
        with live_server.app.test_request_context(base_url=live_server.url):
            register(account, born=clock.today().replace(year=1990))
            db.session.commit()
            user = db.session.query(User).filter_by(email=account.email).one()
            path = catalog.path_by_slug("web-developer") if plan is Plan.PLUS else None
            sub = subscription(user, plan, status, path)
            now = clock.now()
            sub.accepted_at = now - timedelta(days=1)
            sub.anchor_date = clock.today()
            sub.current_period_start = clock.today()
            sub.current_period_end = clock.today() + timedelta(days=30)
            if plan is Plan.PLUS:
                sub.reflection_ends_at = sub.accepted_at + timedelta(days=7)
            db.session.commit()
            if paid:
                paid_payment(sub)  # the first month, through the sandbox, invoiced
            sub_id = sub.id
            db.session.remove()
        return account, sub_id

    return factory


def status_of(live_server, sub_id: int) -> S:
    with live_server.app.app_context():
        status = db.session.get(Subscription, sub_id).status
        db.session.remove()
        return status


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


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_cancel_in_the_dialog_then_undo_with_the_keyboard(
    new_context, live_server, subscriber, locale
):
    account, sub_id = subscriber(locale)
    page = new_context(locale).new_page()
    sign_in_with_keys(page, account)
    tab_to(page, f'.settings-nav a[href="{TAB}"]')
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{TAB}")
    assert say(
        locale,
        "Medical leave does not pause a subscription (Terms of Service, section 2.2g): if you need a break, cancel it, and subscribe again when you are ready, at the price in force then.",
    ) in page.inner_text("main")

    # Escape closes the dialog and changes nothing.
    tab_to(page, f'a[href="{TAB}/{sub_id}/cancel"]')
    page.keyboard.press("Enter")
    page.wait_for_selector("dialog#confirm-dialog[open]")
    assert page.evaluate("document.activeElement.closest('dialog') !== null")
    page.keyboard.press("Escape")
    page.wait_for_selector("dialog#confirm-dialog:not([open])", state="attached")
    assert status_of(live_server, sub_id) is S.ACTIVE

    tab_to(page, f'a[href="{TAB}/{sub_id}/cancel"]')
    page.keyboard.press("Enter")
    page.wait_for_selector("dialog#confirm-dialog[open]")
    assert page.get_attribute("dialog#confirm-dialog", "aria-labelledby") == "confirm-title"
    tab_to(page, "dialog button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector("#flash .flash")
    assert status_of(live_server, sub_id) is S.CANCELLING
    assert page.url.endswith(TAB)

    tab_to(page, f'form[action="{TAB}/{sub_id}/undo"] button')
    page.keyboard.press("Enter")
    page.wait_for_function(
        "(text) => document.querySelector('#flash').innerText.includes(text)",
        arg=say(locale, "Your subscription continues: it renews every month as before."),
    )
    assert status_of(live_server, sub_id) is S.ACTIVE


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_cancel_without_javascript_is_a_page_of_its_own(
    new_context, live_server, subscriber, locale
):
    account, sub_id = subscriber(locale)
    page = new_context(locale, java_script_enabled=False).new_page()
    sign_in_with_keys(page, account)
    page.goto(TAB)
    tab_to(page, f'a[href="{TAB}/{sub_id}/cancel"]')
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{TAB}/{sub_id}/cancel")
    assert page.inner_text("h1") == say(locale, "Cancel %(plan)s?").replace(
        "%(plan)s", "Premium Solo"
    )
    tab_to(page, "main button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{TAB}")
    assert status_of(live_server, sub_id) is S.CANCELLING


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_plus_withdraws_during_reflection_with_the_keyboard(
    new_context, live_server, subscriber, locale
):
    account, sub_id = subscriber(locale, Plan.PLUS)
    page = new_context(locale).new_page()
    sign_in_with_keys(page, account)
    page.goto(TAB)
    tab_to(page, f'form[action="{TAB}/{sub_id}/withdraw"] button')
    page.keyboard.press("Enter")
    page.wait_for_function(
        "(text) => document.querySelector('#flash').innerText.includes(text)",
        arg=say(locale, "You have withdrawn. Nothing has been charged and nothing will be."),
    )
    assert status_of(live_server, sub_id) is S.WITHDRAWN
    assert say(locale, "Past subscriptions") in page.inner_text("main")


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_solo_withdraws_with_a_refund_with_the_keyboard(
    new_context, live_server, subscriber, locale
):
    account, sub_id = subscriber(locale, paid=True)
    page = new_context(locale).new_page()
    sign_in_with_keys(page, account)
    page.goto(TAB)
    tab_to(page, f'a[href="{TAB}/{sub_id}/withdraw"]')
    page.keyboard.press("Enter")
    page.wait_for_selector("dialog#confirm-dialog[open]")
    tab_to(page, "dialog button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector("#flash .flash")
    assert status_of(live_server, sub_id) is S.WITHDRAWN
    main = page.inner_text("main")
    assert say(locale, "Credit note") in main
    assert say(locale, "Withdrawn within 14 days, refunded in full") in main


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_change_the_card_with_the_keyboard(new_context, live_server, subscriber, locale):
    account, sub_id = subscriber(locale)
    page = new_context(locale).new_page()
    sign_in_with_keys(page, account)
    page.goto(TAB)
    tab_to(page, '.settings-nav a[href="/account/payment"]')
    page.keyboard.press("Enter")
    page.wait_for_url("**/account/payment")
    tab_to(page, "#card_number")
    page.keyboard.type("5555555555554444")
    tab_to(page, "#card_expiry")
    page.keyboard.type("04/39")
    tab_to(page, "#card_cvc")
    page.keyboard.type("123")
    tab_to(page, "#holder")
    page.keyboard.press("Space")
    tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector("#flash .flash")
    assert "4444" in page.inner_text("#flash")
    assert "4444" in page.inner_text("main .summary-list")
    with live_server.app.app_context():
        method_id = db.session.get(Subscription, sub_id).payment_method_id
        db.session.remove()
    assert method_id is not None


def make_past_due(live_server, sub_id: int) -> None:
    """A renewal three days ago was declined: past due, its balance open; the member has
    since added a card that works (the sandbox's success card)."""
    with live_server.app.app_context():
        sub = db.session.get(Subscription, sub_id)
        start = clock.today() - timedelta(days=3)
        sub.anchor_date = sub.current_period_start = start
        sub.current_period_end = start
        method = card_of(sub.user)
        sub.payment_method_id = method.id
        payment = Payment(
            subscription_id=sub.id,
            period_start=charges.period_key(start),
            attempt=1,
            user_id=sub.user_id,
            payment_method_id=method.id,
            idempotency_key=charges.renewal_key(sub.id, start),
            gateway="sandbox",
            amount_cents=sub.monthly_cents,
            currency=sub.currency,
            status=PaymentStatus.DECLINED,
        )
        db.session.add(payment)
        db.session.flush()
        db.session.add(
            BillingDue(
                subscription_id=sub.id,
                payment_id=payment.id,
                period_start=start,
                due_on=start,
                amount_cents=payment.amount_cents,
                currency=sub.currency,
            )
        )
        db.session.commit()
        db.session.remove()


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_pay_a_past_due_balance_with_the_keyboard(new_context, live_server, subscriber, locale):
    """§3.2: Pay now charges the balance (amount, interest, fee), the service is back at
    once and the page says so, with the balance's invoice."""
    account, sub_id = subscriber(locale, status=S.PAST_DUE)
    make_past_due(live_server, sub_id)
    page = new_context(locale).new_page()
    sign_in_with_keys(page, account)
    page.goto(TAB)
    assert say(locale, "Balance due") in page.inner_text("main")
    tab_to(page, f'form[action="{TAB}/{sub_id}/pay"] button')
    page.keyboard.press("Enter")
    page.wait_for_function(
        "(text) => document.querySelector('#flash').innerText.includes(text)",
        arg=say(locale, "Thank you: your balance is paid and your service is back."),
    )
    assert status_of(live_server, sub_id) is S.ACTIVE
    main = page.inner_text("main")
    assert say(locale, "Balance due") not in main
    with live_server.app.app_context():
        [invoice] = invoices.invoices_for(db.session.get(Subscription, sub_id).user)
        reference, lines = invoice.reference, [line["description"] for line in invoice.lines]
        db.session.remove()
    assert reference in main  # the balance's invoice, listed on the tab
    assert say(locale, "Fixed collection fee") in lines


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_download_an_invoice_pdf_from_the_premium_tab_with_the_keyboard(
    new_context, live_server, subscriber, locale
):
    account, sub_id = subscriber(locale, paid=True)
    with live_server.app.app_context():
        [invoice] = invoices.invoices_for(db.session.get(Subscription, sub_id).user)
        reference = invoice.reference
        db.session.remove()
    page = new_context(locale).new_page()
    sign_in_with_keys(page, account)
    tab_to(page, f'.settings-nav a[href="{TAB}"]')
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{TAB}")
    tab_to(page, f'a[href$="/invoices/{reference}.pdf"]')
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    reader = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    text = "".join(p.extract_text() for p in reader.pages)
    assert reference in text
    assert reader.trailer["/Root"]["/Lang"] == locale


# --- axe and the Nu HTML Checker, every state --------------------------------------------

STATES = [
    ("none", None, None),
    ("solo-active", Plan.SOLO, S.ACTIVE),
    ("solo-paid", Plan.SOLO, "paid"),
    ("solo-cancelling", Plan.SOLO, S.CANCELLING),
    ("solo-past-due", Plan.SOLO, S.PAST_DUE),
    # Its balance cannot be paid on the PayPal agreement: a link to the Payment tab.
    ("solo-past-due-paypal", Plan.SOLO, "paypal-past-due"),
    ("solo-withdrawn", Plan.SOLO, S.WITHDRAWN),
    ("plus-reflection", Plan.PLUS, S.REFLECTION),
    ("plus-active", Plan.PLUS, S.ACTIVE),
]


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_every_state_passes_axe_and_the_html_checker(
    new_context, live_server, subscriber, axe_script, vnu_command, tmp_path, locale
):
    files, violations = [], {}
    for label, plan, status in STATES:
        if plan is None:
            account = make_plain_member(live_server, locale)
            sub_id = None
        elif status == "paid":
            account, sub_id = subscriber(locale, plan, S.ACTIVE, paid=True)
        elif status == "paypal-past-due":
            account, sub_id = subscriber(locale, plan, S.PAST_DUE)
            with live_server.app.app_context():
                past_due_on_paypal(db.session.get(Subscription, sub_id))
                db.session.remove()
        else:
            account, sub_id = subscriber(locale, plan, status)
        page = new_context(locale, bypass_csp=True).new_page()
        sign_in_with_keys(page, account)
        pages = [(label, TAB)]
        if status is S.ACTIVE:
            pages.append((f"{label}-cancel", f"{TAB}/{sub_id}/cancel"))
        if plan is Plan.SOLO and status is S.ACTIVE:
            # No method kept (as after a PayPal agreement cancelled at PayPal).
            pages.append((f"{label}-payment-none", "/account/payment"))
        if status == "paid":
            pages.append((f"{label}-withdraw", f"{TAB}/{sub_id}/withdraw"))
            pages.append((f"{label}-payment", "/account/payment"))
        if plan is Plan.PLUS and status is S.ACTIVE:
            pages.append((f"{label}-path-change", f"{TAB}/{sub_id}/path-change"))
            pages.append((f"{label}-force-majeure", f"{TAB}/{sub_id}/force-majeure"))
            pages.append((f"{label}-terminate", f"{TAB}/{sub_id}/terminate"))
            # The contact form offers a Plus subscriber the path change (§2.2c).
            pages.append((f"{label}-contact", "/contact"))
        for name, url in pages:
            response = page.goto(url)
            assert response.status == 200, name
            assert page.get_attribute("html", "lang") == locale
            violations[name] = axe_violations(page, axe_script)
            path = tmp_path / f"premium-{name}-{locale}.html"
            path.write_text(response.text(), encoding="utf-8")
            files.append(path)
        if plan is Plan.PLUS and status is S.ACTIVE:
            # A request sent empty: the error summary and the fields' errors.
            for kind in ("path-change", "force-majeure"):
                page.goto(f"{TAB}/{sub_id}/{kind}")
                token = page.input_value("input[name=csrf_token]")
                with page.expect_response(lambda r: r.request.method == "POST") as answer:
                    page.click("main form button[type=submit]")
                assert answer.value.status == 422
                page.wait_for_load_state()
                violations[f"{label}-{kind}-errors"] = axe_violations(page, axe_script)
                path = tmp_path / f"premium-{label}-{kind}-errors-{locale}.html"
                # As the server sent it (page.content() would hold the axe script).
                plain = page.context.request.post(
                    f"{TAB}/{sub_id}/{kind}", form={"csrf_token": token}
                )
                assert plain.status == 422
                path.write_text(plain.text(), encoding="utf-8")
                files.append(path)
        if plan is Plan.PLUS and status is S.ACTIVE:
            # A path change asked from the contact form without its path.
            page.goto("/contact")
            page.select_option("#topic", "path_change")
            page.fill("#message", "I would like another path.")
            with page.expect_response(lambda r: r.request.method == "POST") as answer:
                page.click("#contact-form button[type=submit]")
            assert answer.value.status == 422
            page.wait_for_selector("#new_path-error")
            violations[f"{label}-contact-errors"] = axe_violations(page, axe_script)
            token = page.input_value("input[name=csrf_token]")
            plain = page.context.request.post(
                "/contact",
                form={
                    "csrf_token": token,
                    "name": account.name,
                    "email": account.email,
                    "topic": "path_change",
                    "message": "I would like another path.",
                },
            )
            assert plain.status == 422
            path = tmp_path / f"premium-{label}-contact-errors-{locale}.html"
            path.write_text(plain.text(), encoding="utf-8")
            files.append(path)
        if status is S.ACTIVE:
            # The confirmation as a dialog over the tab.
            page.goto(TAB)
            page.click(f'a[href="{TAB}/{sub_id}/cancel"]')
            page.wait_for_selector("dialog#confirm-dialog[open]")
            violations[f"{label}-dialog"] = axe_violations(page, axe_script)
        page.context.close()
    bad = {name: describe(found) for name, found in violations.items() if found}
    assert not bad, bad
    errors = vnu_errors(vnu_command, files)
    reports = {name: vnu_report(found) for name, found in errors.items() if found}
    assert not reports, reports


def make_plain_member(live_server, locale: str) -> Account:
    account = Account("No Plan", f"noplan.{locale}@example.org", PASSWORD, locale)
    with live_server.app.test_request_context(base_url=live_server.url):
        register(account, born=clock.today().replace(year=1990))
        db.session.commit()
        db.session.remove()
    return account


assert TIMEOUT_MS and wait_for_focus  # shared helpers, imported for the flows above
