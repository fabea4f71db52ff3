import re

import pyotp

from app import clock
from app.extensions import db
from app.models import Role, User
from app.services import two_factor
from tests.conftest import current_code, enable_two_factor, link_in, outbox_for, path_of, sign_in


def test_set_up_two_factor_then_sign_in_with_a_code(client, make_user):
    user = make_user()
    sign_in(client, user.email, user.password)
    page = client.get("/account/two-factor").get_data(as_text=True)
    assert "<svg" in page  # the QR code, inline
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page).group(1)
    wrong = client.post("/account/two-factor", data={"code": "000000"})
    assert wrong.status_code == 422
    done = client.post("/account/two-factor", data={"code": pyotp.TOTP(secret).now()})
    codes = re.findall(
        r"<li><code>([0-9a-f]{6}-[0-9a-f]{6})</code></li>", done.get_data(as_text=True)
    )
    assert len(codes) == 10
    client.post("/signout")

    response = sign_in(client, user.email, user.password)
    assert response.headers["Location"] == "/signin/code"
    assert client.get("/account").status_code == 302  # not signed in yet
    assert client.post("/signin/code", data={"code": "123456"}).status_code == 422
    # The setup code was spent: signing in takes the next one (phones may run ahead).
    assert client.post("/signin/code", data={"code": pyotp.TOTP(secret).now()}).status_code == 422
    response = client.post("/signin/code", data={"code": next_code(secret)})
    assert response.headers["Location"] == "/account"
    assert client.get("/account").status_code == 200

    # A recovery code works once.
    client.post("/signout")
    sign_in(client, user.email, user.password)
    assert client.post("/signin/code", data={"code": codes[0]}).status_code == 302
    client.post("/signout")
    sign_in(client, user.email, user.password)
    assert client.post("/signin/code", data={"code": codes[0]}).status_code == 422


def next_code(secret: str) -> str:
    totp = pyotp.TOTP(secret)
    return totp.generate_otp(totp.timecode(clock.now()) + 1)


def test_a_code_works_once(client, make_user):
    user = make_user()
    secret = enable_two_factor(user)
    code = current_code(secret)
    sign_in(client, user.email, user.password)
    assert client.post("/signin/code", data={"code": code}).status_code == 302
    client.post("/signout")
    sign_in(client, user.email, user.password)
    again = client.post("/signin/code", data={"code": code})
    assert again.status_code == 422
    assert "not correct or has expired" in again.get_data(as_text=True)
    # An earlier step's code is refused too once a later one was used.
    totp = pyotp.TOTP(secret)
    earlier = totp.generate_otp(totp.timecode(clock.now()) - 1)
    assert client.post("/signin/code", data={"code": earlier}).status_code == 422
    assert client.post("/signin/code", data={"code": next_code(secret)}).status_code == 302


def test_a_code_sent_twice_at_once_passes_once(app, make_user):
    """Two sign-ins racing with the same code: the conditional update lets one through."""
    user = make_user()
    secret = enable_two_factor(user)
    step = pyotp.TOTP(secret).timecode(clock.now())
    with app.app_context():
        first = two_factor._spend_step(db.session.get(User, user.id), step)
        db.session.commit()
    with app.app_context():
        second = two_factor._spend_step(db.session.get(User, user.id), step)
        db.session.commit()
    assert (first, second) == (True, False)


def test_staff_and_mentors_must_set_up_two_factor(client, make_user):
    for role in (Role.STAFF, Role.MENTOR):
        user = make_user(role=role)
        sign_in(client, user.email, user.password)
        response = client.get("/account")
        assert response.status_code == 302
        assert response.headers["Location"] == "/account/two-factor"
        assert client.get("/help/browsers").status_code == 200  # help stays open
        client.post("/signout")


def test_a_password_reset_does_not_bypass_two_factor(client, make_user):
    user = make_user()
    secret = enable_two_factor(user)
    client.post("/password/forgot", data={"email": user.email})
    link = path_of(link_in(outbox_for(user.email)[-1]))
    response = client.post(link, data={"password": "a brand new passphrase"})
    assert response.headers["Location"] == "/signin"
    assert client.get("/account").status_code == 302
    response = sign_in(client, user.email, "a brand new passphrase")
    assert response.headers["Location"] == "/signin/code"
    client.post("/signin/code", data={"code": current_code(secret)})
    assert client.get("/account").status_code == 200


def test_learners_can_turn_two_factor_off_with_their_password(client, make_user):
    user = make_user()
    secret = enable_two_factor(user)
    sign_in(client, user.email, user.password)
    client.post("/signin/code", data={"code": current_code(secret)})
    assert client.post("/account/two-factor/disable", data={"password": "nope"}).status_code == 422
    client.post("/account/two-factor/disable", data={"password": user.password})
    db.session.refresh(user)
    assert not user.has_two_factor
    assert user.recovery_codes == []


def test_staff_cannot_turn_two_factor_off(client, make_user):
    user = make_user(role=Role.STAFF)
    secret = enable_two_factor(user)
    sign_in(client, user.email, user.password)
    client.post("/signin/code", data={"code": current_code(secret)})
    client.post("/account/two-factor/disable", data={"password": user.password})
    db.session.refresh(user)
    assert user.has_two_factor
