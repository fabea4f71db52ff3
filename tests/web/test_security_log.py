"""Security events are written somewhere: JSON lines on stderr, with who, when and
where, and never a secret (SECURITY.md, 16.x)."""

import io
import json
import logging
from datetime import UTC, datetime

import pytest

from app import logs
from tests.conftest import link_in, outbox_for, path_of, sign_in
from tests.integration.test_payments_adyen import SETTINGS as ADYEN


@pytest.fixture
def stderr_lines():
    """What the site's stderr handler writes, as parsed JSON lines."""
    (handler,) = [
        h for h in logging.getLogger("atelier").handlers if h.get_name() == logs.HANDLER_NAME
    ]
    stream = io.StringIO()
    previous = handler.setStream(stream)

    def lines() -> list[dict]:
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    yield lines
    handler.setStream(previous)


def test_a_failed_sign_in_is_logged_with_who_when_where(app, client, make_user, stderr_lines):
    user = make_user()
    client.post(
        "/signin",
        data={"email": user.email, "password": "a wrong password given"},
        headers={"User-Agent": "probe/1.0"},
    )
    sign_in(client, "nobody@example.org", "another wrong one")
    failures = [line for line in stderr_lines() if line.get("event") == "signin.failure"]
    assert len(failures) == 2
    known, unknown = failures
    assert known["user_id"] == user.id and known["known"] == "True"
    assert unknown["user_id"] is None and unknown["known"] == "False"
    assert known["ip"] == "127.0.0.1" and known["user_agent"] == "probe/1.0"
    assert known["path"] == "/signin" and known["method"] == "POST"
    when = datetime.fromisoformat(known["time"])
    assert abs((datetime.now(UTC) - when).total_seconds()) < 60
    written = json.dumps(stderr_lines())
    assert "a wrong password given" not in written and "another wrong one" not in written


def test_a_refused_webhook_is_logged(make_app, stderr_lines):
    site = make_app(**ADYEN)
    body = b'{"live": "false", "notificationItems": [{"NotificationRequestItem": {}}]}'
    response = site.test_client().post(
        "/webhooks/adyen", data=body, content_type="application/json"
    )
    assert response.status_code == 400
    (refused,) = [line for line in stderr_lines() if line.get("event") == "webhook.refused"]
    assert refused["provider"] == "adyen" and refused["path"] == "/webhooks/adyen"
    assert refused["ip"] == "127.0.0.1" and refused["level"] == "INFO"
    assert ADYEN["ADYEN_HMAC_KEY"] not in json.dumps(refused)


def test_a_reset_token_is_never_in_a_security_line(client, make_user, stderr_lines):
    user = make_user()
    client.post("/password/forgot", data={"email": user.email})
    link = path_of(link_in(outbox_for(user.email)[-1]))
    token = link.rsplit("/", 1)[1]
    assert client.post(link, data={"password": "a brand new passphrase"}).status_code == 302
    (reset,) = [line for line in stderr_lines() if line.get("event") == "password.reset"]
    assert reset["path"] == "/password/reset/[token]" and reset["user_id"] == user.id
    assert token not in json.dumps(stderr_lines())
