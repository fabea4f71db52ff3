"""A plan-based billing agreement (I-…) after checkout: its own monthly sales, looked up
when a notification is late, and suspend / re-activate / cancel when the contract stops
or starts again (app.services.paypal_agreements)."""

from dataclasses import dataclass
from datetime import UTC, date, datetime

import paypalrestsdk

from app.domain.paypal_agreements import Action, Sale
from app.payments.base import GatewayTimeout
from app.payments.paypal.client import AGREEMENTS, Client, Refused
from app.payments.paypal_webhooks import to_cents

# PayPal's word for each state an agreement can be in (REST v1 agreement `state`).
_STATES = {"active": "active", "suspended": "suspended", "cancelled": "cancelled"}


@dataclass(frozen=True)
class AgreementChange:
    """done: PayPal did it (or the agreement was already so); error: why not (None with
    done False: no answer, try again later)."""

    done: bool
    error: dict | None = None


class AgreementControl(Client):
    def agreement_sales(self, agreement_id: str, start: date, end: date) -> list[Sale]:
        """The agreement's payments between `start` and `end` (dates, inclusive): GET
        …/billing-agreements/<id>/transactions. Raises GatewayTimeout or Refused."""
        self._doing("lookup")
        agreement = paypalrestsdk.BillingAgreement({"id": agreement_id}, api=self.api)
        found = self._checked(
            self._sdk(agreement.search_transactions, start.isoformat(), end.isoformat(), self.api)
        )
        sales = []
        for row in found.agreement_transaction_list or []:
            # The list also holds the agreement's own events ("Created", "Suspended"...),
            # with the agreement's id as transaction id: only payments have an amount.
            amount = row.amount
            stamp = parse_time(row.time_stamp)
            if amount is None or stamp is None:
                continue
            sales.append(
                Sale(
                    status=str(row.status or "").lower(),
                    cents=to_cents(amount.value),
                    currency=amount.currency,
                    when=stamp,
                    reference=row.transaction_id,
                )
            )
        return sales

    def change_agreement(
        self, agreement_id: str, action: Action, request_id: str
    ) -> AgreementChange:
        """POST …/<id>/suspend, /re-activate or /cancel. A refusal because the agreement
        is already in the state asked for counts as done (a retry after a lost answer)."""
        self._doing(action.value, request_id)
        try:
            answer = self._sdk(
                self.api.post,
                f"{AGREEMENTS}/{agreement_id}/{action.value}",
                {"note": _NOTES[action]},
                {"PayPal-Request-Id": request_id},
            )
            # The SDK answers a 400 with {"error": …} instead of raising.
            if isinstance(answer, dict) and answer.get("error"):
                raise Refused(answer["error"])
        except GatewayTimeout:
            return AgreementChange(False)
        except Refused as refused:
            if self._state_of(agreement_id) == _AFTER[action]:
                return AgreementChange(True)
            return AgreementChange(False, refused.error)
        return AgreementChange(True)

    def _state_of(self, agreement_id: str) -> str | None:
        try:
            agreement = self._checked(
                self._sdk(paypalrestsdk.BillingAgreement.find, agreement_id, self.api)
            )
        except (GatewayTimeout, Refused):
            return None
        return _STATES.get(str(agreement.state or "").lower())


_NOTES = {
    Action.SUSPEND: "Subscription cancelled or unpaid: no further payments for now",
    Action.REACTIVATE: "Subscription running again",
    Action.CANCEL: "Subscription ended",
}
_AFTER = {Action.SUSPEND: "suspended", Action.REACTIVATE: "active", Action.CANCEL: "cancelled"}


def parse_time(value) -> datetime | None:
    """PayPal's ISO times ('2026-02-05T09:20:14Z') as aware datetimes; None if unreadable."""
    if not isinstance(value, str):
        return None
    try:
        stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
