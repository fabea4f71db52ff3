"""SECURITY "Billing on PostgreSQL": four `flask billing run` processes at the same moment
over 500 due subscriptions charge each period once and issue one invoice each, numbered
1..500 without a gap."""

import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from app.extensions import db
from app.models import Invoice, Payment, PaymentStatus, SandboxTransaction, Subscription
from app.services import accounts
from tests.support.billing import renewing
from tests.support.subscriptions import subscription as make_subscription

ROOT = Path(__file__).parents[2]
PROCESSES = 4
DUE = int(os.environ.get("BILLING_TEST_DUE", "500"))


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_four_processes_charge_500_renewals_exactly_once(app):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("postgresql"):
        pytest.skip("several processes at once: PostgreSQL only")
    for n in range(DUE):
        user = accounts.register(
            accounts.NewAccount(
                f"Member {n}",
                f"due{n}@example.org",
                "correct horse battery",
                date(1990, 1, 1),
                "FR",
                False,
                "en",
            ),
            verified=True,
        )
        db.session.flush()
        renewing(make_subscription(user), period_end=date(2026, 2, 5))
    db.session.commit()
    env = {
        **os.environ,
        "FLASK_APP": "wsgi.py",
        "DATABASE_URL": url,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "MAIL_DELIVER_AFTER_REQUEST": "0",
    }
    flask = [sys.executable, "-m", "flask", "billing", "run", "--now", "2026-02-05T09:00"]
    # The processes start one after the other, and a job faster than their start-up
    # would be done before the last one begins: the subscriptions are held until all
    # four wait for them, so that they claim at the same moment.
    engine = create_engine(url)
    gate = engine.connect()
    gate.execute(text("LOCK TABLE subscriptions IN ACCESS EXCLUSIVE MODE"))
    runs = [
        subprocess.Popen(
            flask, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(PROCESSES)
    ]
    try:
        _wait_for_waiters(gate, PROCESSES)
    finally:
        gate.commit()
        gate.close()
        engine.dispose()
    outputs = [run.communicate(timeout=600) for run in runs]
    assert all(run.returncode == 0 for run in runs), outputs
    db.session.expire_all()
    assert count(Payment, Payment.status == PaymentStatus.SUCCEEDED) == DUE, outputs
    assert count(Payment) == DUE
    assert count(SandboxTransaction) == DUE
    assert count(Invoice) == DUE
    numbers = sorted(db.session.scalars(select(Invoice.number)))
    assert numbers == list(range(1, DUE + 1))
    assert count(Subscription, Subscription.current_period_end == date(2026, 3, 5)) == DUE
    # The work was shared: more than one process charged renewals. A process whose "lost
    # answers" step (the first) runs while another is between a charge's call and its
    # answer's application may find that answer at the gateway and apply it: the other
    # process then finds it settled. So each renewal is done once, by one step or the other.
    charged, repaired = (
        done_by("reflection ends and renewals", outputs),
        done_by("lost answers", outputs),
    )
    assert sum(charged) + sum(repaired) == DUE, outputs
    assert sum(1 for c in charged if c) > 1, outputs


def _wait_for_waiters(connection, expected: int) -> None:
    waiting = text(
        "SELECT count(*) FROM pg_locks JOIN pg_class ON pg_class.oid = pg_locks.relation "
        "WHERE pg_class.relname = 'subscriptions' AND NOT pg_locks.granted"
    )
    deadline = time.monotonic() + 120
    while connection.execute(waiting).scalar() < expected and time.monotonic() < deadline:
        time.sleep(0.05)


def done_by(step: str, outputs) -> list[int]:
    """What `step` did in each process, from its summary line ("<step>: N done, ...")."""
    return [
        int(line.split(":")[1].split("done")[0])
        for out, _err in outputs
        for line in out.splitlines()
        if line.strip().startswith(f"{step}:")
    ]
