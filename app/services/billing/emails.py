"""The billing emails (FR/EN, in the member's language), queued in the caller's
transaction: a renewal charged, a payment that failed, a termination for non-payment."""

from app.domain.billing import RETRY_DAYS, TERMINATION_AFTER_DAYS
from app.extensions import db
from app.links import public_url
from app.models import Invoice, Order, Payment, Subscription, User
from app.services import mail


def _context(subscription: Subscription) -> tuple[User, str, dict]:
    user = db.session.get(User, subscription.user_id)
    order = db.session.get(Order, subscription.order_id)
    locale = (order.locale if order else None) or user.locale or "en"
    plan = "Premium Solo"
    if subscription.path is not None:
        title = subscription.path.title_fr if locale == "fr" else subscription.path.title_en
        plan = f"Premium Plus — {title}"
    return user, locale, {"user": user, "plan": plan, "account": public_url("account.profile")}


def renewal_charged(subscription: Subscription, payment: Payment, invoice: Invoice | None) -> None:
    reference = invoice.reference if invoice else None
    mail.send(renewal_charged_mail(subscription, payment, reference))


def renewal_charged_mail(
    subscription: Subscription, payment: Payment, invoice_reference: str | None
) -> mail.Mail:
    user, locale, context = _context(subscription)
    link = public_url("billing.pdf", reference=invoice_reference) if invoice_reference else None
    return mail.compose(
        user.email,
        "billing_renewal_charged",
        locale,
        payment=payment,
        invoice_reference=invoice_reference,
        next_on=subscription.current_period_end,
        invoice_link=link,
        **context,
    )


def payment_failed(subscription: Subscription, payment: Payment) -> None:
    user, locale, context = _context(subscription)
    mail.send_template(
        user.email,
        "billing_payment_failed",
        locale,
        payment=payment,
        retry_days=RETRY_DAYS,
        termination_days=TERMINATION_AFTER_DAYS,
        **context,
    )


def terminated(subscription: Subscription, owed_cents: int) -> None:
    user, locale, context = _context(subscription)
    mail.send_template(
        user.email,
        "billing_terminated",
        locale,
        owed_cents=owed_cents,
        currency=subscription.currency,
        **context,
    )
