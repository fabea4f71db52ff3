"""`make bench`, learning: the pages a Premium Solo subscriber works in, against the
fortunes reference served by the same gunicorn in the same run, on SQLite and on
PostgreSQL (when BENCH_DATABASE_URL is set, in a schema of its own).

- the course page, with the subscriber's progress (every chapter but one done) and the
  course's exercises;
- the quiz page, with the subscriber's many earlier attempts.

Other members' chapters and attempts are in the database too, as on a running site. Each
page is measured signed in, cold for the data (the data caches emptied by each request)
and warm. The machinery (database, gunicorn, wrk, the report) is bench/run.py's,
imported; BENCH_SECONDS, BENCH_ROUNDS and BENCH_CONNECTIONS work as there."""

import os
import secrets
import shutil
import signal
import sys
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select

from app import create_app
from app.extensions import db
from app.models import ChapterCompletion, Course, QuizAttempt, Role, User
from app.seeds.learning import give_solo
from app.services import quizzes
from bench import harness, run
from tests.support import nginx

COURSE = "html-css-first-pages"
PAGES = [
    ("learning: course", f"/courses/{COURSE}"),
    ("learning: quiz", f"/courses/{COURSE}/quizzes/1"),
]
OTHERS = 300  # members with progress and attempts of their own
ATTEMPTS = 40  # the subscriber's earlier attempts (and each other member's)
SCHEMA = "atelier_bench_learning"
LAYERS = [run.Layer("member, cold data", 0.5), run.Layer("member, warm data", 0.5)]


def add_learning(url: str, secret: str) -> None:
    """The bench member becomes a Premium Solo subscriber with progress and attempts;
    other members get theirs."""
    app = create_app(
        {
            "ENV_NAME": "testing",
            "SECRET_KEY": secret,
            "SQLALCHEMY_DATABASE_URI": url,
            "RATELIMIT_ENABLED": False,
            "MAIL_BACKEND": "outbox",
        }
    )
    now = datetime.now(UTC)
    with app.app_context():
        member = db.session.scalar(select(User).where(User.email == harness.MEMBER[0]))
        give_solo(member, date.today(), now)
        course = db.session.scalar(select(Course).where(Course.slug == COURSE))
        exercise = next(e for e in course.exercises if e.kind == "quiz" and e.is_open)
        # No limit: the quiz page keeps its form open whatever the attempts.
        exercise.max_attempts = None
        revision_id = quizzes.revision(exercise).id
        # Others are rows, not accounts made one by one (a password hash each is slow).
        others = db.session.execute(
            insert(User).returning(User.id),
            [
                {
                    "email": f"bench.other.{i}@example.org",
                    "name": f"Other {i}",
                    "password_hash": "!",  # no password signs in as them
                    "date_of_birth": date(1990, 1, 1),
                    "country": "FR",
                    "locale": "en",
                    "role": Role.LEARNER,
                    "email_verified_at": now,
                }
                for i in range(OTHERS)
            ],
        ).scalars()
        everyone = [member.id, *others]
        chapters = [c.id for c in course.chapters]
        db.session.execute(
            insert(ChapterCompletion),
            [
                {"user_id": u, "chapter_id": c, "course_id": course.id, "completed_at": now}
                for u in everyone
                for c in chapters[:-1]
            ],
        )
        db.session.execute(
            insert(QuizAttempt),
            [
                {
                    "user_id": u,
                    "exercise_id": exercise.id,
                    "revision_id": revision_id,
                    "token": secrets.token_hex(16),
                    "earned_milli": 1000,
                    "possible_milli": 4000,
                    "percent": 25,
                    "pass_mark": 70,
                    "passed": False,
                    "submitted_at": now,
                }
                for u in everyone
                for _ in range(ATTEMPTS)
            ],
        )
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def headers_for(layer: run.Layer, base: str, path: str, cookie: str) -> dict:
    headers = {"Cookie": f"session={cookie}"}
    if "cold" in layer.name:
        headers.update(run.COLD)
    response = harness.fetch(base, path, headers)
    assert response.status == 200 and "Sign out" in response.body, (path, response.status)
    assert "Locked" not in response.body, (path, "the member is not a subscriber")
    return headers


def run_backend(name: str, url: str) -> list[tuple]:
    secret = secrets.token_hex(32)
    harness.log(f"\n== {name}: the catalog, a subscriber and {OTHERS} other members …")
    cookie = run.build_database(url, secret)
    add_learning(url, secret)
    rows, measured = [], {}
    with tempfile.TemporaryDirectory(prefix="atelier-bench-learning-") as folder_name:
        folder = Path(folder_name)
        port = nginx.free_port()
        process = harness.start_gunicorn(url, secret, port, folder)
        try:
            direct = f"http://127.0.0.1:{port}"
            fortunes = harness.wrk(direct + "/bench/fortunes", {})
            rows.append((name, "reference: fortunes", "", fortunes, [1.0], fortunes["rps"], None))
            for round_ in range(1, harness.ROUNDS + 1):
                harness.log(f"   round {round_} of {harness.ROUNDS}")
                for label, path in PAGES:
                    # Measured again before each page, as bench/run.py does (drift).
                    reference = harness.wrk(direct + "/bench/fortunes", {})["rps"]
                    for layer in LAYERS:
                        result = harness.wrk(
                            direct + path, headers_for(layer, direct, path, cookie)
                        )
                        ratio = result["rps"] / reference
                        measured.setdefault((label, layer), []).append((ratio, result, reference))
                        harness.log(
                            f"   {label:17} {layer.name:18} {result['rps']:8.0f} req/s"
                            f"  (fortunes {reference:.0f}: {ratio:.2f})"
                        )
        finally:
            nginx.stop(process, signal.SIGTERM)
    for (label, layer), runs in measured.items():
        runs.sort(key=lambda r: r[0])
        ratio, result, reference = runs[len(runs) // 2]
        rows.append(
            (name, label, layer.name, result, [r[0] for r in runs], reference, layer.target)
        )
    return rows


def run_postgresql(pg: str) -> list[tuple]:
    return harness.in_schema(pg, SCHEMA, lambda url: run_backend("postgresql", url))


def main() -> int:
    if shutil.which("wrk") is None:
        harness.log("wrk not found: install the Debian package `wrk` (apt-get install wrk).")
        return 1
    results = []
    with tempfile.TemporaryDirectory(prefix="atelier-bench-") as folder:
        results += run_backend("sqlite", f"sqlite:///{Path(folder) / 'bench.sqlite'}")
    pg = os.environ.get("BENCH_DATABASE_URL")
    if pg:
        results += run_postgresql(pg)
    else:
        harness.log(
            "\nPostgreSQL skipped: set BENCH_DATABASE_URL=postgresql://user:pass@127.0.0.1/db"
        )
    harness.report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
