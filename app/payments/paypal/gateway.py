"""The PayPal gateway: the PaymentGateway interface over the one-off payments
(`orders`), the billing agreements (`agreements`) and what is done with them after
checkout (`agreement_control`), the renewals (`renewals`), refunds and webhook
verification."""

from collections.abc import Mapping

import paypalrestsdk

from app.payments import paypal_webhooks
from app.payments.base import (
    ChargeRequest,
    ChargeResult,
    Decline,
    Expected,
    GatewayEvent,
    MethodDetails,
    Outcome,
    PaymentGateway,
    SaveMethodResult,
)
from app.payments.paypal.agreement_control import AgreementControl
from app.payments.paypal.agreements import Agreements
from app.payments.paypal.client import NAME, Api, Refused, decline_for
from app.payments.paypal.orders import Orders, payment_result
from app.payments.paypal.refunds import Refunds
from app.payments.paypal.renewals import Renewals, is_renewal, is_renewal_key
from app.payments.paypal_webhooks import to_cents


class PayPalGateway(Orders, Agreements, AgreementControl, Renewals, Refunds, PaymentGateway):
    name = NAME

    def __init__(self, api: Api, webhooks: paypal_webhooks.WebhookSettings):
        self.api = api
        self.webhooks = webhooks

    @classmethod
    def from_config(cls, config: Mapping) -> "PayPalGateway":
        if not config.get("PAYPAL_CLIENT_ID") or not config.get("PAYPAL_CLIENT_SECRET"):
            raise ValueError("PAYPAL_CLIENT_ID and PAYPAL_CLIENT_SECRET must be set")
        api = Api(
            mode=config["PAYPAL_MODE"],
            client_id=config["PAYPAL_CLIENT_ID"],
            client_secret=config["PAYPAL_CLIENT_SECRET"],
            timeout=float(config["GATEWAY_TIMEOUT_SECONDS"]),
        )
        return cls(api, paypal_webhooks.WebhookSettings.from_config(config))

    # -- PaymentGateway ---------------------------------------------------------------

    def save_method(self, user_id: int, form: Mapping[str, str]) -> SaveMethodResult:
        # The buyer gives PayPal their account on PayPal's page: nothing to keep yet.
        return SaveMethodResult(MethodDetails(kind="paypal", token=None))

    def charge(self, request: ChargeRequest) -> ChargeResult:
        if request.kind != "paypal":
            raise ValueError("the PayPal gateway takes only PayPal requests")
        if is_renewal(request):
            self._doing("charge", request.idempotency_key)
            return self._charge_agreement(request)
        if not request.return_url or not request.cancel_url:
            raise ValueError("PayPal needs a return and a cancel URL")
        self._doing("charge", request.idempotency_key)
        try:
            if request.recurring is None:
                return self._create_payment(request)
            return self._create_agreement(request)
        except Refused as refused:
            return ChargeResult(
                Outcome.DECLINED, decline=Decline.GATEWAY_ERROR, raw={"error": refused.error}
            )

    def complete(self, expected: Expected, params: Mapping[str, str]) -> ChargeResult:
        """The flow is the one we started (EC- token: an agreement), never the one the
        query string suggests."""
        self._doing("complete")
        logged = {k: str(v)[:200] for k, v in params.items()}
        if params.get("cancelled"):
            self._note("complete", logged, "cancelled")
            return ChargeResult(Outcome.CANCELLED, reference=expected.payment_reference)
        ours = expected.payment_reference
        is_agreement = bool(ours and ours.startswith("EC-"))
        theirs = params.get("token") if is_agreement else params.get("paymentId")
        if not ours or theirs != ours:
            self._note("complete", logged, "not this order")
            return ChargeResult(Outcome.DECLINED, decline=Decline.NOT_THIS_ORDER)
        try:
            if is_agreement:
                return self._execute_agreement(expected, ours)
            return self._execute_payment(expected, ours, params.get("PayerID"))
        except Refused as refused:
            return ChargeResult(
                Outcome.DECLINED,
                reference=ours,
                decline=decline_for(refused.error),
                raw={"error": refused.error},
            )

    def lookup(self, idempotency_key: str, reference: str | None) -> ChargeResult:
        self._doing("lookup", idempotency_key)
        if reference is None and is_renewal_key(idempotency_key):
            # A renewal's sale needs no approval, so a create that got no answer may have
            # charged. Sending it again with the same PayPal-Request-Id is how PayPal is
            # asked: it answers with the sale it made, or makes it once (the billing job
            # does that once the first call cannot still be in flight).
            self._note("lookup", {"idempotency_key": idempotency_key}, "send again, same id")
            return ChargeResult(Outcome.DECLINED, decline=Decline.GATEWAY_ERROR)
        if reference is None:
            # The create call itself got no answer. Whatever PayPal may have created is
            # waiting for an approval the buyer never had the link for, and expires
            # unapproved: nothing was or can be charged. A new attempt may start afresh.
            self._note("lookup", {"idempotency_key": idempotency_key}, "nothing created")
            return ChargeResult(Outcome.DECLINED, decline=Decline.GATEWAY_ERROR)
        if reference.startswith("EC-"):
            # An approval token names no agreement until the buyer's return executes it,
            # and PayPal offers no look-up by token: we are still waiting for the buyer.
            self._note("lookup", {"reference": reference}, "waiting for the buyer")
            return ChargeResult(Outcome.ACTION_REQUIRED, reference=reference)
        try:
            if reference.startswith("I-"):
                agreement = self._checked(
                    self._sdk(paypalrestsdk.BillingAgreement.find, reference, self.api)
                )
                plan = agreement.plan
                fee = (
                    plan.merchant_preferences.setup_fee
                    if plan and plan.merchant_preferences
                    else None
                )
                return self._agreement_result(agreement, to_cents(fee.value) if fee else 0)
            payment = self._checked(self._sdk(paypalrestsdk.Payment.find, reference, self.api))
            return payment_result(payment)
        except Refused as refused:
            return ChargeResult(
                Outcome.DECLINED,
                reference=reference,
                decline=Decline.GATEWAY_ERROR,
                raw={"error": refused.error},
            )

    def verify_webhook(self, headers: Mapping[str, str], body: bytes) -> list[GatewayEvent]:
        return paypal_webhooks.verify(headers, body, self.webhooks)
