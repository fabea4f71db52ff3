from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import User
from tests.conftest import link_in, outbox_for, path_of, sign_in

NEW_PASSWORD = "a brand new passphrase"


def main_of(response) -> str:
    html = response.get_data(as_text=True)
    return html[html.index("<main") : html.index("</main>")]


def reset_link(client, user) -> str:
    client.post("/password/forgot", data={"email": user.email})
    return path_of(link_in(outbox_for(user.email)[-1]))


def test_reset_gives_the_same_answer_whether_or_not_the_account_exists(client, make_user):
    user = make_user()
    known = client.post("/password/forgot", data={"email": user.email})
    unknown = client.post("/password/forgot", data={"email": "ghost@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert main_of(known).replace(user.email, "X") == main_of(unknown).replace(
        "ghost@example.org", "X"
    )
    assert len(outbox_for(user.email)) == 1
    # The same work either way (one message queued in the request), so the time it takes
    # does not tell them apart either; the owner of an unknown address learns why.
    (note,) = outbox_for("ghost@example.org")
    assert "no account uses it" in note.text_body
    assert "/register" in note.text_body and "/password/reset/" not in note.text_body


def test_a_reset_for_an_unknown_address_is_told_in_the_visitors_language(client):
    client.post(
        "/password/forgot", data={"email": "Ghost@Example.org"}, headers={"Accept-Language": "fr"}
    )
    (note,) = outbox_for("ghost@example.org")
    assert note.locale == "fr" and "aucun compte" in note.text_body


def test_reset_changes_the_password_once(client, make_user):
    user = make_user()
    link = reset_link(client, user)
    assert client.get(link).status_code == 200
    response = client.post(link, data={"password": NEW_PASSWORD})
    assert response.headers["Location"] == "/signin"
    assert sign_in(client, user.email, user.password).status_code == 422
    assert sign_in(client, user.email, NEW_PASSWORD).status_code == 302
    # Single use: the same link is dead now.
    client.post("/signout")
    again = client.get(link)
    assert again.status_code == 400
    assert "This link does not work" in again.get_data(as_text=True)
    assert "Ask for a new password link" in again.get_data(as_text=True)


def test_reset_link_expires(app, client, make_user):
    user = make_user()
    link = reset_link(client, user)
    app.config["RESET_TOKEN_MAX_AGE"] = timedelta(seconds=-1)
    response = client.get(link)
    assert response.status_code == 400
    assert "This link has expired" in response.get_data(as_text=True)
    client.post(link, data={"password": NEW_PASSWORD})
    assert sign_in(client, user.email, user.password).status_code == 302


def test_tampered_reset_link(client, make_user):
    user = make_user()
    link = reset_link(client, user)
    tampered = link[:-3] + ("aaa" if not link.endswith("aaa") else "bbb")
    assert client.get(tampered).status_code == 400


def test_reset_refuses_a_weak_password(client, make_user):
    user = make_user()
    link = reset_link(client, user)
    response = client.post(link, data={"password": "short"})
    assert response.status_code == 422
    assert "at least 10 characters" in response.get_data(as_text=True)


def test_reset_ends_other_sessions(app, client, make_user):
    user = make_user()
    other_device = app.test_client()
    sign_in(other_device, user.email, user.password)
    client.post(reset_link(client, user), data={"password": NEW_PASSWORD})
    assert other_device.get("/account").status_code == 302


def test_verification_link_expired_or_tampered(app, client, make_user):
    user = make_user(verified=False)
    link = path_of(link_in(outbox_for(user.email)[0]))
    assert client.get(link[:-2] + "xx").status_code == 400
    app.config["VERIFY_TOKEN_MAX_AGE"] = timedelta(seconds=-1)
    sign_in(client, user.email, user.password)
    response = client.get(link)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "This link has expired" in html
    assert "Send me a new confirmation link" in html
    app.config["VERIFY_TOKEN_MAX_AGE"] = timedelta(days=2)
    client.post("/verify/resend")
    assert len(outbox_for(user.email)) == 2
    client.get(path_of(link_in(outbox_for(user.email)[-1])))
    db.session.refresh(user)
    assert user.is_verified


def test_change_password_signs_out_other_sessions_but_not_this_one(app, client, make_user):
    user = make_user()
    other_device = app.test_client()
    sign_in(other_device, user.email, user.password)
    sign_in(client, user.email, user.password)
    response = client.post(
        "/account/password",
        data={"current_password": user.password, "new_password": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    assert other_device.get("/account").status_code == 302


def test_change_password_needs_the_current_one(client, make_user):
    user = make_user()
    sign_in(client, user.email, user.password)
    response = client.post(
        "/account/password",
        data={"current_password": "not my password", "new_password": NEW_PASSWORD},
    )
    assert response.status_code == 422
    assert "Your current password is not correct." in response.get_data(as_text=True)


def test_change_email_asks_for_the_password_and_verifies_the_new_address(client, make_user):
    user = make_user(email="old@example.org")
    sign_in(client, user.email, user.password)
    refused = client.post("/account/email", data={"email": "new@example.org", "password": "nope"})
    assert refused.status_code == 422
    assert "Your password is not correct." in refused.get_data(as_text=True)
    assert outbox_for("new@example.org") == []

    client.post("/account/email", data={"email": "New@Example.org", "password": user.password})
    db.session.refresh(user)
    assert user.email == "old@example.org"  # unchanged until the link is opened
    assert "A change of email address was requested" in outbox_for("old@example.org")[-1].subject
    client.get(path_of(link_in(outbox_for("new@example.org")[0])))
    db.session.refresh(user)
    assert user.email == "new@example.org"
    assert user.is_verified


def test_change_email_to_a_taken_address(client, make_user):
    make_user(email="taken@example.org")
    user = make_user()
    sign_in(client, user.email, user.password)
    response = client.post(
        "/account/email", data={"email": "taken@example.org", "password": user.password}
    )
    assert response.status_code == 422
    assert "already exists" in response.get_data(as_text=True)


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_emails_are_in_the_recipient_language(client, locale):
    from datetime import date

    from app.services import accounts

    accounts.register(
        accounts.NewAccount(
            "Lou", "lou@example.org", "correct horse battery", date(1990, 1, 1), "FR", False, locale
        )
    )
    (message,) = outbox_for("lou@example.org")
    expected = "Confirm your email address" if locale == "en" else "Confirmez votre adresse"
    assert expected in message.subject
    assert message.locale == locale
    assert db.session.scalar(select(User.locale)) == locale
