"""Moderation use cases: members report a post or a message with a reason; staff work
through the open reports and act (hide/restore a post, lock/unlock, pin/unpin or move a
thread, warn or suspend a member). Every action is logged with who and why, and the
member concerned is told by email, in the same transaction (app.services.mail)."""

from datetime import timedelta

from flask import current_app, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import clock
from app.domain import moderation as rules
from app.domain.errors import DomainError
from app.domain.moderation import Action
from app.extensions import db
from app.models import (
    ForumCategory,
    ForumPost,
    ForumThread,
    Message,
    ModerationAction,
    Report,
    User,
)
from app.services import mail
from app.services.forum import profile_of


def _check_reason(reason: str) -> str:
    problem = rules.reason_problem(reason)
    if problem:
        raise DomainError("reason", problem.value)
    return reason.strip()


def report(
    reporter: User, reason: str, *, post: ForumPost | None = None, message: Message | None = None
) -> Report:
    made = Report(
        reporter_id=reporter.id,
        post_id=post.id if post else None,
        message_id=message.id if message else None,
        reason=_check_reason(reason),
        created_at=clock.now(),
    )
    db.session.add(made)
    db.session.flush()
    return made


def open_reports() -> list[Report]:
    return list(
        db.session.scalars(
            select(Report)
            .where(Report.resolved_at.is_(None))
            .order_by(Report.created_at, Report.id)
            .options(selectinload(Report.post), selectinload(Report.message))
        )
    )


def report_by_id(report_id: int) -> Report | None:
    return db.session.get(Report, report_id)


def log(limit: int = 50) -> list[ModerationAction]:
    return list(
        db.session.scalars(
            select(ModerationAction).order_by(ModerationAction.id.desc()).limit(limit)
        )
    )


def act(
    staff: User,
    action: Action,
    reason: str,
    *,
    report: Report | None = None,
    post: ForumPost | None = None,
    thread: ForumThread | None = None,
    member: User | None = None,
    days: int | None = None,
    category: ForumCategory | None = None,
) -> ModerationAction:
    """Do `action`, log it and tell the member concerned."""
    reason = _check_reason(reason)
    now = clock.now()
    detail = None
    if action in rules.POST_ACTIONS:
        post.hidden_at = now if action is Action.HIDE_POST else None
        thread, member = post.thread, post.author
    elif action in rules.THREAD_ACTIONS:
        if action is Action.MOVE:
            if category is None:
                raise DomainError("category", "required")
            detail = thread.category.slug
            thread.category_id = category.id
        else:
            thread.locked = {Action.LOCK: True, Action.UNLOCK: False}.get(action, thread.locked)
            thread.pinned = {Action.PIN: True, Action.UNPIN: False}.get(action, thread.pinned)
        member = thread.author
    elif action is Action.SUSPEND:
        if rules.days_problem(days):
            raise DomainError("days", "range")
        profile_of(member).suspended_until = now + timedelta(days=days)
    entry = ModerationAction(
        staff_id=staff.id,
        action=action,
        reason=reason,
        member_id=member.id if member else None,
        thread_id=thread.id if thread else None,
        post_id=post.id if post else None,
        report_id=report.id if report else None,
        days=days if action is Action.SUSPEND else None,
        detail=detail,
        created_at=now,
    )
    db.session.add(entry)
    if report is not None:
        report.resolved_at, report.resolved_by_id = now, staff.id
    db.session.flush()
    if member is not None and action in rules.TOLD:
        _tell(member, entry, thread)
    return entry


def _tell(member: User, entry: ModerationAction, thread: ForumThread | None) -> None:
    link = (
        url_for("forum.thread", thread_id=thread.id, _external=True)
        if thread is not None
        else url_for("forum.index", _external=True)
    )
    until = profile_of(member).suspended_until if entry.action is Action.SUSPEND else None
    mail.send_template(
        member.email,
        "moderation_notice",
        member.locale or "en",
        name=profile_of(member).display_name,
        entry=entry,
        thread_title=thread.title if thread else None,
        link=link,
        until=until,
        # The dates in the member's own zone, not in that of the staff member acting.
        timezone=member.timezone or current_app.config["DEFAULT_USER_TIMEZONE"],
    )
