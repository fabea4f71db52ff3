"""Refunds of captured card payments at Adyen ("received" here; the REFUND notification
is Adyen's final word)."""

import re

from app.payments import audit
from app.payments.adyen.client import NAME, Client
from app.payments.base import RefundResult

# A pspReference goes into the refund URL: nothing but Adyen's own alphabet.
_PSP_REFERENCE = re.compile(r"^[A-Za-z0-9]{1,64}$")


class Refunds(Client):
    def refund(
        self, payment_reference: str, amount_cents: int, currency: str, idempotency_key: str
    ) -> RefundResult:
        body = {
            "amount": {"value": amount_cents, "currency": currency},
            "reference": idempotency_key,
            "merchantAccount": self.merchant_account,
        }
        if not _PSP_REFERENCE.match(payment_reference or ""):
            audit.record(
                NAME,
                "refund",
                request={**body, "paymentPspReference": payment_reference},
                outcome="refused",
                idempotency_key=idempotency_key,
            )
            return RefundResult(False)
        reply = self._send(
            "refund",
            lambda: self.checkout.modifications_api.refund_captured_payment(
                body, payment_reference, idempotency_key=idempotency_key
            ),
            {**body, "paymentPspReference": payment_reference},
            idempotency_key=idempotency_key,
        )
        # "received" only: Adyen's final word is the REFUND notification.
        ok = not reply.failed and reply.body.get("status") == "received"
        self._log(
            "refund",
            {**body, "paymentPspReference": payment_reference},
            reply,
            "received" if ok else "refused",
            idempotency_key=idempotency_key,
        )
        return RefundResult(
            ok, reference=reply.body.get("pspReference") if ok else None, raw=reply.body
        )
