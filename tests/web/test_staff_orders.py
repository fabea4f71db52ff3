"""Staff find an order by reference or the buyer's email and read what is on record."""

import pytest

from app.models import Role
from tests.checkout_fixtures import DECLINED_CARD, GOOD_CARD, buy_until_review, signed_in_member


@pytest.mark.parametrize("path", ["/staff/orders", "/staff/orders/AT-00000000"])
def test_only_staff_see_orders(shop, client, make_user, path):
    assert client.get(path).status_code == 302  # to sign in
    learner, _member = signed_in_member(shop, make_user)
    assert learner.get(path).status_code == 403
    mentor, _member = signed_in_member(shop, make_user, role=Role.MENTOR)
    assert mentor.get(path).status_code == 302  # to two-factor setup first


def test_find_an_order_and_read_its_record(shop, staff_client, make_user):
    client, member = signed_in_member(shop, make_user, name="Ana <b>Lima</b>")
    buyer = buy_until_review(client, card=DECLINED_CARD)
    buyer.confirm()  # declined
    buyer.card(GOOD_CARD)
    buyer.confirm()
    order = buyer.order
    waiting = buy_until_review(signed_in_member(shop, make_user)[0])  # another buyer, a draft

    everything = staff_client.get("/staff/orders").get_data(as_text=True)
    assert order.reference in everything and waiting.order.reference in everything
    assert "Completed" in everything and "Being filled in" in everything
    assert "Ana &lt;b&gt;Lima&lt;/b&gt;" in everything  # names are escaped

    def listed(**args) -> str:
        return staff_client.get("/staff/orders", query_string=args).get_data(as_text=True)

    assert waiting.order.reference not in listed(status="completed")
    by_email = listed(q=member.email.upper())
    assert order.reference in by_email and waiting.order.reference not in by_email
    short = order.reference.removeprefix("AT-").lower()
    assert order.reference in listed(q=f" {short} ")
    assert "No order matches." in listed(q="AT-ZZZZZZZZ")
    assert "No order matches." not in listed(status="not-a-status")  # ignored, all shown

    page = staff_client.get(f"/staff/orders/{order.reference}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for words in ("Declined", "Paid", "Terms of Service", "The learner", "Subscription"):
        assert words in html, words
    assert html.count("<tr>") == 3  # the header and two attempts
    assert staff_client.get(f"/staff/orders/{short}").status_code == 200
    assert staff_client.get("/staff/orders/AT-ZZZZZZZZ").status_code == 404
    french = staff_client.get(f"/staff/orders/{order.reference}", headers={"Accept-Language": "fr"})
    assert french.status_code == 200
