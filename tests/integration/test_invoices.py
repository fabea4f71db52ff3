"""Invoices and credit notes (Terms §3.3, §6): every successful charge has exactly one
invoice, numbered per year without a gap; a refund gives back through the gateway and
issues a credit note referring to the invoice; issued documents never change."""

import io
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pikepdf
import pypdf
import pytest
from sqlalchemy import func, select

from app import clock
from app.domain.errors import DomainError
from app.domain.orders import Plan
from app.extensions import db
from app.models import (
    ImmutableInvoiceError,
    Invoice,
    InvoiceCounter,
    InvoiceKind,
    InvoicePdf,
    PaymentStatus,
    RefundStatus,
    SandboxTransaction,
)
from app.services import invoices, refunds
from app.services.settlement import settle_payment
from tests.checkout_fixtures import buy_until_review, signed_in_member
from tests.conftest import sign_in
from tests.support.billing import paid_payment

# The year of today in the platform's time zone (the invoices' series).
YEAR = datetime.now(ZoneInfo("Europe/Paris")).year


def test_a_solo_checkout_issues_the_first_invoice(shop, make_user):
    """§3.3: "an invoice is generated for each completed order"."""
    client, member = signed_in_member(shop, make_user)
    buyer = buy_until_review(client)
    assert buyer.confirm().status_code == 302
    found = invoices.invoices_for(member)
    assert len(found) == 1
    invoice = found[0]
    assert invoice.kind is InvoiceKind.INVOICE
    assert invoice.reference == f"F{YEAR}-000001"
    assert invoice.total_cents == buyer.order.due_today_cents
    # 20 % VAT inside a VAT-included price.
    assert invoice.vat_cents == round(invoice.total_cents * 20 / 120)
    assert invoice.buyer_name == "Ada Lovelace"
    assert "75005 Paris" in invoice.buyer_address
    assert invoice.payment_method == "Visa •••• 4242"
    assert invoice.period_start == clock.today()
    assert invoice.seller["name"] == shop.config["LEGAL_COMPANY_NAME"]
    assert invoice.lines[0]["description"].startswith("Premium Solo")


def test_a_payment_settled_twice_has_one_invoice(app, make_user, make_subscription):
    """A webhook after Confirm settles the same charge again: still one invoice (§3.3)."""
    subscription = make_subscription(make_user())
    payment = paid_payment(subscription)
    settle_payment(payment, PaymentStatus.SUCCEEDED)
    db.session.commit()
    count = db.session.scalar(select(func.count()).select_from(Invoice))
    assert count == 1


def test_numbers_follow_each_other_and_a_rollback_leaves_no_gap(app, make_user, make_subscription):
    """§3.3: numbers are sequential and gapless per year, even when an issue rolls back."""
    subscription = make_subscription(make_user())
    first = invoices.invoice_for_payment(paid_payment(subscription))
    # A charge whose transaction fails after its invoice was numbered.
    payment = paid_payment(subscription)
    number_taken = invoices.invoice_for_payment(payment).number
    assert number_taken == first.number + 1
    series = f"F{YEAR}"
    invoices.next_number(series)
    db.session.rollback()
    third = invoices.invoice_for_payment(paid_payment(subscription))
    assert [first.number, number_taken, third.number] == [1, 2, 3]
    assert db.session.get(InvoiceCounter, series).last_number == 3


def test_an_issued_invoice_never_changes_nor_goes(app, make_user, make_subscription):
    """§6: invoices are never edited nor deleted."""
    invoice = invoices.invoice_for_payment(paid_payment(make_subscription(make_user())))
    invoice.total_cents = 1
    with pytest.raises(ImmutableInvoiceError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(invoice)
    with pytest.raises(ImmutableInvoiceError):
        db.session.flush()
    db.session.rollback()


def test_a_partial_then_full_refund_issues_credit_notes(app, make_user, make_subscription):
    """§6.1 (and staff goodwill): the money goes back through the gateway, each refund
    with a credit note that refers to the invoice; never more than was paid."""
    member = make_user()
    staff = make_user()
    payment = paid_payment(make_subscription(member), 2000)
    invoice = invoices.invoice_for_payment(payment)

    first = refunds.refund(payment, 500, "Goodwill", staff)
    assert first.status is RefundStatus.SUCCEEDED
    note = db.session.scalar(select(Invoice).where(Invoice.refund_id == first.id))
    assert note.kind is InvoiceKind.CREDIT_NOTE
    assert note.reference == f"A{YEAR}-000001"
    assert note.credit_of_id == invoice.id
    assert (note.total_cents, note.reason) == (500, "Goodwill")
    assert note.vat_cents == 83  # 5.00 * 20 / 120

    with pytest.raises(DomainError) as refused:
        refunds.refund(payment, 1600, "Too much", staff)
    assert refused.value.errors == [("amount", "amount_too_high")]

    rest = refunds.refund(payment, None, "Withdrawal", staff)
    assert rest.amount_cents == 1500
    db.session.refresh(payment)
    assert payment.status is PaymentStatus.REFUNDED
    assert payment.refunded_cents == 2000
    books = db.session.scalar(
        select(SandboxTransaction).where(SandboxTransaction.reference == payment.gateway_reference)
    )
    assert books.refunded_cents == 2000
    assert refunds.refundable_cents(payment) == 0
    listed = invoices.invoices_for(member)
    assert [i.kind for i in listed] == [
        InvoiceKind.CREDIT_NOTE,
        InvoiceKind.CREDIT_NOTE,
        InvoiceKind.INVOICE,
    ]


def test_a_refund_needs_a_reason_and_a_positive_amount(app, make_user, make_subscription):
    payment = paid_payment(make_subscription(make_user()))
    with pytest.raises(DomainError) as refused:
        refunds.refund(payment, 0, "  ", None)
    assert refused.value.errors == [("amount", "amount_positive"), ("reason", "reason_required")]
    assert refunds.refunds_of(payment) == []


def test_a_refund_the_gateway_refuses_issues_nothing(app, make_user, make_subscription):
    payment = paid_payment(make_subscription(make_user()))
    payment.gateway_reference = "sbx-unknown"
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        refunds.refund(payment, 100, "Try", None)
    assert refused.value.message == "refused"
    assert [r.status for r in refunds.refunds_of(payment)] == [RefundStatus.REFUSED]
    assert db.session.scalar(select(func.count()).where(Invoice.kind == "credit_note")) == 0
    # A refused refund reserves nothing.
    assert refunds.refundable_cents(payment) == payment.amount_cents


# --- PDF and who may open it --------------------------------------------------------


def test_the_pdf_is_tagged_holds_the_invoice_and_is_kept(app, make_user, make_subscription):
    invoice = invoices.invoice_for_payment(paid_payment(make_subscription(make_user())))
    first = invoices.pdf_for(invoice)
    db.session.commit()
    assert invoices.pdf_for(invoice).id == first.id
    assert db.session.scalar(select(func.count()).select_from(InvoicePdf)) == 1
    with pikepdf.open(io.BytesIO(first.data)) as pdf:
        with pdf.open_metadata() as meta:
            assert meta.get("{http://www.aiim.org/pdfua/ns/id/}part") == "1"
            assert invoice.reference in meta.get("{http://purl.org/dc/elements/1.1/}title")
        assert str(pdf.Root.Lang) == "en"
        assert pdf.Root.MarkInfo.Marked is True
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(first.data)).pages)
    for expected in (
        invoice.reference,
        app.config["LEGAL_COMPANY_NAME"],
        app.config["LEGAL_VAT_NUMBER"],
        "Total paid incl. VAT",
        "20%",
        "€3.33",  # the VAT of €20.00
        "€20.00",
        "Visa •••• 4242",
    ):
        assert expected in text, expected


def test_a_french_invoice_is_in_french(app, make_user, make_subscription):
    invoice = invoices.invoice_for_payment(
        paid_payment(make_subscription(make_user(locale="fr")), 2000)
    )
    assert invoice.locale == "fr"
    data = invoices.pdf_for(invoice).data
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    assert f"Facture {invoice.reference}" in text
    assert "20,00" in text


def test_only_the_owner_and_staff_open_an_invoice(app, make_user, make_subscription, staff_client):
    """§6: only its owner and staff can open an invoice; another member's answers 404,
    as a reference that does not exist."""
    owner = make_user()
    invoice = invoices.invoice_for_payment(paid_payment(make_subscription(owner)))
    url = f"/invoices/{invoice.reference}.pdf"

    visitor = app.test_client()
    response = visitor.get(url)
    assert response.status_code == 302 and "/signin" in response.headers["Location"]

    other = make_user()
    intruder = app.test_client()
    sign_in(intruder, other.email, other.password)
    assert intruder.get(url).status_code == 404
    assert intruder.get(f"/invoices/F{YEAR}-999999.pdf").status_code == 404
    # Nothing was rendered for the intruder.
    assert db.session.scalar(select(func.count()).select_from(InvoicePdf)) == 0

    mine = app.test_client()
    sign_in(mine, owner.email, owner.password)
    response = mine.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert "no-store" in response.headers["Cache-Control"]
    assert response.data.startswith(b"%PDF")

    assert staff_client.get(url).status_code == 200


# --- Staff refund from the order record --------------------------------------------


def staff_reference(subscription) -> str:
    """The order's reference as checkout writes them ("AT-…"), which staff look up."""
    from app.models import Order

    order = db.session.get(Order, subscription.order_id)
    order.reference = f"AT-{order.reference[:8]}"
    db.session.commit()
    return order.reference


def test_staff_refund_part_of_a_payment_from_the_order(
    app, make_user, make_subscription, staff_client
):
    subscription = make_subscription(make_user())
    payment = paid_payment(subscription, 2000)
    reference = staff_reference(subscription)
    page = staff_client.get(f"/staff/orders/{reference}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f"Invoice F{YEAR}-000001" in html
    assert f"refund-{payment.id}-reason" in html

    url = f"/staff/orders/{reference}/payments/{payment.id}/refund"
    prefix = f"refund-{payment.id}-"
    missing = staff_client.post(url, data={prefix + "amount": "5", prefix + "reason": ""})
    assert missing.status_code == 422
    assert "Say why you refund" in missing.get_data(as_text=True)
    too_much = staff_client.post(url, data={prefix + "amount": "25", prefix + "reason": "x"})
    assert too_much.status_code == 422
    assert "more than what is left" in too_much.get_data(as_text=True)
    bad = staff_client.post(url, data={prefix + "amount": "abc", prefix + "reason": "x"})
    assert bad.status_code == 422
    db.session.expire_all()
    assert refunds.refunds_of(payment) == []

    done = staff_client.post(url, data={prefix + "amount": "5,50", prefix + "reason": "Outage"})
    assert done.status_code == 302
    db.session.expire_all()
    [made] = refunds.refunds_of(payment)
    assert (made.amount_cents, made.reason, made.status) == (550, "Outage", RefundStatus.SUCCEEDED)
    html = staff_client.get(f"/staff/orders/{reference}").get_data(as_text=True)
    assert f"Credit note A{YEAR}-000001" in html
    assert "Outage" in html


def test_a_payment_of_another_order_cannot_be_refunded_from_this_one(
    app, make_user, make_subscription, staff_client
):
    first = make_subscription(make_user())
    other = paid_payment(make_subscription(make_user()))
    reference = staff_reference(first)
    response = staff_client.post(
        f"/staff/orders/{reference}/payments/{other.id}/refund",
        data={f"refund-{other.id}-reason": "x"},
    )
    assert response.status_code == 404


def test_invoices_for_lists_newest_first(app, make_user, make_subscription, monkeypatch):
    member = make_user()
    subscription = make_subscription(member, Plan.SOLO)
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 12, 31, 22, 30, tzinfo=UTC))
    december = invoices.invoice_for_payment(paid_payment(subscription))
    # 23:30 UTC on 31 December is already 1 January in Paris: the next year's series.
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 12, 31, 23, 30, tzinfo=UTC))
    january = invoices.invoice_for_payment(paid_payment(subscription))
    assert december.reference == "F2026-000001"
    assert january.reference == "F2027-000001"
    assert [i.id for i in invoices.invoices_for(member)] == [january.id, december.id]


# --- PostgreSQL: numbers under concurrency ------------------------------------------


def test_concurrent_invoices_are_numbered_1_to_n_with_rollbacks_leaving_no_gap(
    app, make_user, make_subscription
):
    """SECURITY "Billing on PostgreSQL": 50 invoices issued at once → 1..50 contiguous; a
    transaction that numbered an invoice and rolled back leaves no gap."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite serialises writers; real concurrency is tested on PostgreSQL")
    import threading

    from app.models import Payment

    subscription = make_subscription(make_user())
    ids = []
    for n in range(50):
        payment = Payment(
            subscription_id=subscription.id,
            user_id=subscription.user_id,
            idempotency_key=f"concurrent:{n}",
            gateway="sandbox",
            amount_cents=1000,
            status=PaymentStatus.PENDING,
        )
        db.session.add(payment)
        db.session.flush()
        ids.append(payment.id)
    db.session.commit()
    barrier = threading.Barrier(10)
    failures = []

    def issue(chunk, roll_back_first):
        with app.app_context():
            try:
                barrier.wait()
                for payment_id in chunk:
                    payment = db.session.get(Payment, payment_id)
                    if roll_back_first:
                        settle_payment(payment, PaymentStatus.SUCCEEDED)
                        db.session.rollback()  # numbered, then lost: the number comes back
                        payment = db.session.get(Payment, payment_id)
                    settle_payment(payment, PaymentStatus.SUCCEEDED)
                    db.session.commit()
            except Exception as error:  # reported below, with the thread's traceback lost
                failures.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=issue, args=(ids[i::10], i % 3 == 0)) for i in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures
    db.session.expire_all()
    numbers = sorted(db.session.scalars(select(Invoice.number).where(Invoice.series == f"F{YEAR}")))
    assert numbers == list(range(1, 51))
