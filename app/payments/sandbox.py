"""The offline sandbox gateway (the default): deterministic test cards, a 3-D Secure
page and a PayPal-like approval page served by this site, and its own books in
`sandbox_transactions`. Card numbers are reduced to a token, a brand and the last four
digits in `save_method`; the number itself goes no further."""

import secrets
from collections.abc import Callable, Mapping
from datetime import date

from flask import url_for
from sqlalchemy import insert, select

from app.domain.cards import brand_of, card_problem, digits_only, parse_expiry
from app.extensions import db
from app.models.payments import GatewayCall, SandboxTransaction
from app.payments import audit
from app.payments.base import (
    ChargeRequest,
    ChargeResult,
    Decline,
    Expected,
    GatewayEvent,
    GatewayTimeout,
    InvalidWebhook,
    MethodDetails,
    Outcome,
    PaymentGateway,
    RefundResult,
    SaveMethodResult,
)

NAME = "sandbox"

# Documented on the payment page in sandbox mode. Any expiry in the future, any CVC.
TEST_CARDS = {
    "4242424242424242": "success",
    "5555555555554444": "success",
    "4000000000000002": "declined",
    "4000000000009995": "insufficient_funds",
    "4000000000000069": "expired_card",
    "4000000000003220": "challenge",
    "4000000000000119": "timeout",
}

_DECLINES = {
    "declined": Decline.DECLINED,
    "insufficient_funds": Decline.INSUFFICIENT_FUNDS,
    "expired_card": Decline.EXPIRED_CARD,
    "unknown_card": Decline.INVALID_CARD,
}


# The buyer said yes on the sandbox's page; nothing is charged until `complete`.
APPROVED = "approved"


# Writes a new row of the sandbox (its books, or the gateway log): at once into the
# session (one call), or later, with the rest of a batch. Returns the row to read from.
Write = Callable[[type, dict], SandboxTransaction | None]


def _into_session(model: type, values: dict):
    row = model(**values)
    db.session.add(row)
    return row


def scenario_of(token: str | None) -> str:
    """Tokens read `sbx_<scenario>_<random>`; PayPal approvals are always `paypal`."""
    if not token or not token.startswith("sbx_"):
        return "unknown_card"
    return token[4:].rsplit("_", 1)[0]


class SandboxGateway(PaymentGateway):
    name = NAME

    def save_method(self, user_id: int, form: Mapping[str, str]) -> SaveMethodResult:
        number = digits_only(form.get("card_number", ""))
        problem = card_problem(
            number, form.get("card_expiry", ""), form.get("card_cvc", ""), date.today()
        )
        if problem is not None:
            return SaveMethodResult(None, (problem[0], Decline.INVALID_CARD))
        expiry = parse_expiry(form.get("card_expiry", ""))
        scenario = TEST_CARDS.get(number, "unknown_card")
        method = MethodDetails(
            kind="card",
            token=f"sbx_{scenario}_{secrets.token_hex(8)}",
            brand=brand_of(number),
            last4=number[-4:],
            exp_month=expiry.month,
            exp_year=expiry.year,
        )
        audit.record(
            NAME,
            "save_method",
            request={"user": user_id, "brand": method.brand, "last4": method.last4},
            response={"token": method.token},
            outcome="saved",
        )
        return SaveMethodResult(method)

    def _existing(self, idempotency_key: str) -> SandboxTransaction | None:
        # The books not yet flushed, then the written ones: no flush for each charge.
        for row in db.session.new:
            if isinstance(row, SandboxTransaction) and row.idempotency_key == idempotency_key:
                return row
        with db.session.no_autoflush:
            return db.session.scalar(
                select(SandboxTransaction).where(
                    SandboxTransaction.idempotency_key == idempotency_key
                )
            )

    def _result(self, row: SandboxTransaction) -> ChargeResult:
        # Approved but not completed by the shop is still waiting, as far as the shop knows.
        outcome = Outcome.ACTION_REQUIRED if row.status == APPROVED else Outcome(row.status)
        action_url = None
        if outcome is Outcome.ACTION_REQUIRED:
            endpoint = "checkout.sandbox_paypal" if row.kind == "paypal" else "checkout.sandbox_3ds"
            action_url = url_for(endpoint, reference=row.reference)
        method = None
        if row.kind == "paypal" and outcome in (Outcome.SUCCEEDED, Outcome.AUTHORISED):
            method = MethodDetails(kind="paypal", token=row.method_token, payer_email=None)
        return ChargeResult(
            outcome=outcome,
            reference=row.reference,
            decline=_DECLINES.get(row.scenario) if outcome is Outcome.DECLINED else None,
            action_url=action_url,
            method=method,
            amount_cents=row.amount_cents,
            currency=row.currency,
            raw={"reference": row.reference, "status": row.status, "scenario": row.scenario},
        )

    def charge(self, request: ChargeRequest) -> ChargeResult:
        return self._charge(request, self._existing(request.idempotency_key), _into_session)

    def charge_many(self, requests: list[ChargeRequest]) -> list[ChargeResult | Exception]:
        """The books of all the keys read at once, then each charge; the new books and
        the log are written as the batch ends, a statement each (no ORM rows: nobody
        reads them again in this transaction but this loop)."""
        keys = [request.idempotency_key for request in requests]
        known = {
            row.idempotency_key: row
            for row in db.session.scalars(
                select(SandboxTransaction).where(SandboxTransaction.idempotency_key.in_(keys))
            )
        }
        written: dict[type, list[dict]] = {SandboxTransaction: [], GatewayCall: []}

        def later(model: type, values: dict):
            written[model].append(values)
            if model is SandboxTransaction:
                # Read for this answer, and found by the same key asked again below.
                row = known[values["idempotency_key"]] = SandboxTransaction(**values)
                return row
            return None

        results: list[ChargeResult | Exception] = []
        for request in requests:
            try:
                results.append(self._charge(request, known.get(request.idempotency_key), later))
            except Exception as error:
                results.append(error)
        for model, rows in written.items():
            if rows:
                db.session.execute(insert(model), rows)
        return results

    def _charge(
        self, request: ChargeRequest, row: SandboxTransaction | None, write: "Write"
    ) -> ChargeResult:
        if row is None:
            scenario = "paypal" if request.kind == "paypal" else scenario_of(request.method_token)
            if request.kind == "paypal" and request.method_token and not request.save_for_renewals:
                # A renewal on an approved billing agreement: charged without the payer.
                scenario = "success"
            if scenario in ("paypal", "challenge"):
                status = Outcome.ACTION_REQUIRED
            elif scenario in ("success", "timeout"):
                status = Outcome.SUCCEEDED if request.amount_cents else Outcome.AUTHORISED
            else:
                status = Outcome.DECLINED
            # The bank's books are written whether or not its answer reaches us: the
            # caller commits them with the gateway log, even after a timeout.
            row = write(
                SandboxTransaction,
                {
                    "idempotency_key": request.idempotency_key,
                    "reference": "sbx-" + secrets.token_hex(8),
                    "merchant_reference": request.reference,
                    "kind": request.kind,
                    "scenario": scenario,
                    "amount_cents": request.amount_cents,
                    "currency": request.currency,
                    "status": status.value,
                    "method_token": request.method_token,
                    "return_url": request.return_url,
                    "cancel_url": request.cancel_url,
                },
            )
            if scenario == "timeout":
                write(GatewayCall, _charge_entry(request, "timeout"))
                raise GatewayTimeout(request.idempotency_key)
        result = self._result(row)
        write(GatewayCall, _charge_entry(request, result.outcome.value, dict(result.raw)))
        return result

    def transaction(self, reference: str) -> SandboxTransaction | None:
        return db.session.scalar(
            select(SandboxTransaction).where(SandboxTransaction.reference == reference)
        )

    def decide(self, reference: str, approve: bool) -> SandboxTransaction | None:
        """What the sandbox's 3-D Secure or PayPal page records when the buyer answers."""
        row = self.transaction(reference)
        if row is None or row.status != Outcome.ACTION_REQUIRED.value:
            return row
        if approve:
            # Approved, not yet charged: like PayPal's execute or Adyen's /payments/details,
            # the charge happens only when the shop completes it (`complete`).
            row.status = APPROVED
        else:
            row.status = (Outcome.CANCELLED if row.kind == "paypal" else Outcome.DECLINED).value
            if row.kind != "paypal":
                row.scenario = "authentication_failed"
        db.session.flush()
        return row

    def complete(self, expected: Expected, params: Mapping[str, str]) -> ChargeResult:
        row = self.transaction(params.get("reference", ""))
        if (
            row is None
            or row.reference != expected.payment_reference
            or row.merchant_reference != expected.reference
        ):
            return ChargeResult(Outcome.DECLINED, decline=Decline.NOT_THIS_ORDER)
        if (row.amount_cents, row.currency) != (expected.amount_cents, expected.currency):
            return ChargeResult(Outcome.DECLINED, decline=Decline.AMOUNT_MISMATCH)
        if row.status == APPROVED:
            row.status = (Outcome.SUCCEEDED if row.amount_cents else Outcome.AUTHORISED).value
            if row.kind == "paypal":
                row.method_token = f"sbx_paypal_{secrets.token_hex(8)}"
            db.session.flush()
        result = self._result(row)
        if row.scenario == "authentication_failed":
            result = ChargeResult(
                Outcome.DECLINED, reference=row.reference, decline=Decline.AUTHENTICATION_FAILED
            )
        audit.record(
            NAME,
            "complete",
            request=dict(params),
            response=dict(result.raw),
            outcome=result.outcome.value,
        )
        return result

    def lookup(self, idempotency_key: str, reference: str | None) -> ChargeResult:
        row = self._existing(idempotency_key)
        if row is None:
            # Never reached the bank: nothing was charged.
            return ChargeResult(Outcome.DECLINED, decline=Decline.GATEWAY_ERROR)
        result = self._result(row)
        audit.record(
            NAME,
            "lookup",
            request={"idempotency_key": idempotency_key},
            response=dict(result.raw),
            outcome=result.outcome.value,
            idempotency_key=idempotency_key,
        )
        return result

    def refund(
        self, payment_reference: str, amount_cents: int, currency: str, idempotency_key: str
    ) -> RefundResult:
        row = self.transaction(payment_reference)
        ok = (
            row is not None
            and row.status == Outcome.SUCCEEDED.value
            and row.currency == currency
            and row.refunded_cents + amount_cents <= row.amount_cents
        )
        if ok:
            row.refunded_cents += amount_cents
        audit.record(
            NAME,
            "refund",
            request={"reference": payment_reference, "amount": amount_cents},
            response={"ok": ok},
            outcome="refunded" if ok else "refused",
            idempotency_key=idempotency_key,
        )
        return RefundResult(ok, reference=payment_reference if ok else None)

    def verify_webhook(self, headers: Mapping[str, str], body: bytes) -> list[GatewayEvent]:
        raise InvalidWebhook("the sandbox sends no webhooks")


def _charge_entry(request: ChargeRequest, outcome: str, response: dict | None = None) -> dict:
    return audit.entry(
        NAME,
        "charge",
        request=_charge_log(request),
        response=response,
        outcome=outcome,
        idempotency_key=request.idempotency_key,
    )


def _charge_log(request: ChargeRequest) -> dict:
    return {
        "idempotency_key": request.idempotency_key,
        "amount": request.amount_cents,
        "currency": request.currency,
        "reference": request.reference,
        "kind": request.kind,
        "method": request.method_token,
    }
