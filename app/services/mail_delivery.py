"""Delivery of the queued mail, after the transaction that queued it has committed.

Each message goes out once, however many deliverers run (the after-request flush of
every web process, `flask mail deliver` on any number of machines):
1. claim: one short transaction takes due messages and sets a lease on them (a claim
   token and `claimed_until`). PostgreSQL picks them with `SELECT ... FOR UPDATE SKIP
   LOCKED`, so two deliverers take different rows without waiting on each other; SQLite
   has one writer at a time, so a conditional UPDATE is the claim;
2. send: outside any transaction, so no lock is held while the mail server answers;
3. record: another short transaction marks the message sent, or counts the failure and
   sets the next attempt from the retry schedule (`app.domain.mail`), as long as the
   lease is still this deliverer's.
A deliverer that dies between 1 and 3 leaves a lease that expires; the message is then
taken again. If it died after the mail server accepted the message and before step 3,
the message goes out a second time: the one duplicate at-least-once delivery allows,
never a lost message."""

import logging
import secrets
import smtplib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app
from sqlalchemy import and_, or_, select, update

from app import clock
from app.domain.mail import MAX_ATTEMPTS, MailStatus, retry_delay
from app.extensions import db
from app.models import OutboxMessage

log = logging.getLogger("atelier.mail")

M = OutboxMessage


@dataclass(frozen=True)
class Claimed:
    """A claimed message, read out of its transaction so that sending needs no database."""

    id: int
    recipient: str
    subject: str
    text_body: str
    html_body: str
    locale: str
    attempts: int  # this attempt included


@dataclass(frozen=True)
class Counts:
    sent: int = 0
    retried: int = 0  # failed this time, tried again later
    failed: int = 0  # failed for good: that was the last attempt

    def __add__(self, other: "Counts") -> "Counts":
        return Counts(
            self.sent + other.sent, self.retried + other.retried, self.failed + other.failed
        )


Backend = Callable[[dict, Claimed], None]


def send_by_smtp(config, message: Claimed) -> None:
    email = EmailMessage()
    email["Subject"] = message.subject
    email["From"] = config["MAIL_SENDER"]
    email["To"] = message.recipient
    email["Message-ID"] = make_msgid()
    email.set_content(message.text_body)
    email.add_alternative(message.html_body, subtype="html")
    # After the body: making it multipart moves Content-* headers into the first part.
    email["Content-Language"] = message.locale
    with smtplib.SMTP(
        config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]
    ) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(email)


def keep_in_outbox(config, message: Claimed) -> None:
    """Development: nothing leaves the machine; the row itself, read at /dev/outbox, is
    the delivered message."""


BACKENDS: dict[str, Backend] = {"smtp": send_by_smtp, "outbox": keep_in_outbox}

# The outbox backend sends nothing, so no server is waited on and nothing can go out
# twice: its messages are taken by larger claims and recorded a claim at a time (the
# billing run of a renewal day queues one per subscription).
OUTBOX_BATCH = 1000


def deliver(only: Iterable[int] | None = None) -> Counts:
    """Send the messages that are due (of `only`, when given), batch after batch, until
    none is left; a message that fails now waits for its next attempt, so the loop ends."""
    config = current_app.config
    backend = BACKENDS.get(config["MAIL_BACKEND"])
    if backend is None:  # before anything is claimed: no attempt is spent on a typo
        raise ValueError(f"unknown MAIL_BACKEND {config['MAIL_BACKEND']!r}")
    only = None if only is None else list(only)
    if only == []:
        return Counts()
    if only is None:
        _give_up_on_interrupted()
    total = Counts()
    in_outbox = backend is keep_in_outbox
    size = OUTBOX_BATCH if in_outbox else config["MAIL_DELIVERY_BATCH"]
    while batch := _claim(only, size):
        if in_outbox:
            total += _keep_all(batch)
            continue
        for message in batch:
            total += _attempt(backend, config, message)
    return total


def _keep_all(batch: list[tuple[Claimed, str]]) -> Counts:
    """The outbox backend: every message of the claim is delivered where it is, recorded
    in one transaction (the claim's lease, if still ours, ends)."""
    token = batch[0][1]
    ids = [message.id for message, _token in batch]
    values = {"status": MailStatus.SENT, "sent_at": clock.now(), "next_attempt_at": None}
    with db.engine.begin() as connection:
        ours = connection.execute(
            update(M)
            .where(M.id.in_(ids), M.claim_token == token)
            .values(claim_token=None, claimed_until=None, **values)
        ).rowcount
    if ours < len(ids):
        log.warning("mail lease lost", extra={"messages": len(ids) - ours})
    return Counts(sent=ours)


def _due(now, only: list[int] | None):
    free = or_(M.claimed_until.is_(None), M.claimed_until <= now)
    due = and_(
        M.status == MailStatus.QUEUED, M.next_attempt_at <= now, free, M.attempts < MAX_ATTEMPTS
    )
    return due if only is None else and_(due, M.id.in_(only))


def _claim(only: list[int] | None, size: int) -> list[tuple[Claimed, str]]:
    now = clock.now()
    token = secrets.token_hex(16)
    lease = {
        "claim_token": token,
        "claimed_until": now + current_app.config["MAIL_CLAIM_LEASE"],
        "attempts": M.attempts + 1,
    }
    pick = select(M.id).where(_due(now, only)).order_by(M.next_attempt_at, M.id).limit(size)
    with db.engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            # One statement, the transaction's first: it waits for SQLite's write lock,
            # then evaluates its WHERE as the only writer, so a message another
            # deliverer claimed a moment ago is no longer due.
            connection.execute(update(M).where(M.id.in_(pick.scalar_subquery())).values(lease))
        else:
            ids = connection.scalars(pick.with_for_update(skip_locked=True)).all()
            if not ids:
                return []
            connection.execute(update(M).where(M.id.in_(ids)).values(lease))
        rows = connection.execute(
            select(M.id, M.recipient, M.subject, M.text_body, M.html_body, M.locale, M.attempts)
            .where(M.claim_token == token)
            .order_by(M.id)
        ).all()
    return [(Claimed(*row), token) for row in rows]


def _attempt(backend: Backend, config, claimed: tuple[Claimed, str]) -> Counts:
    message, token = claimed
    try:
        backend(config, message)
    except Exception as error:  # whatever went wrong, the message stays for another try
        problem = describe(error)
        log.warning(
            "mail not delivered",
            extra={"message_id": message.id, "attempt": message.attempts, "error": problem},
        )
        delay = retry_delay(message.attempts)
        if delay is None:
            outcome = "failed"
            values = {"status": MailStatus.FAILED, "next_attempt_at": None}
        else:
            outcome = "retried"
            values = {"next_attempt_at": clock.now() + delay}
        values["last_error"] = problem
    else:
        outcome = "sent"
        values = {"status": MailStatus.SENT, "sent_at": clock.now(), "next_attempt_at": None}
    _record(message, token, values)
    return Counts(**{outcome: 1})


def _record(message: Claimed, token: str, values: dict) -> None:
    """Write the attempt's outcome and end the lease, if the lease is still ours."""
    with db.engine.begin() as connection:
        ours = connection.execute(
            update(M)
            .where(M.id == message.id, M.claim_token == token)
            .values(claim_token=None, claimed_until=None, **values)
        ).rowcount
    if not ours:
        # The lease ran out before the attempt ended and another deliverer took the
        # message: that one records its own outcome (the message may go out twice).
        log.warning("mail lease lost", extra={"message_id": message.id})


def _give_up_on_interrupted() -> None:
    """A message whose last attempt was cut short (its lease expired with no outcome)
    fails for good, as if that attempt had failed: otherwise it would stay queued and
    no deliverer would take it."""
    now = clock.now()
    with db.engine.begin() as connection:
        connection.execute(
            update(M)
            .where(
                M.status == MailStatus.QUEUED,
                M.attempts >= MAX_ATTEMPTS,
                M.claimed_until <= now,
            )
            .values(
                status=MailStatus.FAILED,
                last_error="Interrupted: the last attempt never finished",
                next_attempt_at=None,
                claimed_until=None,
                claim_token=None,
            )
        )


def describe(error: Exception) -> str:
    """What went wrong, short and safe to keep and show: the kind of error and the SMTP
    code, never the server's text (it quotes addresses) nor anything from the config."""
    name = type(error).__name__
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = sorted({code for code, _ in error.recipients.values()})
        return f"{name} {' '.join(map(str, codes))}".strip()
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{name} {error.smtp_code}"
    if isinstance(error, OSError) and error.strerror:
        return f"{name}: {error.strerror}"[:200]
    return name[:200]
