"""The billing job (`flask billing run`): everything that is due, as a list of named
steps. Another feature adds its own with `register_step` (Terms deadlines, card-expiry
notices...). Each step commits its own short transactions and returns (how many things
it did, what failed); a step that raises is reported and the others still run. Mail
delivery comes last, for the messages the steps queued."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app, has_request_context

from app.extensions import db
from app.services import mail_delivery, payment_methods, terms_updates
from app.services.billing import dues, referrals, renewals

StepFunction = Callable[[datetime], tuple[int, list[str]]]


@dataclass(frozen=True)
class Step:
    name: str
    run: StepFunction


@dataclass
class StepReport:
    name: str
    done: int = 0
    failed: list[str] = field(default_factory=list)


@dataclass
class Summary:
    now: datetime
    steps: list[StepReport] = field(default_factory=list)

    @property
    def failed(self) -> list[str]:
        return [f"{step.name}: {problem}" for step in self.steps for problem in step.failed]

    def lines(self) -> list[str]:
        lines = [f"Billing run at {self.now.isoformat()}"]
        for step in self.steps:
            lines.append(f"  {step.name}: {step.done} done, {len(step.failed)} failed")
            lines.extend(f"    - {problem}" for problem in step.failed)
        return lines


STEPS: list[Step] = [
    # First, the answers a crash or a timeout left unknown: applied before anything new.
    Step("lost answers", renewals.repair),
    # Before renewals: a credit earned today is taken off today's charges.
    Step("referral credits", referrals.grant),
    Step("reflection ends and renewals", renewals.run),
    Step("retries, terminations, interest and fees", dues.run),
    Step("cancellations ended", dues.end_cancelled),
    # Settings → Payment: a month before a kept card expires, its holder is told.
    Step("card expiry notices", payment_methods.expiry_notices),
    # A material change of the Terms (§1): at its 30-day deadline, continued use.
    Step("terms deadlines", terms_updates.record_continued_use),
]


def register_step(name: str, run: StepFunction, before: str | None = None) -> None:
    """Add a step (before the step named `before`, or last)."""
    step = Step(name, run)
    names = [s.name for s in STEPS]
    STEPS.insert(names.index(before) if before in names else len(STEPS), step)


def run(now: datetime) -> Summary:
    """Every step, then mail delivery. Outside a request (the CLI), the steps run in a
    request context for the public address, so the emails' links are built for it."""
    if has_request_context():
        return _run(now)
    base_url = current_app.config["PUBLIC_URL"].rstrip("/") + "/"
    with current_app.test_request_context(base_url=base_url):
        return _run(now)


def _run(now: datetime) -> Summary:
    summary = Summary(now)
    for step in STEPS:
        report = StepReport(step.name)
        try:
            report.done, report.failed = step.run(now)
        except Exception as error:  # reported; the next steps still run
            db.session.rollback()
            report.failed.append(f"the step stopped: {type(error).__name__}: {error}")
        summary.steps.append(report)
    db.session.commit()
    report = StepReport("mail delivery")
    try:
        counts = mail_delivery.deliver()
        report.done = counts.sent
        if counts.retried or counts.failed:
            report.failed.append(f"{counts.retried} to retry later, {counts.failed} failed")
    except Exception as error:
        db.session.rollback()
        report.failed.append(f"{type(error).__name__}: {error}")
    summary.steps.append(report)
    return summary
