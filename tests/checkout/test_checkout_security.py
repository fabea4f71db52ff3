from sqlalchemy import func, select

from app.extensions import csrf, db
from app.models import Order
from tests.checkout_fixtures import buy_until_review
from tests.conftest import sign_in


def test_only_the_webhook_route_and_the_language_switch_are_csrf_exempt(app):
    assert csrf._exempt_views == {
        # A gateway cannot hold a token: the signature is checked instead.
        "app.blueprints.webhooks.views.receive",
        # A visitor's choice only sets the `locale` cookie, so public pages carry no
        # token; a member's is checked by the view itself (tests/web/test_i18n.py).
        "app.blueprints.home.views.set_language",
    }
    assert not csrf._exempt_blueprints


def test_checkout_posts_need_the_csrf_token(shop, make_app):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    assert client.post("/checkout/solo").status_code == 400
    assert client.post("/checkout/path/web-developer").status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0


def test_confirm_without_the_token_charges_nothing(shop, make_app, make_user, client):
    user = make_user()
    sign_in(client, user.email, user.password)
    buyer = buy_until_review(client)
    guarded = make_app(WTF_CSRF_ENABLED=True).test_client()
    sign_in(guarded, user.email, user.password)  # 400 without a token: still signed out
    response = guarded.post(buyer.url("confirm"), data={"accept_terms": "y"})
    assert response.status_code in (400, 404)
    assert buyer.order.payment_attempt == 1 and buyer.order.confirmed_at is None


def test_checkout_pages_are_not_cached(shop, client, make_user):
    user = make_user()
    sign_in(client, user.email, user.password)
    buyer = buy_until_review(client)
    for step in ("eligibility", "details", "payment", "review"):
        response = client.get(buyer.url(step))
        assert "no-store" in response.headers.get("Cache-Control", ""), step


def test_webhook_for_a_gateway_not_in_use_is_not_found(client):
    assert client.post("/webhooks/paypal", data=b"{}").status_code == 404
    assert client.post("/webhooks/adyen", data=b"{}").status_code == 404
    assert client.post("/webhooks/sandbox", data=b"{}").status_code == 404
