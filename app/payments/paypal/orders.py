"""One-off PayPal payments (REST v1 payments): create → the buyer approves on PayPal →
execute on return; and what a payment's state means for us."""

import paypalrestsdk
from paypalrestsdk.resource import Resource

from app.payments.base import ChargeRequest, ChargeResult, Decline, Expected, MethodDetails, Outcome
from app.payments.paypal.client import Client, Refused, link, money
from app.payments.paypal_webhooks import to_cents


class Orders(Client):
    def _create_payment(self, request: ChargeRequest) -> ChargeResult:
        if request.amount_cents <= 0:
            raise ValueError("a one-off PayPal payment charges something")
        payment = paypalrestsdk.Payment(
            {
                "intent": "sale",
                "payer": {"payment_method": "paypal"},
                "transactions": [
                    {
                        "amount": {
                            "total": money(request.amount_cents),
                            "currency": request.currency,
                        },
                        "invoice_number": request.reference,
                        "description": request.description[:127],
                    }
                ],
                "redirect_urls": {
                    "return_url": request.return_url,
                    "cancel_url": request.cancel_url,
                },
            },
            api=self.api,
        )
        # The SDK draws a new PayPal-Request-Id for every Resource object; a retry of the
        # same charge must send the same one so that PayPal answers with the payment it
        # already created instead of a second one.
        payment.request_id = request.idempotency_key
        self._sdk(payment.create)
        self._checked(payment)
        return ChargeResult(
            Outcome.ACTION_REQUIRED,
            reference=payment.id,
            action_url=link(payment.links, "approval_url"),
            amount_cents=request.amount_cents,
            currency=request.currency,
            raw={"payment_id": payment.id, "state": payment.state},
        )

    def _execute_payment(self, expected: Expected, payment_id: str, payer_id: str | None):
        payment = self._checked(self._sdk(paypalrestsdk.Payment.find, payment_id, self.api))
        transaction = (payment.transactions or [None])[0]
        if transaction is None or transaction.invoice_number != expected.reference:
            return ChargeResult(Outcome.DECLINED, decline=Decline.NOT_THIS_ORDER)
        amount = transaction.amount
        if (to_cents(amount.total), amount.currency) != (expected.amount_cents, expected.currency):
            return ChargeResult(
                Outcome.DECLINED, reference=payment_id, decline=Decline.AMOUNT_MISMATCH
            )
        if payment.state != "created":
            # Already executed (a refresh, a second tab, a replayed return): say what it
            # became, never execute again.
            return payment_result(payment)
        if not payer_id:
            return ChargeResult(Outcome.DECLINED, reference=payment_id, decline=Decline.DECLINED)
        body = Resource({"payer_id": payer_id}, api=self.api)
        # Two returns racing each other send the same id: PayPal executes once.
        body.request_id = f"execute:{payment_id}"
        self._sdk(payment.execute, body)
        if payment.error:
            if payment.error.get("name") == "PAYMENT_ALREADY_DONE":
                payment = self._checked(self._sdk(paypalrestsdk.Payment.find, payment_id, self.api))
                return payment_result(payment)
            raise Refused(dict(payment.error))
        return payment_result(payment)


def payment_result(payment: Resource) -> ChargeResult:
    """What a v1 payment's state (and its sale's) means for us."""
    transaction = payment.transactions[0]
    sale = None
    for related in transaction.related_resources or []:
        if related.sale:
            sale = related.sale
    payer_info = payment.payer.payer_info if payment.payer else None
    raw = {
        "payment_id": payment.id,
        "state": payment.state,
        "sale_id": sale.id if sale else None,
        "sale_state": sale.state if sale else None,
    }
    if payment.state == "created":
        outcome = Outcome.ACTION_REQUIRED
    elif payment.state == "approved" and sale is not None:
        # A pending sale (eCheck, review) settles later, through a webhook.
        outcome = {
            "completed": Outcome.SUCCEEDED,
            "partially_refunded": Outcome.SUCCEEDED,
            "refunded": Outcome.SUCCEEDED,
            "pending": Outcome.UNKNOWN,
        }.get(sale.state, Outcome.DECLINED)
    else:
        outcome = Outcome.DECLINED
    return ChargeResult(
        outcome,
        reference=payment.id,
        decline=Decline.DECLINED if outcome is Outcome.DECLINED else None,
        action_url=link(payment.links, "approval_url")
        if outcome is Outcome.ACTION_REQUIRED
        else None,
        method=MethodDetails(
            kind="paypal",
            token=None,
            payer_email=payer_info.email if payer_info else None,
        )
        if outcome is Outcome.SUCCEEDED
        else None,
        amount_cents=to_cents(transaction.amount.total),
        currency=transaction.amount.currency,
        raw=raw,
    )
