"""End-to-end delivery through a real SMTP server running in the test process."""

import email
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

from tests.conftest import sign_in


class Collector(Message):
    def __init__(self):
        super().__init__(message_class=email.message.EmailMessage)
        self.messages = []

    def handle_message(self, message):
        self.messages.append(message)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    handler = Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, handler
    controller.stop()


def test_password_reset_email_is_delivered_by_smtp(make_app, make_user, smtp_server):
    controller, handler = smtp_server
    app = make_app(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    user = make_user(locale="fr")
    client = app.test_client()
    client.post("/password/forgot", data={"email": user.email})

    (message,) = handler.messages
    parsed = email.message_from_bytes(message.as_bytes(), policy=policy.default)
    assert parsed["To"] == user.email
    assert parsed["Content-Language"] == "fr"
    assert parsed.is_multipart()
    text = parsed.get_body(("plain",)).get_content()
    html = parsed.get_body(("html",)).get_content()
    assert "/password/reset/" in text and "/password/reset/" in html
    link = next(word for word in text.split() if "/password/reset/" in word)
    path = link.split("atelier.test", 1)[1]
    assert client.post(path, data={"password": "fresh passphrase here"}).status_code == 302
    assert sign_in(client, user.email, "fresh passphrase here").status_code == 302
