"""The outbox's delivery protocol: retries on the schedule, the last attempt, leases
that lapse, and mail queued by a request that fails."""

import smtplib
from datetime import timedelta

import pytest
from sqlalchemy import select

from app import clock
from app.config import config_from_environment
from app.domain.mail import MAX_ATTEMPTS, MailStatus
from app.extensions import db
from app.models import OutboxMessage
from app.services import mail, mail_delivery
from app.services.mail_delivery import Counts, describe
from tests.support.smtp import free_port, smtp_settings


class Clock:
    def __init__(self, monkeypatch):
        self.moment = clock.now()
        monkeypatch.setattr(clock, "now", lambda: self.moment)

    def advance(self, **delta) -> None:
        self.moment += timedelta(**delta)


@pytest.fixture
def frozen(monkeypatch):
    return Clock(monkeypatch)


def queue(app, count=1) -> list[int]:
    with app.test_request_context():
        for n in range(count):
            mail.send(mail.Mail(f"m{n}@example.org", f"Message {n}", "text", "<p>h</p>", "en"))
        db.session.commit()
        return mail.take_committed()


def message(message_id: int) -> OutboxMessage:
    db.session.expire_all()
    return db.session.get(OutboxMessage, message_id)


def deliver(app, **kwargs) -> Counts:
    with app.app_context():
        return mail_delivery.deliver(**kwargs)


def test_a_message_that_keeps_failing_is_retried_on_the_schedule_then_fails(make_app, frozen):
    down = make_app(**smtp_settings(free_port()))
    (queued,) = queue(down)
    waits = [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30)]
    waits += [timedelta(hours=2), timedelta(hours=12)]
    for attempt, wait in enumerate(waits, start=1):
        assert deliver(down) == Counts(retried=1)
        row = message(queued)
        assert row.status is MailStatus.QUEUED and row.attempts == attempt
        assert row.next_attempt_at == frozen.moment + wait
        assert row.last_error == "ConnectionRefusedError: Connection refused"
        frozen.advance(seconds=wait.total_seconds() - 1)
        assert deliver(down) == Counts()  # a second early: not due
        frozen.advance(seconds=1)
    assert deliver(down) == Counts(failed=1)
    row = message(queued)
    assert row.status is MailStatus.FAILED and row.attempts == MAX_ATTEMPTS
    assert row.next_attempt_at is None and row.claim_token is None
    frozen.advance(days=30)
    assert deliver(down) == Counts()


class Crash(BaseException):
    """What a killed process looks like from inside: nothing after it runs."""


def crash_while_sending(monkeypatch):
    def crash(config, message):
        raise Crash

    monkeypatch.setitem(mail_delivery.BACKENDS, "outbox", crash)


def test_a_lease_that_expired_is_claimed_again(make_app, frozen, monkeypatch):
    app = make_app(MAIL_CLAIM_LEASE=timedelta(minutes=10))
    (queued,) = queue(app)
    with monkeypatch.context() as patch:
        crash_while_sending(patch)
        with pytest.raises(Crash):
            deliver(app)
    row = message(queued)
    assert row.status is MailStatus.QUEUED and row.attempts == 1 and row.claim_token
    frozen.advance(minutes=9)
    assert deliver(app) == Counts()  # the dead deliverer's lease still holds it
    frozen.advance(minutes=1)
    assert deliver(app) == Counts(sent=1)
    row = message(queued)
    assert row.status is MailStatus.SENT and row.attempts == 2 and row.claim_token is None


def test_a_last_attempt_cut_short_ends_failed(make_app, frozen, monkeypatch):
    app = make_app()
    (queued,) = queue(app)
    with app.app_context():
        db.session.get(OutboxMessage, queued).attempts = MAX_ATTEMPTS - 1
        db.session.commit()
    with monkeypatch.context() as patch:
        crash_while_sending(patch)
        with pytest.raises(Crash):
            deliver(app)
    frozen.advance(seconds=app.config["MAIL_CLAIM_LEASE"].total_seconds())
    assert deliver(app) == Counts()
    row = message(queued)
    assert row.status is MailStatus.FAILED and row.attempts == MAX_ATTEMPTS
    assert row.last_error.startswith("Interrupted")


def test_an_outcome_after_the_lease_was_lost_does_not_overwrite_the_new_claim(make_app, frozen):
    app = make_app()
    (queued,) = queue(app)
    with app.app_context():
        ((first, token),) = mail_delivery._claim(None, 10)
        frozen.advance(seconds=app.config["MAIL_CLAIM_LEASE"].total_seconds())
        ((second, new_token),) = mail_delivery._claim(None, 10)
        mail_delivery._record(first, token, {"status": MailStatus.SENT})
    row = message(queued)
    assert row.status is MailStatus.QUEUED and row.claim_token == new_token
    assert second.attempts == 2


def test_delivery_can_be_limited_to_some_messages(make_app):
    app = make_app()
    mine, other = queue(app, count=2)
    assert deliver(app, only=[mine]) == Counts(sent=1)
    assert message(other).status is MailStatus.QUEUED
    assert deliver(app, only=[]) == Counts()


def test_an_unknown_backend_spends_no_attempt(make_app):
    app = make_app(MAIL_BACKEND="pigeon")
    (queued,) = queue(app)
    with pytest.raises(ValueError, match="pigeon"):
        deliver(app)
    assert message(queued).attempts == 0


@pytest.mark.parametrize(
    ("error", "kept"),
    [
        (
            ConnectionRefusedError(111, "Connection refused"),
            "ConnectionRefusedError: Connection refused",
        ),
        (TimeoutError("timed out"), "TimeoutError"),
        (
            smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
            "SMTPServerDisconnected",
        ),
        (smtplib.SMTPDataError(554, b"5.7.1 <bob@example.org>: spam"), "SMTPDataError 554"),
        (
            smtplib.SMTPSenderRefused(553, b"<no-reply@x> refused", "no-reply@x"),
            "SMTPSenderRefused 553",
        ),
        (
            smtplib.SMTPRecipientsRefused({"bob@example.org": (550, b"<bob@example.org> unknown")}),
            "SMTPRecipientsRefused 550",
        ),
        (
            smtplib.SMTPAuthenticationError(535, b"bad password hunter2"),
            "SMTPAuthenticationError 535",
        ),
        (UnicodeEncodeError("ascii", "é", 0, 1, "no"), "UnicodeEncodeError"),
    ],
)
def test_the_error_kept_names_its_kind_never_the_servers_words(error, kept):
    assert describe(error) == kept


def test_mail_queued_by_a_request_that_fails_is_never_sent(make_app, smtp_server):
    controller, handler = smtp_server
    app = make_app(**smtp_settings(controller.port))

    def write(subject: str) -> None:
        mail.send(mail.Mail("a@example.org", subject, "text", "<p>h</p>", "en"))

    @app.post("/test/fails")
    def fails():
        write("rolled back")
        raise RuntimeError("the view failed after queuing mail")

    @app.post("/test/kept-before-failing")
    def kept_before_failing():
        write("committed by the protocol")
        db.session.commit()  # as the payment protocol commits in the middle of a request
        with db.session.begin_nested() as savepoint:
            write("in a savepoint rolled back")
            savepoint.rollback()
        write("rolled back")
        raise RuntimeError("the view failed later")

    client = app.test_client()
    assert client.post("/test/fails").status_code == 500
    assert db.session.scalars(select(OutboxMessage)).all() == []
    assert client.post("/test/kept-before-failing").status_code == 500
    (row,) = db.session.scalars(select(OutboxMessage)).all()
    assert row.subject == "committed by the protocol" and row.status is MailStatus.SENT
    assert [m["Subject"] for m in handler.parsed()] == ["committed by the protocol"]
    assert deliver(app) == Counts()


def test_after_request_delivery_can_be_turned_off(make_app, make_user, smtp_server, frozen):
    controller, handler = smtp_server
    app = make_app(**smtp_settings(controller.port, MAIL_DELIVER_AFTER_REQUEST=False))
    user = make_user()
    app.test_client().post("/password/forgot", data={"email": user.email})
    assert handler.messages == []
    (row,) = db.session.scalars(select(OutboxMessage)).all()
    assert row.status is MailStatus.QUEUED and row.attempts == 0
    assert deliver(app) == Counts(sent=1)
    assert len(handler.messages) == 1


def test_the_test_client_delivers_when_the_response_is_closed(make_app, make_user, smtp_server):
    """Werkzeug runs `call_on_close` when the server closes the response. The suite's
    client buffers and so closes at once; Flask's plain client waits for close()."""
    from flask.testing import FlaskClient

    controller, handler = smtp_server
    app = make_app(**smtp_settings(controller.port))
    app.test_client_class = FlaskClient
    user = make_user()
    with app.test_client() as plain:
        response = plain.post("/password/forgot", data={"email": user.email})
        assert response.status_code == 200 and handler.messages == []
        response.close()
    assert len(handler.messages) == 1


@pytest.mark.parametrize(
    ("value", "on"), [("0", False), ("false", False), ("off", False), ("1", True), ("yes", True)]
)
def test_after_request_delivery_is_set_from_the_environment(monkeypatch, value, on):
    monkeypatch.setenv("MAIL_DELIVER_AFTER_REQUEST", value)
    assert config_from_environment()["MAIL_DELIVER_AFTER_REQUEST"] is on
