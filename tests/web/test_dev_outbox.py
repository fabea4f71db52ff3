"""The development outbox shows where each email's delivery stands, in both languages;
the content of an email the mail server delivered stays with its recipient."""

import re

import pytest

from app.extensions import db
from app.models import OutboxMessage
from app.services import mail
from tests.support.smtp import free_port, smtp_settings


def queue_and_try(app) -> int:
    """One email queued and sent after its request, as a page would."""

    @app.post("/test/write")
    def write():
        mail.send(
            mail.Mail("ada@example.org", "Hello Ada", "See http://x.test/a", "<p>h</p>", "en")
        )
        return "", 204

    app.test_client().post("/test/write")
    return db.session.query(OutboxMessage.id).scalar()


def cells(html: str) -> list[str]:
    row = re.search(r"<tbody>(.*?)</tbody>", html, re.S).group(1)
    return [
        re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", row, re.S)
    ]


@pytest.mark.parametrize(
    ("language", "status", "error_label"),
    [("en", "Queued", "Last error"), ("fr", "En attente", "Dernière erreur")],
)
def test_a_failed_attempt_is_shown_with_its_error(make_app, language, status, error_label):
    app = make_app(**smtp_settings(free_port()))
    message_id = queue_and_try(app)
    client = app.test_client()
    headers = {"Accept-Language": language}
    listing = client.get("/dev/outbox", headers=headers).get_data(as_text=True)
    assert f'<html lang="{language}">' in listing
    assert f'<th scope="col">{error_label}</th>' in listing
    assert cells(listing)[1:] == [
        "ada@example.org",
        "Hello Ada",
        status,
        "1",
        "ConnectionRefusedError: Connection refused",
    ]
    assert '<code lang="en">ConnectionRefusedError: Connection refused</code>' in listing
    page = client.get(f"/dev/outbox/{message_id}", headers=headers).get_data(as_text=True)
    assert status in page and error_label in page
    # Sent by SMTP (or meant to be): its body, which may hold a sign-in link, is not shown.
    assert "http://x.test/a" not in page
    assert client.get(f"/dev/outbox/{message_id}/html").status_code == 404


def test_the_development_backend_shows_the_message_sent_in_full(make_app):
    app = make_app()  # a route of its own: the shared app has served requests already
    message_id = queue_and_try(app)
    client = app.test_client()
    listing = client.get("/dev/outbox").get_data(as_text=True)
    assert cells(listing)[3:] == ["Sent", "1", "None"]
    page = client.get(f"/dev/outbox/{message_id}", headers={"Accept-Language": "fr"})
    html = page.get_data(as_text=True)
    assert "Envoyé" in html and "Envoyé le" in html and 'href="http://x.test/a"' in html
    assert client.get(f"/dev/outbox/{message_id}/html").status_code == 200


def test_an_empty_outbox_says_so(client):
    assert "No email has been written yet." in client.get("/dev/outbox").get_data(as_text=True)
