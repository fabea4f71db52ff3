"""/staff/moderation: the open reports, each with the reported post or message and the
actions that apply, and the log of recent actions."""

from flask import abort, flash, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.blueprints.staff import bp
from app.blueprints.staff.moderation_forms import ACTION_LABELS, ModerationForm
from app.domain import moderation as rules
from app.domain.moderation import Action
from app.extensions import db
from app.models import ForumCategory
from app.services import forum, moderation
from app.web.rendering import redirect_to, render


@bp.route("/moderation")
def moderation_queue():
    return render(
        "staff/moderation.html",
        reports=moderation.open_reports(),
        log=moderation.log(),
        labels=ACTION_LABELS,
    )


def _actions(report) -> list[Action]:
    if report.post is None:  # a private message: its author only
        return [Action.WARN, Action.SUSPEND, Action.DISMISS]
    thread = report.post.thread
    return [
        Action.RESTORE_POST if report.post.hidden_at else Action.HIDE_POST,
        Action.UNLOCK if thread.locked else Action.LOCK,
        Action.UNPIN if thread.pinned else Action.PIN,
        Action.MOVE,
        Action.WARN,
        Action.SUSPEND,
        Action.DISMISS,
    ]


@bp.route("/moderation/reports/<int:report_id>", methods=["GET", "POST"])
def moderation_report(report_id: int):
    report = moderation.report_by_id(report_id) or abort(404)
    categories = list(db.session.scalars(select(ForumCategory).order_by(ForumCategory.position)))
    form = ModerationForm()
    form.set_choices(_actions(report), categories)
    if report.resolved_at is None and form.validate_on_submit():
        action = Action(form.action.data)
        post = report.post
        author = post.author if post else report.message.author
        moderation.act(
            current_user._get_current_object(),
            action,
            form.reason.data,
            report=report,
            post=post if action in rules.POST_ACTIONS else None,
            thread=post.thread if post and action in rules.THREAD_ACTIONS else None,
            member=author,
            days=form.days.data,
            category=db.session.get(ForumCategory, int(form.category.data))
            if action is Action.MOVE
            else None,
        )
        flash(_("Done: %(action)s. The action is logged.", action=ACTION_LABELS[action]))
        return redirect_to(url_for("staff.moderation_queue"))
    author_profile = forum.profile_of(report.post.author if report.post else report.message.author)
    return render(
        "staff/moderation_report.html",
        "form",
        status=422 if form.errors else 200,
        report=report,
        form=form,
        author_profile=author_profile,
    )
