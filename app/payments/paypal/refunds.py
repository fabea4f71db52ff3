"""PayPal refunds: find the sale behind what we kept (a payment, an agreement or a sale
id) and refund it, once per idempotency key."""

from datetime import date, timedelta

import paypalrestsdk
from paypalrestsdk.resource import Resource

from app.payments.base import Outcome, RefundResult
from app.payments.paypal.client import Client, Refused, money


class Refunds(Client):
    def refund(
        self, payment_reference: str, amount_cents: int, currency: str, idempotency_key: str
    ) -> RefundResult:
        self._doing("refund", idempotency_key)
        try:
            sale_id = self._sale_of(payment_reference)
            if sale_id is None:
                self._note("refund", {"reference": payment_reference}, "no sale to refund")
                return RefundResult(False, outcome=Outcome.DECLINED)
            sale = self._checked(self._sdk(paypalrestsdk.Sale.find, sale_id, self.api))
            if sale.amount.currency != currency or sale.state not in (
                "completed",
                "partially_refunded",
            ):
                self._note("refund", {"sale_id": sale_id}, f"sale is {sale.state}")
                return RefundResult(False, outcome=Outcome.DECLINED, raw={"sale_id": sale_id})
            body = Resource(
                {"amount": {"total": money(amount_cents), "currency": currency}}, api=self.api
            )
            # A retried refund must not refund twice.
            body.request_id = idempotency_key
            refund = self._checked(self._sdk(sale.refund, body))
        except Refused as refused:
            return RefundResult(False, outcome=Outcome.DECLINED, raw={"error": refused.error})
        done = refund.state in ("completed", "pending")
        return RefundResult(
            done,
            reference=refund.id,
            outcome=Outcome.SUCCEEDED if done else Outcome.DECLINED,
            raw={"refund_id": refund.id, "state": refund.state, "sale_id": sale_id},
        )

    def _sale_of(self, reference: str) -> str | None:
        """The sale behind a payment id, an agreement id (its latest completed payment:
        Solo's withdrawal refunds the setup fee) or a sale id itself."""
        if reference.startswith(("PAY-", "PAYID-")):
            payment = self._checked(self._sdk(paypalrestsdk.Payment.find, reference, self.api))
            for transaction in payment.transactions or []:
                for related in transaction.related_resources or []:
                    if related.sale:
                        return related.sale.id
            return None
        if reference.startswith("I-"):
            agreement = paypalrestsdk.BillingAgreement({"id": reference}, api=self.api)
            today = date.today()
            found = self._checked(
                self._sdk(
                    agreement.search_transactions,
                    (today - timedelta(days=400)).isoformat(),
                    (today + timedelta(days=1)).isoformat(),
                    # Without it the SDK reaches for its global, unconfigured Api.
                    self.api,
                )
            )
            completed = [
                t
                for t in found.agreement_transaction_list or []
                if str(t.status).lower() == "completed" and t.transaction_id
            ]
            return completed[-1].transaction_id if completed else None
        return reference
