"""`make bench`: load the catalog pages with wrk and compare them with a fortunes
reference served by the same gunicorn, on SQLite and on PostgreSQL.

Only 127.0.0.1 is used; everything started here is stopped here. PostgreSQL runs when
BENCH_DATABASE_URL is set (the bench works in its own schema, `atelier_bench`, which it
drops and recreates). BENCH_SECONDS (default 10) and BENCH_CONNECTIONS (default 32) tune
each wrk run, BENCH_ROUNDS (default 3) how many times every page is measured (the median
is reported); the Debian package `wrk` must be installed."""

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import insert, select, text  # noqa: E402

from app import create_app  # noqa: E402
from app.config import normalise_database_url  # noqa: E402
from app.domain.pricing import path_offer  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import (  # noqa: E402
    Availability,
    Certification,
    Chapter,
    Course,
    LearningPath,
    Level,
    PathStep,
    Price,
    StepKind,
)
from app.models.catalog import PATH_TEXTS  # noqa: E402
from app.seeds.catalog import seed_catalog  # noqa: E402
from app.services import accounts  # noqa: E402

SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
COURSES, PATHS = 2000, 200
SCHEMA = "atelier_bench"
MEMBER = ("bench.member@example.org", "bench member password 2026")

PAGES = [
    ("catalog list", "/courses"),
    ("search", "/courses?q=python+data"),
    ("filtered list", "/paths?certification=rncp&duration=medium&language=en"),
    ("path page", "/paths/web-developer"),
    ("course page", "/courses/html-css-first-pages"),
]

FORTUNES = [
    "fortune: No such file or directory",
    "A computer scientist is someone who fixes things that aren't broken.",
    "After enough decimal places, nobody gives a damn.",
    "A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1",
    "A computer program does what you tell it to do, not what you want it to do.",
    "Emacs is a nice operating system, but I prefer UNIX. — Tom Christaensen",
    "Any program that runs right is obsolete.",
    "A list is only as strong as its weakest link. — Donald Knuth",
    "Feature: A bug with seniority.",
    "Computers make very fast, very accurate mistakes.",
    '<script>alert("This should not be displayed in a browser alert box.");</script>',
    "フレームワークのベンチマーク",
]


def log(message: str) -> None:
    print(message, flush=True)


# --- data -------------------------------------------------------------------------------


def build_database(url: str, secret: str) -> str:
    """Schema from the migrations, the demo catalog, generated courses and paths, the
    fortune table and a member; returns the member's session cookie."""
    app = create_app(
        {
            "ENV_NAME": "testing",
            "SECRET_KEY": secret,
            "SQLALCHEMY_DATABASE_URI": url,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "MAIL_BACKEND": "outbox",
        }
    )
    with app.app_context():
        upgrade()
        seed_catalog(date.today())
        generate(COURSES, PATHS)
        db.session.execute(text("CREATE TABLE fortune (id INTEGER PRIMARY KEY, message TEXT)"))
        db.session.execute(
            text("INSERT INTO fortune (id, message) VALUES (:id, :message)"),
            [{"id": i, "message": m} for i, m in enumerate(FORTUNES, 1)],
        )
        db.session.commit()
        accounts.register(
            accounts.NewAccount(
                "Bench Member", MEMBER[0], MEMBER[1], date(1990, 1, 1), "GB", False, "en"
            ),
            verified=True,
        )
        client = app.test_client()
        # wrk sends no User-Agent: sign in as that same client. Flask-Login ties the
        # session to the address and User-Agent, and would otherwise rewrite the cookie
        # (marked not fresh) on every request, a new cookie that wrk never keeps.
        client.environ_base.pop("HTTP_USER_AGENT", None)
        response = client.post("/signin", data={"email": MEMBER[0], "password": MEMBER[1]})
        assert response.status_code == 302, response.status_code
        cookie = client.get_cookie("session").value
        db.session.remove()
        db.engine.dispose()
    return cookie


def generate(courses: int, paths: int) -> None:
    levels = list(Level)
    words = ["python", "data", "web", "design", "security", "cloud", "java", "network"]
    rows = []
    for i in range(courses):
        a, b = words[i % 8], words[(i // 8) % 8]
        rows.append(
            {
                "slug": f"bench-course-{i}",
                "title_en": f"Course {i}: {a} and {b}",
                "title_fr": f"Cours {i} : {a} et {b}",
                "summary_en": f"A generated course about {a} and {b}.",
                "summary_fr": f"Un cours généré sur {a} et {b}.",
                "level": levels[i % 3],
                "language": "en" if i % 2 else "fr",
                "duration_hours": 1 + i % 30,
                "availability": Availability.OPEN,
                "search_text": f"course {i} {a} {b} cours généré",
            }
        )
    db.session.execute(insert(Course), rows)
    ids = db.session.scalars(
        select(Course.id).where(Course.slug.like("bench-course-%")).order_by(Course.id)
    ).all()
    db.session.execute(
        insert(Chapter),
        [
            {
                "course_id": cid,
                "position": p,
                "title_en": f"Chapter {p}",
                "title_fr": f"Chapitre {p}",
                "body_en": "Some **text**.",
                "body_fr": "Du **texte**.",
            }
            for cid in ids
            for p in (1, 2, 3)
        ],
    )
    certifications = list(Certification)
    path_rows = []
    for i in range(paths):
        row = {
            "slug": f"bench-path-{i}",
            "title_en": f"Path {i}",
            "title_fr": f"Parcours {i}",
            "level": levels[i % 3],
            "language": "en" if i % 2 else "fr",
            "certification": certifications[i % 3],
            "certification_code": None if i % 3 == 2 else f"RNCP{10000 + i}",
            "duration_months": 6 + i % 12,
            "min_projects": 6,
            "availability": Availability.OPEN,
            "search_text": f"path {i} parcours",
        }
        for name in PATH_TEXTS:
            row[f"{name}_en"] = f"Generated {name} text."
            row[f"{name}_fr"] = f"Texte {name} généré."
        path_rows.append(row)
    db.session.execute(insert(LearningPath), path_rows)
    path_ids = db.session.scalars(
        select(LearningPath.id).where(LearningPath.slug.like("bench-path-%"))
    ).all()
    db.session.execute(
        insert(PathStep),
        [
            {
                "path_id": pid,
                "position": p,
                "kind": StepKind.COURSE,
                "course_id": ids[(pid * 7 + p) % len(ids)],
            }
            for pid in path_ids
            for p in range(1, 9)
        ],
    )
    db.session.execute(
        insert(Price),
        [
            {
                "offer": path_offer(pid),
                "amount_cents": 25000,
                "effective_from": date(2026, 1, 1),
                "currency": "EUR",
            }
            for pid in path_ids
        ],
    )
    db.session.commit()


# --- gunicorn and wrk -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(url: str, secret: str, port: int) -> subprocess.Popen:
    workers = 2 * (os.cpu_count() or 1) + 1
    env = {
        **os.environ,
        "BENCH_APP_DATABASE_URL": url,
        "BENCH_SECRET_KEY": secret,
        "ATELIER_ENV": "development",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DATABASE_URL", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "bench.wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/plaintext", timeout=2):
                return process
        except OSError:
            time.sleep(0.3)
    stop(process)
    raise RuntimeError("gunicorn did not start")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url: str, cookie: str | None = None) -> dict:
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency", "--timeout", "10s"]
    if cookie:
        command += ["-H", f"Cookie: session={cookie}"]
    output = subprocess.run(
        [*command, url], capture_output=True, text=True, check=True, timeout=SECONDS + 60
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))

    def percentile(p: str) -> float:
        value, unit = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
        return float(value) * UNITS[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": rps,
        "p50": percentile("50"),
        "p99": percentile("99"),
        "non2xx": int(errors.group(1)) if errors else 0,
    }


def warm_up(url: str, cookie: str | None = None) -> None:
    """One second of load, not counted: each worker compiles its templates and fills
    its page cache before the measured run, as every page gets in a running site."""
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", "-d1s"]
    if cookie:
        command += ["-H", f"Cookie: session={cookie}"]
    subprocess.run([*command, url], capture_output=True, check=True, timeout=60)


def measure_fortunes(base: str) -> dict:
    warm_up(base + "/bench/fortunes")
    return wrk(base + "/bench/fortunes")


def check(url: str, cookie: str | None = None) -> None:
    request = urllib.request.Request(url, headers={"Cookie": f"session={cookie}"} if cookie else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read().decode()
    assert response.status == 200, url
    if cookie:
        assert "Sign out" in body, f"{url}: not signed in"


def run_backend(name: str, url: str) -> list[tuple]:
    secret = secrets.token_hex(32)
    log(f"\n== {name}: building {COURSES} courses and {PATHS} paths …")
    cookie = build_database(url, secret)
    port = free_port()
    process = start_gunicorn(url, secret, port)
    base = f"http://127.0.0.1:{port}"
    rows = []
    try:
        warm_up(base + "/bench/plaintext")
        plain = wrk(base + "/bench/plaintext")
        fortunes = measure_fortunes(base)
        rows.append(
            (name, "reference: plaintext", "-", plain, plain["rps"] / fortunes["rps"], None, None)
        )
        rows.append((name, "reference: fortunes", "-", fortunes, 1.0, None, None))
        pairs = {}
        for round_ in range(1, ROUNDS + 1):
            log(f"   round {round_} of {ROUNDS}")
            for who, who_cookie in (("anonymous", None), ("member", cookie)):
                for label, path in PAGES:
                    check(base + path, who_cookie)
                    # The reference is measured again right before each page: the
                    # machine's speed drifts during a run (other tenants, heat), and a
                    # ratio between runs minutes apart would measure that drift too.
                    reference = measure_fortunes(base)
                    warm_up(base + path, who_cookie)
                    result = wrk(base + path, who_cookie)
                    ratio = result["rps"] / reference["rps"]
                    pairs.setdefault((who, label), []).append((ratio, result, reference["rps"]))
                    log(
                        f"   {label:14} {who:9} {result['rps']:9.0f} req/s"
                        f"  (fortunes {reference['rps']:.0f}: {ratio:.2f})"
                    )
        for (who, label), measured in pairs.items():
            measured.sort(key=lambda pair: pair[0])
            ratio, result, reference = measured[len(measured) // 2]  # the median round
            spread = (measured[0][0], measured[-1][0])
            rows.append((name, label, who, result, ratio, reference, spread))
    finally:
        stop(process)
    return rows


def main() -> int:
    if shutil.which("wrk") is None:
        log("wrk not found: install the Debian package `wrk` (apt-get install wrk).")
        return 1
    results = []
    with tempfile.TemporaryDirectory(prefix="atelier-bench-") as folder:
        results += run_backend("sqlite", f"sqlite:///{Path(folder) / 'bench.sqlite'}")
    pg = os.environ.get("BENCH_DATABASE_URL")
    if not pg:
        log("\nPostgreSQL skipped: set BENCH_DATABASE_URL=postgresql://user:pass@127.0.0.1/db")
    else:
        base = normalise_database_url(pg)
        from sqlalchemy import create_engine

        engine = create_engine(base)
        try:
            with engine.begin() as connection:
                connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
                connection.execute(text(f"CREATE SCHEMA {SCHEMA}"))
        except Exception as error:
            log(
                f"\nPostgreSQL skipped: cannot reach {pg.split('@')[-1]} ({error.__class__.__name__})"
            )
            base = None
        finally:
            engine.dispose()
        if base:
            separator = "&" if "?" in base else "?"
            url = f"{base}{separator}options=-csearch_path%3D{SCHEMA}"
            try:
                results += run_backend("postgresql", url)
            finally:
                engine = create_engine(base)
                with engine.begin() as connection:
                    connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
                engine.dispose()

    log(
        f"\nwrk: {SECONDS} s, {CONNECTIONS} connections, gunicorn sync workers: {2 * (os.cpu_count() or 1) + 1}"
    )
    log(
        f"{'database':10} {'page':22} {'visitor':9} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8}"
        f" {'fortunes':>9} {'ratio':>6} {'rounds':>11}"
    )
    for backend, label, who, r, ratio, reference, spread in results:
        target = 1.0 if who == "anonymous" else 0.6 if who == "member" else None
        mark = "" if target is None else ("  ok" if ratio >= target else f"  below {target}")
        errors = f"  ({r['non2xx']} non-2xx)" if r["non2xx"] else ""
        paired = f"{reference:9.0f}" if reference else f"{'':9}"
        rounds = f"{spread[0]:.2f}-{spread[1]:.2f}" if spread else ""
        log(
            f"{backend:10} {label:22} {who:9} {r['rps']:9.0f} {r['p50']:8.2f} {r['p99']:8.2f}"
            f" {paired} {ratio:6.2f} {rounds:>11}{mark}{errors}"
        )
    log(
        "ratio: the page's req/s over the fortunes reference measured just before it, the "
        f"median of {ROUNDS} rounds (lowest-highest under rounds); req/s, p50, p99 and "
        "fortunes are that median round's"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
