"""One mail service: every message has a plain-text and an HTML body, in the
recipient's language. Sending writes it to the outbox in the caller's transaction;
`app.services.mail_delivery` delivers it once that transaction has committed, so a mail
server that is down never fails the change that wrote the message, and a change that
rolls back sends nothing."""

import logging
from dataclasses import dataclass

from flask import Flask, current_app
from flask_babel import force_locale, get_translations
from jinja2 import Environment
from sqlalchemy import insert, inspect

from app import clock
from app.domain.mail import MailStatus
from app.extensions import db
from app.models import OutboxMessage

log = logging.getLogger("atelier.mail")

# Where the session keeps the messages it queued, until `take_committed` reads them.
_QUEUED = "atelier.mail.queued"
# app.extensions: {locale: the templates with that locale's gettext}.
_TEMPLATES = "atelier.mail.templates"


@dataclass(frozen=True)
class Mail:
    recipient: str
    subject: str
    text_body: str
    html_body: str
    locale: str


def compose(recipient: str, template: str, locale: str, **context) -> Mail:
    """Render emails/<template>.txt and .html; the subject is the html block `subject`."""
    app = current_app._get_current_object()
    with force_locale(locale):
        context.setdefault("brand", app.config["PLATFORM_NAME"])
        context["template"] = template
        # The context processors once for the three templates (render_template would
        # run them for each): the billing job composes a message per renewal.
        app.update_template_context(context)
        templates = _templates(app, locale)
        text_body, html_body, subject = (
            templates.get_template(name).render(context)
            for name in (f"emails/{template}.txt", f"emails/{template}.html", "emails/_subject.txt")
        )
    return Mail(recipient, subject.strip(), text_body, html_body, locale)


def _templates(app: Flask, locale: str) -> Environment:
    """The app's templates with their gettext bound to `locale`'s catalogue (call it in
    `force_locale(locale)`): Flask-Babel's own finds the locale again for every string,
    a tenth of a renewal email's rendering, and the billing job writes thousands."""
    by_locale = app.extensions.setdefault(_TEMPLATES, {})
    templates = by_locale.get(locale)
    if templates is None:
        # A new environment, not an overlay: an overlay's install_gettext_translations
        # is its parent's, and would install this locale's gettext for the whole site.
        templates = app.create_jinja_environment()
        templates.globals.update(app.jinja_env.globals)
        templates.filters.update(app.jinja_env.filters)
        templates.tests.update(app.jinja_env.tests)
        templates.add_extension("jinja2.ext.i18n")
        templates.install_gettext_translations(get_translations(), newstyle=True)
        by_locale[locale] = templates
    return templates


def send(mail: Mail) -> None:
    """Queue `mail` in the current transaction: it is due as soon as that commits."""
    message = OutboxMessage(**_row(mail))
    db.session.add(message)
    db.session.info.setdefault(_QUEUED, []).append(message)
    # The address is personal data and the body may hold a link that grants access:
    # log only that a message was queued.
    log.info("mail queued", extra={"template_subject": mail.subject})


def send_many(mails: list[Mail]) -> None:
    """Queue many messages in the current transaction, in one statement: a job's, which
    delivers its outbox when it ends (`take_committed` does not list them, so a request
    would not deliver them after its commit)."""
    if mails:
        db.session.execute(insert(OutboxMessage), [_row(mail) for mail in mails])
        log.info("mails queued", extra={"count": len(mails)})


def _row(mail: Mail) -> dict:
    return {
        "recipient": mail.recipient,
        "subject": mail.subject,
        "text_body": mail.text_body,
        "html_body": mail.html_body,
        "locale": mail.locale,
        "status": MailStatus.QUEUED,
        "attempts": 0,
        "next_attempt_at": clock.now(),
    }


def send_template(recipient: str, template: str, locale: str, **context) -> None:
    send(compose(recipient, template, locale, **context))


def take_committed() -> list[int]:
    """The ids of the messages this session queued that a commit kept, and forget them
    all. Call it right after a commit: a message whose transaction (or savepoint) rolled
    back was expunged from the session, so it is no longer persistent and is left out."""
    queued = db.session.info.pop(_QUEUED, [])
    return [state.identity[0] for state in map(inspect, queued) if state.persistent]
