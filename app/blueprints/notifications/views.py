"""The member's forum notifications, newest first: new replies in the threads they
follow and mentions of their name, each linking to its post; mark one or all read."""

from flask import abort, flash, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import clock
from app.access import Record, can
from app.blueprints.auth.forms import EmptyForm
from app.blueprints.notifications import bp
from app.services import member_header, notifications
from app.web.rendering import redirect_to


def _user():
    return current_user._get_current_object()


@bp.app_template_global("unread_notifications")
def unread_notifications() -> int:
    """For the header of a signed-in member's pages (never a shared, cached page: those
    are a visitor's); asked with the header's other counts."""
    return member_header.counts(_user(), clock.now()).unread_notifications


@bp.route("/")
def index():
    return render_template(
        "notifications/index.html", notices=notifications.of(_user()), form=EmptyForm()
    )


@bp.route("/<int:notice_id>/read", methods=["POST"])
def mark_read(notice_id: int):
    notice = notifications.notification(notice_id)
    if notice is None or not can(_user(), Record.CHANGE, notice):
        abort(404)
    if EmptyForm().validate_on_submit():
        notifications.mark_read(notice)
        flash(_("The notification is marked as read."))
    return redirect_to(url_for("notifications.index"))


@bp.route("/read-all", methods=["POST"])
def mark_all_read():
    if EmptyForm().validate_on_submit():
        notifications.mark_all_read(_user())
        flash(_("Every notification is marked as read."))
    return redirect_to(url_for("notifications.index"))
