"""The development outbox: every email the site queued, where its delivery stands and,
with the development backend, what it says."""

from flask import abort, current_app, make_response, render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from app.blueprints.dev import bp
from app.domain.mail import MailStatus
from app.extensions import db, talisman
from app.models import OutboxMessage

STATUS_LABELS = {
    MailStatus.QUEUED: _l("Queued"),
    MailStatus.SENT: _l("Sent"),
    MailStatus.FAILED: _l("Failed"),
}


@bp.before_request
def outbox_access():
    if current_app.config["OUTBOX_PUBLIC"] or current_app.debug:
        return
    if not (current_user.is_authenticated and current_user.is_staff):
        abort(404)


def bodies_shown() -> bool:
    """Only messages that never left the site are shown whole. Those sent by SMTP went
    to their recipient and may hold a sign-in or reset link meant for them alone."""
    return current_app.config["MAIL_BACKEND"] == "outbox"


@bp.route("/dev/outbox")
def outbox():
    messages = db.session.scalars(
        select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(100)
    ).all()
    return render_template("dev/outbox.html", messages=messages, statuses=STATUS_LABELS)


@bp.route("/dev/outbox/<int:message_id>")
def outbox_message(message_id: int):
    message = db.get_or_404(OutboxMessage, message_id)
    return render_template(
        "dev/outbox_message.html",
        message=message,
        statuses=STATUS_LABELS,
        bodies_shown=bodies_shown(),
    )


@bp.route("/dev/outbox/<int:message_id>/html")
@talisman(
    content_security_policy={"default-src": "'none'", "style-src": "'unsafe-inline'", "sandbox": ""}
)
def outbox_message_html(message_id: int):
    # The email's own HTML, as a mail client would show it: sandboxed, no scripts.
    message = db.get_or_404(OutboxMessage, message_id)
    if not bodies_shown():
        abort(404)
    response = make_response(message.html_body)
    response.headers["Content-Type"] = "text/html; charset=utf-8"
    return response
