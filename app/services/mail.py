"""One mail service: every message has a plain-text and an HTML body, in the
recipient's language, and goes out through the configured backend."""

import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app, render_template
from flask_babel import force_locale

from app.extensions import db
from app.models import OutboxMessage

log = logging.getLogger("atelier.mail")


@dataclass(frozen=True)
class Mail:
    recipient: str
    subject: str
    text_body: str
    html_body: str
    locale: str


def compose(recipient: str, template: str, locale: str, **context) -> Mail:
    """Render emails/<template>.txt and .html; the subject is the html block `subject`."""
    with force_locale(locale):
        context.setdefault("brand", current_app.config["PLATFORM_NAME"])
        text_body = render_template(f"emails/{template}.txt", **context)
        html_body = render_template(f"emails/{template}.html", **context)
        subject = render_template("emails/_subject.txt", template=template, **context).strip()
    return Mail(recipient, subject, text_body, html_body, locale)


def send(mail: Mail) -> None:
    backend = current_app.config["MAIL_BACKEND"]
    if backend == "smtp":
        _send_smtp(mail)
    elif backend == "outbox":
        db.session.add(
            OutboxMessage(
                recipient=mail.recipient,
                subject=mail.subject,
                text_body=mail.text_body,
                html_body=mail.html_body,
                locale=mail.locale,
            )
        )
    else:
        raise ValueError(f"unknown MAIL_BACKEND {backend!r}")
    # The address is personal data and the body may hold a link that grants access:
    # log only that a message went out.
    log.info("mail sent", extra={"template_subject": mail.subject, "backend": backend})


def send_template(recipient: str, template: str, locale: str, **context) -> None:
    send(compose(recipient, template, locale, **context))


def _send_smtp(mail: Mail) -> None:
    config = current_app.config
    message = EmailMessage()
    message["Subject"] = mail.subject
    message["From"] = config["MAIL_SENDER"]
    message["To"] = mail.recipient
    message["Message-ID"] = make_msgid()
    message.set_content(mail.text_body)
    message.add_alternative(mail.html_body, subtype="html")
    # After the body: making it multipart moves Content-* headers into the first part.
    message["Content-Language"] = mail.locale
    with smtplib.SMTP(
        config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]
    ) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)
