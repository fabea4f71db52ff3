"""Payment gateways behind one interface (`base.PaymentGateway`), chosen by config:
CARD_GATEWAY is "sandbox" or "adyen", PAYPAL_GATEWAY is "sandbox" or "paypal"."""

from flask import current_app

from app.payments.base import PaymentGateway


def gateway_named(name: str) -> PaymentGateway:
    config = current_app.config
    if name == "sandbox":
        from app.payments.sandbox import SandboxGateway

        return SandboxGateway()
    if name == "paypal":
        from app.payments.paypal import PayPalGateway

        return PayPalGateway.from_config(config)
    if name == "adyen":
        from app.payments.adyen import AdyenGateway

        return AdyenGateway.from_config(config)
    raise ValueError(f"unknown payment gateway {name!r}")


def gateway_for(kind: str) -> PaymentGateway:
    """The gateway that handles this kind of method ("card" or "paypal")."""
    setting = "PAYPAL_GATEWAY" if kind == "paypal" else "CARD_GATEWAY"
    return gateway_named(current_app.config[setting])
