"""PayPal through `paypalrestsdk` (REST v1): a one-off payment (create → the buyer approves
on PayPal → execute on return), a billing plan and agreement for the monthly plans,
refunds, and webhook verification (in `paypal_webhooks`).

What `reference` holds:
- one-off payment: the PayPal payment id (PAY-…) from `charge` to `complete`; the sale id
  is in `raw["sale_id"]`. Webhooks name a sale's payment as `parent_payment`, so the
  payment id is what a Payment row is matched on.
- agreement: `charge` gives the approval token (EC-…), the only id PayPal has before the
  buyer approves and the `token` that comes back on the return URL; `complete` gives the
  agreement id (I-…), also `method.token`, which the monthly sales' webhooks name as
  `billing_agreement_id`.
- renewal on a plan's agreement (I-…): PayPal bills it by itself, so `charge` makes no
  call and answers UNKNOWN; PayPal's own sale settles it (app.services.paypal_plan_billing,
  with `agreement_sales` when a notification is late). `change_agreement` suspends,
  re-activates or cancels the agreement when the contract stops or starts again
  (`agreement_control`, app.services.paypal_agreements).
- renewal on a merchant-initiated agreement (B-…): a reference transaction (`renewals`),
  charged without the payer; `reference` is its payment id (PAY-…), the sale in
  `raw["sale_id"]`, and the sale's invoice_number is the renewal's idempotency key.
`refund` takes any of these (or a sale id) and finds the sale to refund.

Every HTTP exchange, the OAuth token call included (token redacted), goes to the gateway
log through `client.Api.http_call`."""

from app.payments.paypal.client import NAME, money
from app.payments.paypal.gateway import PayPalGateway

__all__ = ["NAME", "PayPalGateway", "money"]
