"""Staff create, change, switch off and on the promo codes members type at checkout."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.domain.promotions import DiscountKind
from app.extensions import db
from app.models import PromoCode, Role
from app.services import promotions
from tests.conftest import current_code, enable_two_factor, sign_in, without_title

HX = {"HX-Request": "true"}


def signed_in_staff(client, make_user):
    staff = make_user(role=Role.STAFF)
    secret = enable_two_factor(staff)
    sign_in(client, staff.email, staff.password)
    client.post("/signin/code", data={"code": current_code(secret)})
    return staff


@pytest.fixture
def staff_client(app, make_user):
    client = app.test_client()
    signed_in_staff(client, make_user)
    return client


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(PromoCode))


def the_promo(code: str) -> PromoCode:
    db.session.expire_all()
    return db.session.scalar(select(PromoCode).where(PromoCode.code == code))


def promo_data(**overrides):
    return {
        "code": "welcome20",
        "description": "Autumn campaign",
        "kind": "percent",
        "percent": "20",
        "amount": "",
        "months": "3",
        "plans": ["solo", "plus"],
        "starts_at": "2027-03-01T09:00",
        "ends_at": "2027-04-01T00:00",
        "max_redemptions": "50",
        "max_per_member": "1",
        **overrides,
    }


PAGES = ["/staff/promotions", "/staff/promotions/new", "/staff/promotions/1"]


@pytest.mark.parametrize("url", PAGES)
def test_learners_get_403(client, make_user, url):
    learner = make_user()
    sign_in(client, learner.email, learner.password)
    assert client.get(url).status_code == 403
    posts = ["/staff/promotions/1/deactivate", "/staff/promotions/1/reactivate"]
    for post_url in [*PAGES[1:], *posts]:
        assert client.post(post_url, data=promo_data()).status_code == 403
    assert count() == 0


@pytest.mark.parametrize("url", [*PAGES, "/staff/promotions/1/deactivate"])
def test_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url) if "deactivate" not in url else client.post(url)
    assert response.status_code == 302 and "/signin" in response.headers["Location"]


def test_the_staff_nav_links_to_promo_codes(staff_client):
    html = staff_client.get("/staff/").get_data(as_text=True)
    assert 'href="/staff/promotions"' in html and "Promo codes" in html


def test_create_a_promo_code_and_see_it_listed(staff_client):
    empty = staff_client.get("/staff/promotions").get_data(as_text=True)
    assert "No promo code yet." in empty and 'href="/staff/promotions/new"' in empty
    response = staff_client.post("/staff/promotions/new", data=promo_data())
    assert response.status_code == 302, response.get_data(as_text=True)
    promo = the_promo("WELCOME20")
    assert (promo.kind, promo.value, promo.months, promo.for_solo, promo.for_plus) == (
        DiscountKind.PERCENT,
        20,
        3,
        True,
        True,
    )
    # Typed as Paris time (UTC+1 in March), stored in UTC.
    assert promo.starts_at == datetime(2027, 3, 1, 8, 0, tzinfo=UTC)
    assert promo.ends_at == datetime(2027, 3, 31, 22, 0, tzinfo=UTC)  # UTC+2 from 28 March
    assert (promo.max_redemptions, promo.max_per_member, promo.redemptions) == (50, 1, 0)
    assert promo.description == "Autumn campaign" and promo.created_by_id is not None
    page = staff_client.get("/staff/promotions")
    html = page.get_data(as_text=True)
    assert "The promo code WELCOME20 has been saved." in html
    assert "WELCOME20" in html and "20% off" in html and "Premium Solo, Premium Plus" in html
    assert "3 months" in html and "0 / 50" in html
    assert "1 Mar 2027, 09:00" in html and "1 Apr 2027, 00:00" in html  # shown in Paris time
    assert "Not started yet" in html


def test_a_fixed_amount_code_without_limits(staff_client):
    data = promo_data(
        code="SPRING10",
        kind="fixed",
        percent="",
        amount="10",
        months="1",
        plans=["solo"],
        starts_at="",
        ends_at="",
        max_redemptions="",
    )
    assert staff_client.post("/staff/promotions/new", data=data).status_code == 302
    promo = the_promo("SPRING10")
    assert (promo.kind, promo.value, promo.plans) == (DiscountKind.FIXED, 1000, {"solo"})
    assert promo.ends_at is None and promo.max_redemptions is None
    # No start typed: valid from now.
    assert abs(promo.starts_at - datetime.now(UTC)) < timedelta(minutes=2)
    html = staff_client.get("/staff/promotions").get_data(as_text=True)
    assert "€10.00 off" in html and "1 month" in html and "0 / no limit" in html
    assert "No end date" in html and "Active" in html


@pytest.mark.parametrize(
    ("overrides", "message", "field"),
    [
        ({"code": ""}, "Enter the code.", "code"),
        ({"code": "ab"}, "Use 3 to 40 letters, digits or hyphens, like WELCOME20.", "code"),
        ({"code": "WELCOME 20%"}, "Use 3 to 40 letters, digits or hyphens", "code"),
        ({"code": "A" * 41}, "Use 3 to 40 letters, digits or hyphens", "code"),
        ({"kind": ""}, "Select the kind of discount.", "kind"),
        ({"percent": ""}, "Enter the percentage off.", "percent"),
        ({"percent": "0"}, "Enter a percentage between 1 and 100.", "percent"),
        ({"percent": "101"}, "Enter a percentage between 1 and 100.", "percent"),
        ({"percent": "twenty"}, "Enter a whole number, like 12.", "percent"),
        ({"kind": "fixed", "amount": ""}, "Enter the amount off.", "amount"),
        (
            {"kind": "fixed", "amount": "0"},
            "Enter an amount between 0.01 and 10,000 euros.",
            "amount",
        ),
        ({"kind": "fixed", "amount": "-5"}, "Enter an amount between 0.01 and 10,000", "amount"),
        ({"kind": "fixed", "amount": "9.999"}, "Enter an amount in euros, like 49.90.", "amount"),
        ({"kind": "fixed", "amount": "lots"}, "Enter an amount in euros, like 49.90.", "amount"),
        ({"months": "0"}, "Enter a number of months between 1 and 120.", "months"),
        ({"months": ""}, "Enter the number of months discounted.", "months"),
        ({"plans": []}, "Select at least one plan.", "plans"),
        ({"ends_at": "2027-03-01T09:00"}, "The end must be after the start.", "ends_at"),
        ({"ends_at": "2027-02-01T09:00"}, "The end must be after the start.", "ends_at"),
        ({"starts_at": "1 March"}, "Enter a date and time, like 2027-03-01 09:00.", "starts_at"),
        ({"max_redemptions": "0"}, "Enter a number between 1 and 1,000,000", "max_redemptions"),
        ({"max_per_member": "0"}, "Enter a number between 1 and 1,000.", "max_per_member"),
        ({"max_per_member": ""}, "Enter the number of uses per member.", "max_per_member"),
    ],
)
def test_each_bad_answer_is_refused_next_to_its_field(staff_client, overrides, message, field):
    response = staff_client.post("/staff/promotions/new", data=promo_data(**overrides))
    html = response.get_data(as_text=True)
    assert response.status_code == 422, html
    assert message in html and f'id="{field}-error"' in html
    assert "There is a problem" in html and "<title>Error: New promo code" in html
    assert 'value="Autumn campaign"' in html  # nothing typed is lost
    assert count() == 0


def test_a_code_taken_by_another_promo_or_a_member_is_refused(app, staff_client, make_user):
    assert staff_client.post("/staff/promotions/new", data=promo_data()).status_code == 302
    again = staff_client.post("/staff/promotions/new", data=promo_data(code="Welcome20"))
    assert again.status_code == 422
    assert "Another promo code already uses this code." in again.get_data(as_text=True)
    referral = promotions.referral_code_for(make_user())
    db.session.commit()
    taken = staff_client.post("/staff/promotions/new", data=promo_data(code=referral))
    assert taken.status_code == 422
    # Lazy translations render as they are (flask-babel marks them safe): no &#39; here.
    assert "A member's referral code already uses this code." in taken.get_data(as_text=True)
    assert count() == 1


def test_the_errors_come_back_as_an_htmx_fragment(staff_client):
    response = staff_client.post(
        "/staff/promotions/new", data=promo_data(months="0", plans=[]), headers=HX
    )
    assert response.status_code == 422 and "HX-Request" in response.headers["Vary"]
    html = response.get_data(as_text=True)
    assert html.startswith("<title>Error: New promo code")
    fragment = without_title(html)
    assert fragment.startswith('<div id="promo-form">') and "<h1>" not in fragment
    assert 'href="#plans-0"' in fragment and 'id="months-error"' in fragment
    ok = staff_client.post("/staff/promotions/new", data=promo_data(), headers=HX)
    assert ok.status_code == 204 and ok.headers["HX-Redirect"] == "/staff/promotions"


def test_edit_a_promo_code(staff_client):
    staff_client.post("/staff/promotions/new", data=promo_data())
    promo = the_promo("WELCOME20")
    form = staff_client.get(f"/staff/promotions/{promo.id}").get_data(as_text=True)
    assert 'value="WELCOME20"' in form and 'value="20"' in form
    assert 'value="2027-03-01T09:00"' in form  # Paris time again
    assert re.search(r'<input checked [^>]*id="plans-1"', form)
    data = promo_data(kind="fixed", percent="", amount="12,50", plans=["plus"], max_redemptions="")
    assert staff_client.post(f"/staff/promotions/{promo.id}", data=data).status_code == 302
    promo = the_promo("WELCOME20")
    assert (promo.kind, promo.value, promo.plans, promo.max_redemptions) == (
        DiscountKind.FIXED,
        1250,
        {"plus"},
        None,
    )
    again = staff_client.get(f"/staff/promotions/{promo.id}").get_data(as_text=True)
    assert 'value="12.50"' in again
    assert staff_client.get("/staff/promotions/999").status_code == 404


def test_a_used_code_keeps_its_text_and_at_least_its_uses(staff_client):
    staff_client.post("/staff/promotions/new", data=promo_data())
    promo = the_promo("WELCOME20")
    promo.redemptions = 7
    db.session.commit()
    url = f"/staff/promotions/{promo.id}"
    assert "Used 7 times." in staff_client.get(url).get_data(as_text=True)
    lower = staff_client.post(url, data=promo_data(max_redemptions="6"))
    assert lower.status_code == 422
    assert "already been used 7 times" in lower.get_data(as_text=True)
    renamed = staff_client.post(url, data=promo_data(code="WELCOME25"))
    assert renamed.status_code == 422 and "cannot be renamed" in renamed.get_data(as_text=True)
    assert the_promo("WELCOME20").max_redemptions == 50


def test_deactivate_and_reactivate(staff_client):
    staff_client.post("/staff/promotions/new", data=promo_data(starts_at="2020-01-01T00:00"))
    promo = the_promo("WELCOME20")
    html = staff_client.get("/staff/promotions").get_data(as_text=True)
    assert f'action="/staff/promotions/{promo.id}/deactivate"' in html
    assert staff_client.get(f"/staff/promotions/{promo.id}/deactivate").status_code == 405
    response = staff_client.post(f"/staff/promotions/{promo.id}/deactivate")
    assert response.status_code == 302
    assert the_promo("WELCOME20").active is False
    html = staff_client.get("/staff/promotions").get_data(as_text=True)
    assert "The promo code WELCOME20 is deactivated." in html and "Deactivated" in html
    assert f'action="/staff/promotions/{promo.id}/reactivate"' in html
    assert staff_client.post(f"/staff/promotions/{promo.id}/reactivate").status_code == 302
    assert the_promo("WELCOME20").active is True
    assert staff_client.post("/staff/promotions/999/deactivate").status_code == 404


def test_posts_without_a_csrf_token_are_refused(make_app, make_user):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    with app.app_context():
        staff = make_user(role=Role.STAFF)
        secret = enable_two_factor(staff)
        email, password = staff.email, staff.password
    page = client.get("/signin").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    sign_in(client, email, password, csrf_token=token)
    client.post("/signin/code", data={"code": current_code(secret), "csrf_token": token})
    assert client.get("/staff/promotions").status_code == 200
    assert client.post("/staff/promotions/new", data=promo_data()).status_code == 400
    with app.app_context():
        promo = promotions.save_promo(
            None,
            {
                "code": "SPRING10",
                "kind": "fixed",
                "amount": "10",
                "months": 1,
                "plans": ["solo"],
                "max_per_member": 1,
            },
            None,
        )
        db.session.commit()
        promo_id = promo.id
    assert client.post(f"/staff/promotions/{promo_id}/deactivate").status_code == 400
    assert the_promo("SPRING10").active is True
    assert count() == 1
