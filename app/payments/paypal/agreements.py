"""PayPal billing plans and agreements (REST v1) for the monthly plans: create the plan
and the agreement → the buyer approves on PayPal → execute on return."""

import contextlib
from urllib.parse import parse_qs, urlsplit

import paypalrestsdk
from paypalrestsdk.resource import Resource

from app.domain.periods import add_months
from app.payments.base import (
    ChargeRequest,
    ChargeResult,
    Decline,
    Expected,
    GatewayTimeout,
    MethodDetails,
    Outcome,
)
from app.payments.paypal.client import AGREEMENTS, APPROVAL_TOKEN, Refused, link, money
from app.payments.paypal.refunds import Refunds
from app.payments.paypal_webhooks import to_cents


class Agreements(Refunds):
    def _create_agreement(self, request: ChargeRequest) -> ChargeResult:
        recurring = request.recurring
        currency = request.currency
        key = request.idempotency_key
        # Solo pays its first month at approval, as the setup fee: the agreement's own
        # charges start a month later. Plus pays nothing until its reflection period ends.
        months_paid = 1 if request.amount_cents > 0 else 0
        start = add_months(recurring.first_charge_on, months_paid)
        # The discount counts from the first charge (order_pricing.quote), so a setup fee
        # already used one discounted month.
        trial_cycles = max(recurring.discount_months - months_paid, 0)
        definitions = []
        if trial_cycles and recurring.discount_cents:
            definitions.append(
                {
                    "name": "Discounted months",
                    "type": "TRIAL",
                    "frequency": "MONTH",
                    "frequency_interval": "1",
                    "cycles": str(trial_cycles),
                    "amount": {
                        "value": money(recurring.monthly_cents - recurring.discount_cents),
                        "currency": currency,
                    },
                }
            )
        definitions.append(
            {
                "name": "Monthly",
                "type": "REGULAR",
                "frequency": "MONTH",
                "frequency_interval": "1",
                "cycles": "0",
                "amount": {"value": money(recurring.monthly_cents), "currency": currency},
            }
        )
        preferences = {
            "return_url": request.return_url,
            "cancel_url": request.cancel_url,
            "auto_bill_amount": "YES",
            # A refused first payment must not leave an agreement that looks signed.
            "initial_fail_amount_action": "CANCEL",
        }
        if request.amount_cents > 0:
            preferences["setup_fee"] = {"value": money(request.amount_cents), "currency": currency}
        description = (recurring.description or request.description)[:120]
        plan = paypalrestsdk.BillingPlan(
            {
                "name": f"Atelier {request.reference}"[:128],
                "description": description,
                "type": "INFINITE",
                "payment_definitions": definitions,
                "merchant_preferences": preferences,
            },
            api=self.api,
        )
        # One PayPal-Request-Id per step, all derived from the charge's key, so that a
        # retry replays each step rather than creating a second plan or agreement. The
        # activation needs its own: the SDK would otherwise resend the creation's id.
        plan.request_id = f"{key}:plan"
        self._sdk(plan.create)
        self._checked(plan)
        plan.request_id = f"{key}:plan-activate"
        self._sdk(plan.activate)
        self._checked(plan)
        agreement = paypalrestsdk.BillingAgreement(
            {
                "name": f"Atelier {request.reference}"[:128],
                "description": f"{description} ({request.reference})"[:127],
                "start_date": f"{start.isoformat()}T00:00:00Z",
                "plan": {"id": plan.id},
                "payer": {"payment_method": "paypal"},
            },
            api=self.api,
        )
        agreement.request_id = key
        self._sdk(agreement.create)
        self._checked(agreement)
        approval = link(agreement.links, "approval_url")
        token = parse_qs(urlsplit(approval or "").query).get("token", [None])[0]
        if not token:
            raise Refused({"name": "NO_APPROVAL_TOKEN", "links": str(agreement.links)})
        return ChargeResult(
            Outcome.ACTION_REQUIRED,
            reference=token,
            action_url=approval,
            amount_cents=request.amount_cents,
            currency=currency,
            raw={"plan_id": plan.id, "token": token, "start_date": start.isoformat()},
        )

    def _execute_agreement(self, expected: Expected, token: str) -> ChargeResult:
        if not APPROVAL_TOKEN.match(token):
            return ChargeResult(Outcome.DECLINED, decline=Decline.NOT_THIS_ORDER)
        # BillingAgreement.execute sends no PayPal-Request-Id at all; a fixed one per
        # token makes a replayed return get PayPal's first answer back.
        answer = self._sdk(
            self.api.post,
            f"{AGREEMENTS}/{token}/agreement-execute",
            {},
            {"PayPal-Request-Id": f"agreement-execute:{token}"},
        )
        agreement = self._checked(paypalrestsdk.BillingAgreement(answer, api=self.api))
        plan = agreement.plan
        preferences = plan.merchant_preferences if plan else None
        setup_fee = preferences.setup_fee if preferences else None
        fee_cents = to_cents(setup_fee.value) if setup_fee else 0
        currency = (plan.currency_code if plan else None) or (
            setup_fee.currency if setup_fee else None
        )
        if currency != expected.currency or fee_cents != expected.amount_cents:
            # Signed for other figures than the order's: stop it before it bills again.
            self._cancel_agreement(agreement.id, "Amount differs from the order")
            raw = {"agreement_id": agreement.id, "state": agreement.state}
            if fee_cents > 0 and str(agreement.state or "").lower() == "active":
                # An active agreement has taken its setup fee: it goes back to the payer.
                raw["setup_fee"] = self._give_back_setup_fee(agreement.id, fee_cents, currency)
            return ChargeResult(
                Outcome.DECLINED,
                reference=agreement.id,
                decline=Decline.AMOUNT_MISMATCH,
                raw=raw,
            )
        return self._agreement_result(agreement, fee_cents)

    def _give_back_setup_fee(self, agreement_id: str, fee_cents: int, currency: str) -> dict:
        """Refund the setup fee an agreement we refused took, once (a fixed request id per
        agreement). What checkout needs for its books: the amount, and whether PayPal
        refunded it (None: no answer; staff see the refund pending)."""
        key = f"setup-fee:{agreement_id}"[:64]
        given = {"key": key, "cents": fee_cents, "currency": currency, "refunded": None}
        try:
            result = self.refund(agreement_id, fee_cents, currency, key)
        except GatewayTimeout:
            return given
        return given | {
            "refunded": result.succeeded,
            "refund_id": result.reference,
            "sale_id": result.raw.get("sale_id"),
        }

    def _cancel_agreement(self, agreement_id: str | None, note: str) -> None:
        if not agreement_id:
            return
        # The refusal stands either way; the gateway log shows whether the cancel failed.
        with contextlib.suppress(Refused, GatewayTimeout):
            self._sdk(
                self.api.post,
                f"{AGREEMENTS}/{agreement_id}/cancel",
                {"note": note},
                {"PayPal-Request-Id": f"cancel:{agreement_id}"},
            )

    @staticmethod
    def _agreement_result(agreement: Resource, fee_cents: int) -> ChargeResult:
        state = str(agreement.state or "").lower()
        if state == "active":
            outcome = Outcome.SUCCEEDED if fee_cents > 0 else Outcome.AUTHORISED
        elif state == "pending":
            outcome = Outcome.UNKNOWN
        else:
            outcome = Outcome.DECLINED
        payer_info = agreement.payer.payer_info if agreement.payer else None
        return ChargeResult(
            outcome,
            reference=agreement.id,
            decline=Decline.DECLINED if outcome is Outcome.DECLINED else None,
            method=MethodDetails(
                kind="paypal",
                token=agreement.id,
                payer_email=payer_info.email if payer_info else None,
            ),
            amount_cents=fee_cents,
            currency=agreement.plan.currency_code if agreement.plan else None,
            raw={
                "agreement_id": agreement.id,
                "state": agreement.state,
                "start_date": agreement.start_date,
            },
        )
