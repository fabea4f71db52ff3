"""Gateway notifications, exempt from CSRF checks (as is only the language switch,
which checks the token itself for members): a gateway cannot hold a CSRF token, so
each request is trusted only once its signature checks out."""

from flask import Response, abort, current_app, request

from app.blueprints.webhooks import bp
from app.extensions import csrf, limiter
from app.payments import gateway_named
from app.payments.base import InvalidWebhook
from app.services import payment_events
from app.web.security import log_security_event

PROVIDERS = {"paypal": "PAYPAL_GATEWAY", "adyen": "CARD_GATEWAY"}


@bp.route("/<provider>", methods=["POST"])
@csrf.exempt
@limiter.exempt
def receive(provider: str):
    setting = PROVIDERS.get(provider)
    # A gateway that is not in use has no webhook here.
    if setting is None or current_app.config[setting] != provider:
        abort(404)
    gateway = gateway_named(provider)
    body = request.get_data(cache=False)
    try:
        events = gateway.verify_webhook(dict(request.headers), body)
    except InvalidWebhook as error:
        log_security_event("webhook.refused", provider=provider, reason=str(error)[:200])
        return Response("refused", status=400, mimetype="text/plain")
    for event in events:
        payment_events.receive(event)
    # Adyen wants this exact text back; PayPal only looks at the status.
    return Response("[accepted]", status=200, mimetype="text/plain")
