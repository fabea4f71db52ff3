import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import User
from tests.conftest import link_in, outbox_for, path_of, without_title
from tests.support.forms import date_fields, typed_date

GOOD = {
    "name": "Camille Martin",
    "email": "Camille@Example.org",
    "password": "correct horse battery",
    **date_fields("1995-04-12"),
    "country": "FR",
    "legal_protection": "no",
}


def users_count() -> int:
    return db.session.scalar(select(func.count(User.id)))


def test_register_creates_an_unverified_account_signs_in_and_emails_a_link(client):
    response = client.post("/register", data=GOOD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/account"
    user = db.session.scalar(select(User))
    assert user.email == "camille@example.org"  # stored lower-cased
    assert not user.is_verified
    assert user.password_hash.startswith("scrypt:")  # a slow KDF, never the password
    (message,) = outbox_for("camille@example.org")
    assert "Confirm your email address" in message.subject
    assert message.text_body and "<a href=" in message.html_body

    page = client.get("/account")
    assert b"Camille Martin" in page.data
    assert b"not confirmed yet" in page.data

    response = client.get(path_of(link_in(message)))
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.is_verified


def test_register_page_has_accessible_fields(client):
    html = client.get("/register").get_data(as_text=True)
    for fragment in (
        'autocomplete="name"',
        'autocomplete="email"',
        'autocomplete="new-password"',
        'autocomplete="bday-day"',
        'autocomplete="bday-month"',
        'autocomplete="bday-year"',
        'autocomplete="country"',
        "<legend",
        'aria-describedby="password-hint"',
        "novalidate",
    ):
        assert fragment in html


def test_duplicate_email_whatever_the_case(client, make_user):
    make_user(email="taken@example.org")
    response = client.post("/register", data={**GOOD, "email": "TAKEN@example.org"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "An account with this email address already exists." in html
    assert 'href="#email"' in html  # the error summary links to the field
    assert 'aria-describedby="email-error"' in html or "email-hint email-error" in html
    assert users_count() == 1


@pytest.mark.parametrize(
    ("boxes", "message"),
    [
        (date_fields(date.today() + timedelta(days=2)), "Date of birth must be in the past."),
        (date_fields("1899-12-31"), "Date of birth must be after 1 January 1900."),
        (typed_date("30", "2", "2001"), "Date of birth must be a real date"),
        (typed_date("1", "2", "not a year"), "The year of your date of birth must have 4 digits"),
        (typed_date("", "", ""), "Enter your date of birth."),
    ],
)
def test_bad_dates_of_birth(client, boxes, message):
    response = client.post("/register", data={**GOOD, **boxes})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert users_count() == 0


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", "at least 10 characters"),
        ("password123", "too common"),
        ("camille-is-here", "must not contain your email address"),
    ],
)
def test_weak_passwords(client, password, message):
    data = {**GOOD, "email": "camille@example.org", "password": password}
    response = client.post("/register", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert users_count() == 0


def test_every_missing_answer_is_named(client):
    response = client.post("/register", data={})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<title>Error: Create an account" in html
    for message in (
        "Enter your full name.",
        "Enter your email address.",
        "Enter a password.",
        "Enter your date of birth.",
        "Select your country of residence.",
        "Select yes if you are under a legal protection measure.",
    ):
        assert message in html
    assert 'href="#legal_protection-0"' in html


def test_answers_are_kept_after_an_error(client):
    response = client.post("/register", data={**GOOD, "password": "short"})
    html = response.get_data(as_text=True)
    assert 'value="Camille Martin"' in html
    for box, value in (("day", "12"), ("month", "4"), ("year", "1995")):
        assert re.search(rf'name="date_of_birth-{box}"[^>]*value="{value}"', html), box
    assert 'value="FR" selected' in html or '<option selected value="FR"' in html


def test_htmx_request_gets_only_the_form_fragment(client):
    response = client.post("/register", data={}, headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert without_title(html).startswith('<div id="register-form">')
    assert "<html" not in html
    assert html.startswith("<title>Error: Create an account — Atelier</title>")
    assert "HX-Request" in response.headers["Vary"]


def test_htmx_success_redirects_with_a_header(client):
    response = client.post("/register", data=GOOD, headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/account"


@pytest.mark.parametrize(
    ("born", "country", "protected", "expected"),
    [
        (date(2014, 1, 1), "FR", "no", "Paid plans are not available to you"),
        (
            date.today().replace(year=date.today().year - 17, day=1),
            "FR",
            "no",
            "consent of a parent or legal guardian",
        ),
        (date(1980, 1, 1), "FR", "yes", "under a legal protection measure, any paid plan"),
        (date(1980, 1, 1), "FR", "no", "You can subscribe to Premium Solo or Premium Plus."),
    ],
)
def test_eligibility_is_shown_on_the_profile(client, born, country, protected, expected):
    data = {
        **GOOD,
        **date_fields(born),
        "country": country,
        "legal_protection": protected,
    }
    assert client.post("/register", data=data).status_code == 302
    assert expected in client.get("/account").get_data(as_text=True)


def test_register_when_signed_in_goes_to_account(client, make_user):
    user = make_user()
    client.post("/signin", data={"email": user.email, "password": user.password})
    assert client.get("/register").headers["Location"] == "/account"
