"""`make bench` (billing scenario): BENCH_BILLING_SUBSCRIPTIONS (default 100,000)
subscriptions due on one day, then `flask billing run --now` on SQLite, on PostgreSQL,
and on PostgreSQL with 2 processes; prints subscriptions per second and the total.

The rows are inserted in bulk (members, completed orders, sandbox cards, active
subscriptions) so that only the billing run is timed. PostgreSQL runs when
BENCH_DATABASE_URL is set, in its own schema `atelier_bench_billing` (dropped after).
Mail delivery is part of the run (the outbox backend: nothing leaves the machine)."""

import os
import secrets
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import create_engine, func, insert, select, text  # noqa: E402

from app import create_app  # noqa: E402
from app.config import normalise_database_url  # noqa: E402
from app.domain.orders import OrderStatus, Plan  # noqa: E402
from app.domain.subscriptions import SubscriptionStatus  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import (  # noqa: E402
    Invoice,
    Order,
    Payment,
    PaymentMethod,
    PaymentStatus,
    Role,
    Subscription,
    User,
)

COUNT = int(os.environ.get("BENCH_BILLING_SUBSCRIPTIONS", "100000"))
SCHEMA = "atelier_bench_billing"
NOW = "2026-02-05T09:00"
BATCH = 5000


def log(message: str) -> None:
    print(message, flush=True)


def build(url: str, count: int) -> None:
    app = create_app(
        {
            "ENV_NAME": "testing",
            "SECRET_KEY": "bench-secret",
            "SQLALCHEMY_DATABASE_URI": url,
            "MAIL_BACKEND": "outbox",
        }
    )
    created = datetime(2026, 1, 5, 9, tzinfo=UTC)
    with app.app_context():
        upgrade()
        for start in range(0, count, BATCH):
            size = min(BATCH, count - start)
            _batch(start, size, created)
            db.session.commit()
        db.session.remove()
        db.engine.dispose()


def _batch(start: int, size: int, created: datetime) -> None:
    numbers = range(start, start + size)
    db.session.execute(
        insert(User),
        [
            {
                "email": f"bench{n}@example.org",
                "name": f"Bench {n}",
                # Never signs in: any string that is not a valid hash.
                "password_hash": "!",
                "role": Role.LEARNER,
                "date_of_birth": date(1990, 1, 1),
                "country": "FR",
                "legal_protection": False,
                "locale": "en",
                "email_verified_at": created,
                "created_at": created,
            }
            for n in numbers
        ],
    )
    users = dict(
        db.session.execute(
            select(User.email, User.id).where(User.email.like("bench%@example.org"))
        ).all()
    )
    ids = [users[f"bench{n}@example.org"] for n in numbers]
    db.session.execute(
        insert(Order),
        [
            {
                "public_id": secrets.token_hex(16),
                "reference": f"AT-B{n:07d}",
                "idempotency_key": f"order:bench:{n}",
                "plan": Plan.SOLO,
                "user_id": uid,
                "status": OrderStatus.COMPLETED,
                "monthly_cents": 2000,
                "full_name": f"Bench {n}",
                "locale": "en",
                "created_at": created,
                "updated_at": created,
            }
            for n, uid in zip(numbers, ids, strict=True)
        ],
    )
    orders = dict(
        db.session.execute(select(Order.user_id, Order.id).where(Order.user_id.in_(ids))).all()
    )
    db.session.execute(
        insert(PaymentMethod),
        [
            {
                "user_id": uid,
                "gateway": "sandbox",
                "kind": "card",
                "token": f"sbx_success_{secrets.token_hex(8)}",
                "brand": "visa",
                "last4": "4242",
                "created_at": created,
            }
            for uid in ids
        ],
    )
    methods = dict(
        db.session.execute(
            select(PaymentMethod.user_id, PaymentMethod.id).where(PaymentMethod.user_id.in_(ids))
        ).all()
    )
    # Bulk rows skip the ORM's status guard: a benchmark's fixture, not a status change.
    db.session.execute(
        insert(Subscription),
        [
            {
                "user_id": uid,
                "order_id": orders[uid],
                "plan": Plan.SOLO,
                "status": SubscriptionStatus.ACTIVE,
                "monthly_cents": 2000,
                "currency": "EUR",
                "discount_cents": 0,
                "discount_months": 0,
                "payment_method_id": methods[uid],
                "accepted_at": created,
                "anchor_date": date(2026, 1, 5),
                "current_period_start": date(2026, 1, 5),
                "current_period_end": date(2026, 2, 5),
                "created_at": created,
                "updated_at": created,
            }
            for uid in ids
        ],
    )


def run_job(url: str, processes: int) -> float:
    env = {
        **os.environ,
        "FLASK_APP": "wsgi.py",
        "DATABASE_URL": url,
        "SECRET_KEY": "bench-secret",
        "MAIL_BACKEND": "outbox",
    }
    command = [sys.executable, "-m", "flask", "billing", "run", "--now", NOW]
    started = time.perf_counter()
    runs = [
        subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
        for _ in range(processes)
    ]
    for run in runs:
        out, _ = run.communicate()
        if run.returncode:
            log(out)
            raise SystemExit(f"flask billing run failed ({run.returncode})")
    return time.perf_counter() - started


def check(url: str, count: int) -> None:
    engine = create_engine(url)
    with engine.connect() as connection:
        paid = connection.scalar(
            select(func.count()).where(Payment.status == PaymentStatus.SUCCEEDED)
        )
        invoiced = connection.scalar(select(func.count()).select_from(Invoice))
    engine.dispose()
    if (paid, invoiced) != (count, count):
        raise SystemExit(f"expected {count} charges and invoices, found {paid} and {invoiced}")


def scenario(name: str, url: str, processes: int, results: list) -> None:
    log(f"\n{name}: {COUNT} subscriptions due on 5 February 2026")
    started = time.perf_counter()
    build(url, COUNT)
    log(f"  data built in {time.perf_counter() - started:.1f} s")
    seconds = run_job(url, processes)
    check(url, COUNT)
    results.append((name, seconds))
    log(f"  billing run: {seconds:.1f} s, {COUNT / seconds:.0f} subscriptions/s")


def postgres_url(pg: str) -> str:
    base = normalise_database_url(pg)
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}options=-csearch_path%3D{SCHEMA}"


def reset_schema(pg: str) -> None:
    engine = create_engine(normalise_database_url(pg))
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    engine.dispose()


def drop_schema(pg: str) -> None:
    engine = create_engine(normalise_database_url(pg))
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
    engine.dispose()


def main() -> int:
    results: list = []
    with tempfile.TemporaryDirectory(prefix="atelier-bench-billing-") as folder:
        scenario("SQLite", f"sqlite:///{Path(folder) / 'billing.sqlite'}", 1, results)
    pg = os.environ.get("BENCH_DATABASE_URL")
    if not pg:
        log("\nPostgreSQL skipped: set BENCH_DATABASE_URL=postgresql://user:pass@127.0.0.1/db")
    else:
        try:
            for processes in (1, 2):
                reset_schema(pg)
                label = f"PostgreSQL, {processes} process{'es' if processes > 1 else ''}"
                scenario(label, postgres_url(pg), processes, results)
        finally:
            drop_schema(pg)
    log("\nscenario                      seconds   subscriptions/s")
    for name, seconds in results:
        log(f"{name:28} {seconds:8.1f}   {COUNT / seconds:10.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
