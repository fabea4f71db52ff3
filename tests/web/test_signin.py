import logging
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from http.cookies import SimpleCookie

import pytest

from app.extensions import db
from app.models import User
from app.services import accounts
from tests.conftest import sign_in
from tests.support.forms import date_fields


def cookie_header(response, name):
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(name + "="):
            return header
    return None


def test_sign_in_and_out(client, make_user):
    user = make_user()
    response = sign_in(client, user.email, user.password)
    assert response.status_code == 302
    assert response.headers["Location"] == "/account"
    assert client.get("/account").status_code == 200
    response = client.post("/signout")
    assert response.headers["Location"] == "/"
    assert client.get("/account").status_code == 302


def test_email_is_case_insensitive_at_sign_in(client, make_user):
    user = make_user(email="mixed@example.org")
    assert sign_in(client, "  MIXED@example.org ", user.password).status_code == 302


@pytest.mark.parametrize("which", ["wrong password", "unknown email"])
def test_one_generic_error(client, make_user, which):
    user = make_user()
    email, password = (
        (user.email, "wrong password here")
        if which == "wrong password"
        else ("nobody@example.org", user.password)
    )
    response = sign_in(client, email, password)
    assert response.status_code == 422
    assert "The email address or password is not correct." in response.get_data(as_text=True)


def test_sign_out_needs_post(client, make_user):
    user = make_user()
    sign_in(client, user.email, user.password)
    assert client.get("/signout").status_code == 405
    assert client.get("/account").status_code == 200


def test_signed_out_cookie_no_longer_works(app, make_user):
    """Replaying the session cookie captured before sign-out gets nothing."""
    user = make_user()
    client = app.test_client()
    sign_in(client, user.email, user.password)
    stolen = client.get_cookie("session", domain="atelier.test").value
    client.post("/signout")
    thief = app.test_client()
    thief.set_cookie("session", stolen, domain="atelier.test")
    assert thief.get("/account").status_code == 302


def test_signing_out_elsewhere_ends_a_copied_cookie_on_every_page(app, make_user):
    """Public pages too: a request with that cookie is a visitor's, and not cached."""
    user = make_user(name="Copied Cookie")
    member = app.test_client()
    sign_in(member, user.email, user.password)
    stolen = member.get_cookie("session", domain="atelier.test").value
    accounts.end_all_sessions(db.session.get(User, user.id))  # signed out on another device
    db.session.commit()
    thief = app.test_client()
    thief.set_cookie("session", stolen, domain="atelier.test")
    for path in ("/courses", "/premium", "/"):
        page = thief.get(path)
        html = page.get_data(as_text=True)
        assert "Sign out" not in html and "Copied Cookie" not in html, path
        assert page.headers["Cache-Control"] == "private, no-store"
    assert thief.get("/account").status_code == 302


def test_the_session_loader_checks_the_session_version(app, make_user):
    user = make_user()
    session_id = user.get_id()
    user_id, version = session_id.split(":")
    assert accounts.load_session_user(session_id) is db.session.get(User, user.id)
    for stale_or_bad in (f"{user_id}:{int(version) + 1}", "999999:1", f"{user_id}:x", "x:1", ""):
        assert accounts.load_session_user(stale_or_bad) is None, stale_or_bad


def test_session_is_renewed_at_sign_in(client, make_user):
    user = make_user()
    client.get("/signin")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    sign_in(client, user.email, user.password)
    with client.session_transaction() as session:
        assert "planted" not in session


def test_remember_me_cookie_is_explicit(client, make_user):
    user = make_user()
    response = sign_in(client, user.email, user.password, remember="y")
    header = cookie_header(response, "remember_token")
    assert header is not None
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header
    expires = parsedate_to_datetime(SimpleCookie(header)["remember_token"]["expires"])
    lifetime = expires - datetime.now(UTC)
    assert timedelta(days=29) < lifetime <= timedelta(days=30)  # not Flask-Login's 365


def test_without_remember_me_there_is_no_remember_cookie(client, make_user):
    user = make_user()
    response = sign_in(client, user.email, user.password)
    assert cookie_header(response, "remember_token") is None
    session_cookie = cookie_header(response, "session")
    assert "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie


def test_remember_cookie_stops_working_after_sign_out(app, make_user):
    user = make_user()
    client = app.test_client()
    sign_in(client, user.email, user.password, remember="y")
    remember = client.get_cookie("remember_token", domain="atelier.test").value
    signed_out = client.post("/signout")
    # The browser is told to forget it, not left holding a dead token.
    header = cookie_header(signed_out, "remember_token")
    assert header is not None and "remember_token=;" in header
    assert parsedate_to_datetime(SimpleCookie(header)["remember_token"]["expires"]).year < 2000
    assert client.get_cookie("remember_token", domain="atelier.test") is None
    other = app.test_client()
    other.set_cookie("remember_token", remember, domain="atelier.test")
    assert other.get("/account").status_code == 302


@pytest.mark.parametrize(
    "target",
    ["//evil.example/x", "/\\evil.example", "https://evil.example/", "javascript:alert(1)"],
)
def test_next_to_another_host_is_ignored(client, make_user, target):
    user = make_user()
    response = client.post(
        "/signin",
        query_string={"next": target},
        data={"email": user.email, "password": user.password},
    )
    assert response.headers["Location"] == "/account"


def test_next_on_this_host_is_followed(client, make_user):
    user = make_user()
    response = client.post(
        "/signin",
        query_string={"next": "/account/preferences"},
        data={"email": user.email, "password": user.password},
    )
    assert response.headers["Location"] == "/account/preferences"


def test_private_pages_are_not_cached(client, make_user):
    user = make_user()
    sign_in(client, user.email, user.password)
    assert client.get("/account").headers["Cache-Control"] == "private, no-store"
    assert client.get("/signin").status_code == 302


def test_security_events_are_logged_without_secrets(client, make_user, caplog):
    user = make_user()
    with caplog.at_level(logging.INFO, logger="atelier.security"):
        sign_in(client, user.email, "a wrong password given")
        sign_in(client, user.email, user.password)
    text = caplog.text
    assert "signin.failure" in text and "signin.success" in text
    assert "ip=" in text
    assert user.password not in text and "a wrong password given" not in text


def test_role_cannot_be_posted_into_a_profile(client, make_user):
    user = make_user()
    sign_in(client, user.email, user.password)
    client.post(
        "/account/profile",
        data={
            "name": "New Name",
            **date_fields("1990-05-17"),
            "country": "FR",
            "legal_protection": "no",
            "role": "staff",
        },
    )
    db.session.refresh(user)
    assert user.name == "New Name"
    assert user.role == "learner"
