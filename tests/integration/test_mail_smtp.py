"""End-to-end delivery through a real SMTP server running in the test process: the
mail a request queues goes out after its response; with the server down the request
still succeeds and the mail waits, then `flask mail deliver` sends each message once."""

import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app import clock
from app.domain.mail import MailStatus
from app.domain.orders import OrderStatus
from app.extensions import db
from app.models import OutboxMessage, Subscription
from app.services import mail, mail_delivery
from tests.checkout.test_consent import PARENT, consent_link, minor_until_review
from tests.checkout_fixtures import Buyer, hidden
from tests.conftest import sign_in
from tests.support.forms import date_fields
from tests.support.smtp import free_port, smtp_settings

REFUSED = "ConnectionRefusedError: Connection refused"


def all_messages() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def last_id() -> int:
    return db.session.scalar(select(func.max(OutboxMessage.id))) or 0


def later(monkeypatch, delta: timedelta) -> None:
    moment = clock.now() + delta
    monkeypatch.setattr(clock, "now", lambda: moment)


def deliver_command(app) -> str:
    # Flask's CLI runs a command in the current app context if there is one (the `app`
    # fixture's): push this app's, so the command runs with its settings.
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["mail", "deliver"])
    assert result.exit_code == 0, result.output
    return result.output.strip()


def assert_each_received_once(handler, messages: list[OutboxMessage]) -> None:
    received = Counter((m["To"], m["Subject"]) for m in handler.parsed())
    expected = Counter((m.recipient, m.subject) for m in messages)
    assert received == expected
    assert all(m.status is MailStatus.SENT and m.sent_at for m in messages)


def test_password_reset_email_is_delivered_by_smtp(make_app, make_user, smtp_server):
    controller, handler = smtp_server
    app = make_app(**smtp_settings(controller.port))
    user = make_user(locale="fr")
    client = app.test_client()
    client.post("/password/forgot", data={"email": user.email})

    (parsed,) = handler.parsed()  # delivered once the response was sent
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
    (message,) = all_messages()
    assert message.status is MailStatus.SENT and message.attempts == 1


def new_account_buys_solo(client) -> Buyer:
    buyer = Buyer(client)
    buyer.start_solo()
    response = client.post(
        buyer.url("account"),
        data={
            "name": "Grace Hopper",
            "email": "grace@example.org",
            "password": "cobol compilers forever",
            **date_fields("1990-12-09"),
            "country": "FR",
            "legal_protection": "no",
        },
    )
    assert response.status_code == 302
    assert buyer.eligibility().status_code == 302
    assert buyer.details().status_code == 302
    assert buyer.card().status_code == 302
    return buyer


def test_smtp_down_during_confirm_then_back(shop, make_app, smtp_server, monkeypatch):
    down = make_app(**smtp_settings(free_port()))
    client = down.test_client()
    buyer = new_account_buys_solo(client)
    before = last_id()

    confirmed = buyer.confirm()
    assert confirmed.status_code == 302
    done = client.get(confirmed.headers["Location"])
    assert done.status_code == 200 and "Order confirmed" in done.get_data(as_text=True)
    assert buyer.order.status is OrderStatus.COMPLETED
    assert db.session.scalar(select(func.count()).select_from(Subscription)) == 1

    queued_by_confirm = [m for m in all_messages() if m.id > before]
    assert {m.subject.split(":")[0] for m in queued_by_confirm} == {
        f"Your order {buyer.order.reference}",
        "Your Atelier account is ready",
    }
    for message in queued_by_confirm:
        assert message.status is MailStatus.QUEUED
        assert message.attempts == 1 and message.last_error == REFUSED
        assert message.next_attempt_at > clock.now()

    controller, handler = smtp_server
    back = make_app(**smtp_settings(controller.port))
    assert deliver_command(back).startswith("Mail: 0 sent")  # not due for a minute yet
    later(monkeypatch, timedelta(minutes=2))
    # The two of Confirm, and the address confirmation of the account step.
    assert (
        deliver_command(back) == "Mail: 3 sent, 0 to retry later, 0 failed after the last attempt."
    )
    assert_each_received_once(handler, all_messages())
    assert deliver_command(back).startswith("Mail: 0 sent")
    assert len(handler.messages) == 3


def test_smtp_down_while_the_representative_consents(
    shop, make_app, make_user, smtp_server, monkeypatch
):
    down = make_app(**smtp_settings(free_port()))
    client = down.test_client()
    minor = make_user(born=clock.today().replace(year=clock.today().year - 17))
    sign_in(client, minor.email, minor.password)
    buyer = minor_until_review(client)
    assert buyer.confirm().headers["Location"].endswith("/done")
    assert all(m.status is MailStatus.QUEUED and m.attempts == 1 for m in all_messages())
    link = consent_link(buyer.order.reference)  # the row keeps the body, sent or not

    parent = down.test_client()
    versions = hidden(parent.get(link).get_data(as_text=True), "versions")
    answer = parent.post(
        link,
        data={
            "name": "Pat Parent",
            "accept_terms": "y",
            "immediate_access": "y",
            "versions": versions,
            "decision": "accept",
        },
    )
    assert answer.status_code == 302
    assert parent.get(answer.headers["Location"]).status_code == 200
    assert buyer.order.status is OrderStatus.COMPLETED
    assert db.session.scalar(select(func.count()).select_from(Subscription)) == 1
    messages = all_messages()
    assert {m.recipient for m in messages} == {minor.email, PARENT}
    assert any(buyer.order.reference in m.subject for m in messages if m.recipient == minor.email)
    assert all(m.status is MailStatus.QUEUED and m.last_error == REFUSED for m in messages)

    controller, handler = smtp_server
    back = make_app(**smtp_settings(controller.port))
    later(monkeypatch, timedelta(minutes=2))
    assert deliver_command(back).startswith(f"Mail: {len(messages)} sent")
    assert_each_received_once(handler, all_messages())
    assert deliver_command(back).startswith("Mail: 0 sent")
    assert len(handler.messages) == len(messages)


def test_two_deliverers_at_once_send_each_message_once(make_app, smtp_server):
    controller, handler = smtp_server
    app = make_app(**smtp_settings(controller.port, MAIL_DELIVERY_BATCH=3))
    with app.test_request_context():
        for n in range(30):
            mail.send(mail.Mail(f"m{n}@example.org", f"Message {n}", "text", "<p>html</p>", "en"))
        db.session.commit()

    start = threading.Barrier(2)
    results, errors = [], []

    def deliverer():
        try:
            with app.app_context():
                start.wait()
                results.append(mail_delivery.deliver())
        except Exception as error:  # reported below: a thread's exception is otherwise lost
            errors.append(error)

    threads = [threading.Thread(target=deliverer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert sum(r.sent for r in results) == 30
    assert len(handler.messages) == 30
    assert_each_received_once(handler, all_messages())
    assert all(m.attempts == 1 for m in all_messages())


@pytest.mark.usefixtures("app")
def test_a_message_locked_by_another_deliverer_is_skipped_not_waited_for(make_app, smtp_server):
    controller, handler = smtp_server
    app = make_app(**smtp_settings(controller.port))
    with app.test_request_context():
        for n in range(3):
            mail.send(mail.Mail(f"m{n}@example.org", f"Message {n}", "text", "<p>h</p>", "en"))
        db.session.commit()
        if db.engine.dialect.name != "postgresql":
            pytest.skip("row locks and SKIP LOCKED are PostgreSQL's; SQLite has one writer")
        first = min(m.id for m in all_messages())
        with db.engine.connect() as other:
            # Another deliverer in the middle of its claim holds this row's lock.
            other.execute(
                select(OutboxMessage.id).where(OutboxMessage.id == first).with_for_update()
            )
            assert mail_delivery.deliver().sent == 2
            other.rollback()
        assert mail_delivery.deliver().sent == 1
    assert len(handler.messages) == 3
