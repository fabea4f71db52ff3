"""Monthly renewals on an approved billing agreement, as the billing job asks for them.

- An agreement from a billing plan (I-…, what checkout signs) is billed by PayPal itself
  every month (auto_bill_amount): charging it too would take the month twice. Its
  renewal makes no call and answers UNKNOWN; PayPal's own sale settles it, from its
  notification or a look-up of the agreement's transactions
  (app.services.paypal_plan_billing). A retry or Pay now (attempt 2 and after) is a
  balance with interest and fee that the plan cannot bill: declined at once, so that the
  member pays it with another method (Settings → Payment).
- A merchant-initiated agreement (B-…) is charged by us: a reference transaction (REST
  v1 payments), without the payer.

The job's idempotency key (`renew:<subscription>:<period>`, `:<n>` for a retry) is the
PayPal-Request-Id, so that a retry after a timeout gets PayPal's first answer instead of
a second sale, and it is the sale's `invoice_number` and `custom`, so that the
PAYMENT.SALE.* notifications of that sale name the charge they are about
(app.services.paypal_renewals)."""

import paypalrestsdk

from app.domain.paypal_agreements import is_plan_agreement
from app.payments.base import ChargeRequest, ChargeResult, Decline, Outcome
from app.payments.paypal.client import Client, Refused, decline_for, money
from app.payments.paypal.orders import payment_result

# Billing agreement ids: I-… (agreements from a billing plan, what checkout signs) or B-…
# (merchant-initiated agreements); both are what a renewal's method token holds.
AGREEMENT_PREFIXES = ("I-", "B-")


def is_renewal(request: ChargeRequest) -> bool:
    """A charge the payer is not there for: on a kept agreement, with nowhere to return."""
    return (
        request.recurring is None
        and not request.save_for_renewals
        and bool(request.method_token)
        and str(request.method_token).startswith(AGREEMENT_PREFIXES)
    )


def is_renewal_key(idempotency_key: str | None) -> bool:
    return bool(idempotency_key) and idempotency_key.startswith("renew:")


def is_retry_key(idempotency_key: str | None) -> bool:
    """renew:<subscription>:<period>:<n>: attempt n of an unpaid renewal (retry, Pay now)."""
    return is_renewal_key(idempotency_key) and idempotency_key.count(":") >= 3


class Renewals(Client):
    def _charge_agreement(self, request: ChargeRequest) -> ChargeResult:
        if request.amount_cents <= 0:
            raise ValueError("a renewal charges something")
        if is_plan_agreement(request.method_token):
            return self._billed_by_plan(request)
        key = request.idempotency_key
        payment = paypalrestsdk.Payment(
            {
                "intent": "sale",
                "payer": {
                    "payment_method": "paypal",
                    "funding_instruments": [
                        {"billing": {"billing_agreement_id": request.method_token}}
                    ],
                },
                "transactions": [
                    {
                        "amount": {
                            "total": money(request.amount_cents),
                            "currency": request.currency,
                        },
                        "invoice_number": key,
                        "custom": key,
                        "description": request.description[:127],
                    }
                ],
            },
            api=self.api,
        )
        payment.request_id = key
        try:
            self._sdk(payment.create)
            self._checked(payment)
        except Refused as refused:
            # PayPal did nothing: the agreement was cancelled, the account cannot pay.
            return ChargeResult(
                Outcome.DECLINED,
                decline=decline_for(refused.error),
                amount_cents=request.amount_cents,
                currency=request.currency,
                raw={"error": refused.error},
            )
        result = payment_result(payment)
        if result.outcome is Outcome.ACTION_REQUIRED:
            # A reference transaction needs no approval: one that asks for it is refused.
            return ChargeResult(
                Outcome.DECLINED, reference=payment.id, decline=Decline.DECLINED, raw=result.raw
            )
        return result

    def _billed_by_plan(self, request: ChargeRequest) -> ChargeResult:
        """No HTTP call: PayPal bills a plan's agreement on its own cycle."""
        logged = {"idempotency_key": request.idempotency_key, "agreement": request.method_token}
        if is_retry_key(request.idempotency_key):
            self._note("charge", logged, "declined: a plan bills no balance")
            return ChargeResult(
                Outcome.DECLINED,
                decline=Decline.DECLINED,
                amount_cents=request.amount_cents,
                currency=request.currency,
                raw={"billed_by": "plan", "retry": True},
            )
        self._note("charge", logged, "billed by PayPal's plan: no call")
        return ChargeResult(
            Outcome.UNKNOWN,
            amount_cents=request.amount_cents,
            currency=request.currency,
            raw={"billed_by": "plan"},
        )
