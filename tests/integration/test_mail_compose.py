"""Composing an email in the recipient's language, whatever the request's language and
whatever was composed before: each language has its own templates (gettext bound to its
catalogue), and the site's own templates keep the request's language."""

from datetime import date
from types import SimpleNamespace

from flask import render_template_string
from flask_babel import force_locale

from app.services import mail

RENEWAL = {
    "payment": SimpleNamespace(amount_cents=2000, currency="EUR"),
    "invoice_reference": "F2026-000001",
    "invoice_link": "https://atelier.example/i",
    "next_on": date(2026, 3, 5),
    "user": SimpleNamespace(name="Camille"),
    "plan": "Premium Solo",
    "account": "https://atelier.example/account",
}


def compose(locale: str) -> mail.Mail:
    return mail.compose("camille@example.org", "billing_renewal_charged", locale, **RENEWAL)


def test_each_email_is_in_its_recipients_language_whatever_came_before(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        for locale in ("fr", "en", "fr", "en"):
            composed = compose(locale)
            if locale == "fr":
                assert composed.subject == "Votre abonnement Premium Solo est renouvelé"
                assert "20,00\u00a0€" in composed.text_body
                assert "5 mars 2026" in composed.html_body
                assert "Prochain paiement" in composed.html_body
            else:
                assert composed.subject == "Your Premium Solo subscription is renewed"
                assert "€20.00" in composed.text_body
                assert "Next payment: 5 March 2026." in composed.html_body


def test_a_french_email_leaves_the_sites_pages_in_the_requests_language(app):
    page = '{{ _("Next payment: %(date)s.", date="x") }}'
    with app.test_request_context(headers={"Accept-Language": "en"}):
        compose("fr")
        assert render_template_string(page) == "Next payment: x."
        with force_locale("fr"):
            compose("en")
            assert render_template_string(page) == "Prochain paiement : x."
