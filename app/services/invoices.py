"""Invoices and credit notes: issued in the caller's transaction, numbered there, kept.

Public API (other features call only these):
- `issue_for_payment(payment, lines=None, period=None)`: the invoice of a successful
  charge (idempotent: the one already issued for that payment is returned). Called by
  `app.services.settlement.settle_payment` for every charge that succeeds, so checkout,
  webhooks and billing all get theirs without asking.
- `issue_credit_note(refund)`: the credit note of a succeeded refund, referring to the
  invoice of the refunded payment (called by `app.services.refunds.refund`).
- `invoices_for(user)`: the member's invoices and credit notes, newest first.
- `invoice_for_payment(payment)`, `find(reference)`: look one up.
- `pdf_for(invoice)`: its PDF, rendered on first need and kept.

Numbers: one series per kind and calendar year (platform time zone), "F2026" and
"A2026". The next number comes from the series' counter row, locked FOR UPDATE in the
invoice's own transaction: two transactions issuing at once take turns, and a
transaction that rolls back gives its number back with everything else, so the series
has no gap. UNIQUE(series, number) stands behind it."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import force_locale, format_percent
from flask_babel import gettext as _
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from app import clock
from app.domain import invoices as rules
from app.domain.invoices import Line
from app.domain.orders import Plan
from app.domain.periods import anniversary, months_after
from app.extensions import db
from app.models import (
    Invoice,
    InvoiceCounter,
    InvoiceKind,
    InvoicePdf,
    Order,
    Payment,
    Refund,
    Subscription,
    User,
)
from app.services import pdf
from app.web.templating import country_name

__all__ = [
    "find",
    "invoice_for_payment",
    "invoices_for",
    "issue_credit_note",
    "issue_for_payment",
    "issue_for_payments",
    "next_number",
    "next_numbers",
    "pdf_for",
]


def next_number(series: str) -> int:
    """The next number of `series`, taken in the current transaction (see the module's
    docstring)."""
    return next_numbers(series, 1)[0]


def next_numbers(series: str, count: int) -> range:
    """The next `count` numbers of `series`, taken at once in the current transaction:
    the counter row is locked and moved once. It is created on the series' first use;
    two transactions creating it at once both end up locking the one row."""
    counter = _locked_counter(series)
    if counter is None:
        try:
            with db.session.begin_nested():
                db.session.add(InvoiceCounter(series=series, last_number=0))
        except IntegrityError:
            pass  # another transaction created it first: lock theirs
        counter = _locked_counter(series)
    first = counter.last_number + 1
    counter.last_number += count
    db.session.flush()
    return range(first, first + count)


def _locked_counter(series: str) -> InvoiceCounter | None:
    return db.session.scalar(
        select(InvoiceCounter)
        .where(InvoiceCounter.series == series)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def invoice_for_payment(payment: Payment) -> Invoice | None:
    return db.session.scalar(
        select(Invoice).where(Invoice.payment_id == payment.id, Invoice.kind == InvoiceKind.INVOICE)
    )


def find(reference: str) -> Invoice | None:
    return db.session.scalar(select(Invoice).where(Invoice.reference == reference.strip().upper()))


def invoices_for(user: User) -> list[Invoice]:
    """The member's invoices and credit notes, newest first (what Settings → Premium
    lists, each with a link to `url_for("billing.pdf", reference=...)`)."""
    return list(
        db.session.scalars(
            select(Invoice)
            .where(Invoice.user_id == user.id)
            .order_by(Invoice.issued_at.desc(), Invoice.id.desc())
        )
    )


def issue_for_payment(
    payment: Payment,
    lines: list[Line] | None = None,
    period: tuple[date, date] | None = None,
    breakdown: tuple[int, int, int] | None = None,
    credit_cents: int = 0,
) -> Invoice:
    """The invoice of a successful charge, issued now in the caller's transaction, or
    the one already issued for it. `lines` (VAT included) must add up to the amount
    charged; by default one line for the plan's month, or with `breakdown` (month,
    interest, fee: a past-due balance, §3.2) the month and then the interest and the
    collection fee, both outside the scope of VAT; with `credit_cents` (a referral credit
    taken off, §4) the month at its price and the credit as a line of its own. `period`
    defaults to what the payment pays for."""
    existing = invoice_for_payment(payment)
    if existing is not None:
        return existing
    subscription, order, user, locale = _parties(payment)
    if period is None:
        period = _period(payment, subscription) or (None, None)
    with force_locale(locale):
        if lines is None and breakdown is not None:
            month, interest, fee = breakdown
            lines = [Line(_month_line(order, subscription, locale), month, _vat())]
            if interest:
                lines.append(Line(_("Late-payment interest"), interest, rules.NO_VAT))
            if fee:
                lines.append(Line(_("Fixed collection fee"), fee, rules.NO_VAT))
        if lines is None and credit_cents:
            month = _month_line(order, subscription, locale)
            lines = [
                Line(month, payment.amount_cents + credit_cents, _vat()),
                Line(_("Referral credit"), -credit_cents, _vat()),
            ]
        if lines is None:
            lines = [Line(_month_line(order, subscription, locale), payment.amount_cents, _vat())]
        method = _method(payment)
    total, _vat_cents = rules.totals(lines)
    if total != payment.amount_cents:
        raise ValueError(f"invoice lines add up to {total}, the charge was {payment.amount_cents}")
    return _issue(
        InvoiceKind.INVOICE,
        _Draft(payment, user, order, subscription, locale, lines, period, method),
    )


def issue_for_payments(payments: list[Payment]) -> dict[int, str]:
    """The invoices of many successful charges of a month at its price (renewals of the
    billing job), numbered together: one lock and one move of the counter, one
    statement. Each is the invoice `issue_for_payment(payment)` would issue; the caller
    has checked that none has one yet (UNIQUE(payment_id, kind) stands behind it).
    {payment id: invoice reference} (no ORM rows: the run reads none of them again)."""
    now = clock.now()
    series = rules.series(False, clock.local_date(now).year)
    numbers = next_numbers(series, len(payments)) if payments else range(0)
    rows = []
    for payment, number in zip(payments, numbers, strict=True):
        subscription, order, user, locale = _parties(payment)
        with force_locale(locale):
            line = Line(_month_line(order, subscription, locale), payment.amount_cents, _vat())
            method = _method(payment)
        period = _period(payment, subscription) or (None, None)
        draft = _Draft(payment, user, order, subscription, locale, [line], period, method)
        rows.append(_invoice_values(InvoiceKind.INVOICE, draft, series, number, now))
    if rows:
        db.session.execute(insert(Invoice), rows)
    return {row["payment_id"]: row["reference"] for row in rows}


def issue_credit_note(refund: Refund) -> Invoice:
    """The credit note of a succeeded refund, for the refunded payment's invoice. A
    refund of a payment that has no invoice yet (settled before invoicing existed) gets
    that invoice issued first, so the credit note always refers to one."""
    existing = db.session.scalar(select(Invoice).where(Invoice.refund_id == refund.id))
    if existing is not None:
        return existing
    payment = refund.payment
    invoice = issue_for_payment(payment)
    with force_locale(invoice.locale):
        description = _("Refund for invoice %(reference)s", reference=invoice.reference)
    # The refund takes back VAT in the proportion the invoice charged it.
    rate = invoice.lines[0]["vat_rate_bp"] if invoice.lines else _vat()
    subscription = _subscription_of(payment)
    return _issue(
        InvoiceKind.CREDIT_NOTE,
        _Draft(
            payment,
            invoice.user,
            _order_of(payment, subscription),
            subscription,
            invoice.locale,
            [Line(description, refund.amount_cents, rate)],
            (invoice.period_start, invoice.period_end),
            invoice.payment_method,
            credit_of=invoice,
            refund=refund,
        ),
    )


@dataclass(frozen=True)
class _Draft:
    """What an invoice or a credit note says, before it has its number."""

    payment: Payment
    user: User
    order: Order | None
    subscription: Subscription | None
    locale: str
    lines: list[Line]
    period: tuple[date | None, date | None]
    method: str
    credit_of: Invoice | None = None
    refund: Refund | None = None


def _issue(kind: InvoiceKind, draft: _Draft) -> Invoice:
    now = clock.now()
    series = rules.series(kind is InvoiceKind.CREDIT_NOTE, clock.local_date(now).year)
    invoice = _new_invoice(kind, draft, series, next_number(series), now)
    db.session.add(invoice)
    db.session.flush()
    return invoice


def _new_invoice(
    kind: InvoiceKind, draft: _Draft, series: str, number: int, now: datetime
) -> Invoice:
    return Invoice(**_invoice_values(kind, draft, series, number, now))


def _invoice_values(
    kind: InvoiceKind, draft: _Draft, series: str, number: int, now: datetime
) -> dict:
    payment, user, order, subscription = draft.payment, draft.user, draft.order, draft.subscription
    total, vat = rules.totals(draft.lines)
    with force_locale(draft.locale):
        address = _address(order)  # the country's name in the invoice's language
    return {
        "kind": kind,
        "series": series,
        "number": number,
        "reference": rules.reference(series, number),
        "user_id": user.id,
        "payment_id": payment.id,
        "subscription_id": subscription.id if subscription else None,
        "credit_of_id": draft.credit_of.id if draft.credit_of else None,
        "refund_id": draft.refund.id if draft.refund else None,
        "issued_at": now,
        "locale": draft.locale,
        "currency": payment.currency,
        "total_cents": total,
        "vat_cents": vat,
        "period_start": draft.period[0],
        "period_end": draft.period[1],
        "lines": [line.as_record() for line in draft.lines],
        "seller": _seller(),
        "buyer_name": (order.full_name if order and order.full_name else user.name),
        "buyer_address": address,
        "buyer_email": user.email,
        "payment_method": draft.method,
        "reason": draft.refund.reason if draft.refund else None,
    }


def _vat() -> int:
    return current_app.config["VAT_RATE_BASIS_POINTS"]


def _seller() -> dict:
    config = current_app.config
    return {
        "name": config["LEGAL_COMPANY_NAME"],
        "form": config.get("LEGAL_FORM"),
        "address": config["LEGAL_ADDRESS"],
        "registration": config.get("LEGAL_REGISTRATION"),
        "vat_number": config.get("LEGAL_VAT_NUMBER"),
        "email": config.get("SUPPORT_EMAIL"),
    }


def _parties(payment: Payment) -> tuple[Subscription | None, Order | None, User, str]:
    """The charge's subscription, order and member, and the invoice's language."""
    subscription = _subscription_of(payment)
    order = _order_of(payment, subscription)
    user = db.session.get(User, payment.user_id)
    return subscription, order, user, _locale(order, user)


def _subscription_of(payment: Payment) -> Subscription | None:
    if payment.subscription_id is not None:
        return db.session.get(Subscription, payment.subscription_id)
    if payment.order_id is not None:
        return db.session.scalar(
            select(Subscription).where(Subscription.order_id == payment.order_id)
        )
    return None


def _order_of(payment: Payment, subscription: Subscription | None) -> Order | None:
    order_id = payment.order_id or (subscription.order_id if subscription else None)
    return db.session.get(Order, order_id) if order_id else None


def _locale(order: Order | None, user: User) -> str:
    locale = (order.locale if order else None) or getattr(user, "locale", None) or "en"
    return locale if locale in current_app.config["LANGUAGES"] else "en"


def _address(order: Order | None) -> str | None:
    if order is None or not order.address_line1:
        return None
    parts = [order.address_line1, order.address_line2]
    parts.append(" ".join(p for p in (order.postal_code, order.city) if p))
    if order.billing_country:
        parts.append(country_name(order.billing_country))
    return "\n".join(p for p in parts if p)


def _period(payment: Payment, subscription: Subscription | None) -> tuple[date, date] | None:
    """The month a charge pays for, last day included: a renewal's period, or the first
    month of the subscription that an order's charge started."""
    if subscription is None:
        return None
    if payment.period_start is not None:
        start = payment.period_start.date()
    elif subscription.current_period_start is not None:
        start = subscription.current_period_start
    else:
        return None
    end = anniversary(subscription.anchor_date, months_after(subscription.anchor_date, start) + 1)
    return start, end - timedelta(days=1)


def _month_line(order: Order | None, subscription: Subscription | None, locale: str) -> str:
    plan = subscription.plan if subscription else (order.plan if order else Plan.SOLO)
    if plan is Plan.SOLO:
        title = "Premium Solo"
    else:
        path = (subscription.path if subscription else None) or (order.path if order else None)
        name = (path.title_fr if locale == "fr" else path.title_en) if path else ""
        title = f"Premium Plus — {name}" if name else "Premium Plus"
    return _("%(plan)s, monthly subscription", plan=title)


def _method(payment: Payment) -> str:
    method = payment.payment_method
    if method is None:
        return _("Card") if payment.gateway != "paypal" else "PayPal"
    if method.kind == "paypal":
        return f"PayPal ({method.payer_email})" if method.payer_email else "PayPal"
    brand = (method.brand or _("Card")).title()
    return f"{brand} •••• {method.last4}" if method.last4 else brand


# --- PDF ---------------------------------------------------------------------------


def pdf_for(invoice: Invoice) -> InvoicePdf:
    """The invoice's PDF: rendered on its first download (issuing stays cheap for the
    billing run) and kept as it is after that. Two requests racing both render; the
    first to insert wins and both serve its bytes."""
    kept = _kept_pdf(invoice)
    if kept is not None:
        return kept
    data = render_pdf(invoice)
    rendered = InvoicePdf(invoice_id=invoice.id, size=len(data), data=data)
    try:
        with db.session.begin_nested():
            db.session.add(rendered)
    except IntegrityError:
        return _kept_pdf(invoice)
    return rendered


def _kept_pdf(invoice: Invoice) -> InvoicePdf | None:
    return db.session.scalar(select(InvoicePdf).where(InvoicePdf.invoice_id == invoice.id))


def render_pdf(invoice: Invoice) -> bytes:
    return pdf.render("billing/invoice_pdf.html", invoice.locale, invoice=invoice, percent=_percent)


def _percent(basis_points: int) -> str:
    """20 % / 20%, 5,5 % / 5.5%: in the invoice's language (rendered under its locale)."""
    return format_percent(basis_points / 10000, "#,##0.##%")
