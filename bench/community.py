"""`make bench` (community scenario, issue 15): the forum and private messages under
load, against the fortunes reference served by the same gunicorn in the same run.

Data, inserted in bulk with SQLAlchemy Core so that only the requests are timed: 5,000
members, 500 threads of 200 posts and one thread of 5,000 posts (all in the category
measured), and 20,000 private messages in 2,000 conversations, 100 of them the signed-in
member's. Measured: the category page, the first and the last page of the 5,000-post
thread (for a visitor and for the signed-in member, whose reading is recorded), the
member's conversation list and their header's unread-count poll, and the forum search
when that page exists.

Aims (issue 15): thread pages and the poll at least half the fortunes rate; the last page of the
thread within 10% of the first. SQLite always, PostgreSQL when BENCH_DATABASE_URL is set
(in its own schema, `atelier_bench_community`, dropped after). BENCH_SECONDS,
BENCH_ROUNDS and BENCH_CONNECTIONS as for bench/run.py, whose machinery this reuses."""

import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import text  # noqa: E402

from app import create_app  # noqa: E402
from app.domain import forum as rules  # noqa: E402
from app.extensions import db  # noqa: E402
from app.seeds.forum import seed_forum  # noqa: E402
from app.services import accounts  # noqa: E402
from app.services import forum as forum_service  # noqa: E402
from bench.community_data import (  # noqa: E402
    BIG_THREAD_POSTS,
    CATEGORY,
    CONVERSATIONS,
    MEMBERS,
    MESSAGES_PER_CONVERSATION,
    POSTS_PER_THREAD,
    SEARCH_WORD,
    THREADS,
    forum,
    members,
    private_messages,
)
from bench.harness import (  # noqa: E402
    CONNECTIONS,
    FORTUNES,
    MEMBER,
    ROUNDS,
    SECONDS,
    WORKERS,
    fetch,
    in_schema,
    log,
    start_gunicorn,
    wrk,
    wrk_command,
)
from tests.support import nginx  # noqa: E402

SCHEMA = "atelier_bench_community"


# --- data -------------------------------------------------------------------------------


def build(url: str, secret: str) -> tuple[str, int]:
    """Schema, fortunes, members, forum and messages; returns the signed-in member's
    session cookie and the big thread's id."""
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
        db.session.execute(text("CREATE TABLE fortune (id INTEGER PRIMARY KEY, message TEXT)"))
        db.session.execute(
            text("INSERT INTO fortune (id, message) VALUES (:id, :message)"),
            [{"id": i, "message": m} for i, m in enumerate(FORTUNES, 1)],
        )
        seed_forum()
        db.session.commit()
        member = accounts.register(
            accounts.NewAccount(
                "Bench Member", MEMBER[0], MEMBER[1], date(1990, 1, 1), "GB", False, "en"
            ),
            verified=True,
        )
        forum_service.profile_of(member)
        db.session.commit()
        people = members(MEMBERS)
        big = forum(people)
        private_messages(member.id, people)
        db.session.commit()
        client = app.test_client()
        # wrk sends no User-Agent: sign in as that same client (bench/run.py says why).
        client.environ_base.pop("HTTP_USER_AGENT", None)
        response = client.post("/signin", data={"email": MEMBER[0], "password": MEMBER[1]})
        assert response.status_code == 302, response.status_code
        cookie = client.get_cookie("session").value
        db.session.remove()
        db.engine.dispose()
    return cookie, big


# --- measuring ---------------------------------------------------------------------------

HX = {"HX-Request": "true"}
# (label, path, who, target ratio to fortunes); "{big}" is the 5,000-post thread.
BIG_PAGES = -(-BIG_THREAD_POSTS // rules.POSTS_PER_PAGE)
PAGES = [
    ("category page", f"/forum/{CATEGORY}", "visitor", None),
    ("thread, first page", "/forum/threads/{big}", "visitor", 0.5),
    ("thread, last page", "/forum/threads/{big}?page=" + str(BIG_PAGES), "visitor", 0.5),
    ("category page", f"/forum/{CATEGORY}", "member", None),
    ("thread, first page", "/forum/threads/{big}", "member", 0.5),
    ("thread, last page", "/forum/threads/{big}?page=" + str(BIG_PAGES), "member", 0.5),
    ("conversation list", "/messages/", "member", None),
    # The header's poll, as a page open for a while sends it: the count it shows is
    # still right (204), and when it has changed (the badge swapped in).
    ("unread poll, same", "/messages/unread?shown={shown}", "member", 0.5),
    ("unread poll, changed", "/messages/unread?shown=0", "member", 0.5),
    ("forum search", f"/forum/search?q={SEARCH_WORD}", "visitor", None),
]


def request_headers(who: str, path: str, cookie: str) -> dict:
    if who == "visitor":
        return {}
    headers = {"Cookie": f"session={cookie}"}
    if path.startswith("/messages/unread"):
        headers.update(HX)  # as the header's poll asks
    return headers


def check(base: str, label: str, path: str, who: str, headers: dict) -> str | None:
    """None when the page answers as it should, else why it is not measured."""
    response = fetch(base, path, headers)
    if label == "forum search" and response.status != 200:
        return "not built"
    assert response.status in (200, 204), (path, who, response.status)
    if who == "member" and not path.startswith("/messages/unread"):
        assert "Sign out" in response.body, (path, "not signed in")
    if label == "unread poll, same":
        assert response.status == 204, (path, response.status)
    elif path.startswith("/messages/unread"):
        assert "unread messages" in response.body, (path, response.body[:200])
    return None


WARM_UP_SECONDS = 5


def warm_up(base: str, big: int, shown: str, cookie: str) -> None:
    """Load every page for a few seconds first, not counted: each of the gunicorn
    workers compiles the forum's and messages' templates and warms its database pages
    on its first requests, which on a busy machine takes longer than the one second of
    warming `wrk` gives the reference's tiny page."""
    log(f"   warming up: {WARM_UP_SECONDS} s of load on every page")
    for _label, path, who, _target in PAGES:
        path = path.format(big=big, shown=shown)
        command = wrk_command(base + path, request_headers(who, path, cookie), WARM_UP_SECONDS)
        subprocess.run(command, capture_output=True, check=True, timeout=WARM_UP_SECONDS + 60)


def run_backend(name: str, url: str) -> list[tuple]:
    secret = secrets.token_hex(32)
    log(
        f"\n== {name}: building {MEMBERS} members, {THREADS} threads of {POSTS_PER_THREAD}"
        f" posts + one of {BIG_THREAD_POSTS}, {CONVERSATIONS * MESSAGES_PER_CONVERSATION}"
        " messages …"
    )
    cookie, big = build(url, secret)
    rows = []
    with tempfile.TemporaryDirectory(prefix="atelier-bench-community-") as folder_name:
        folder = Path(folder_name)
        folder.chmod(0o755)
        port = nginx.free_port()
        process = start_gunicorn(url, secret, port, folder)
        try:
            direct = f"http://127.0.0.1:{port}"
            poll = fetch(
                direct, "/messages/unread", request_headers("member", "/messages/unread", cookie)
            )
            shown = re.search(r"shown=(\d+)", poll.body).group(1)
            log(f"   the member has {shown} unread messages")
            fortunes = wrk(direct + "/bench/fortunes", {})
            rows.append((name, "reference: fortunes", "", fortunes, [1.0], fortunes["rps"], None))
            warm_up(direct, big, shown, cookie)
            measured: dict[tuple, list] = {}
            skipped = {}
            for round_ in range(1, ROUNDS + 1):
                log(f"   round {round_} of {ROUNDS}")
                for label, path, who, target in PAGES:
                    path = path.format(big=big, shown=shown)
                    headers = request_headers(who, path, cookie)
                    why = check(direct, label, path, who, headers)
                    if why:
                        skipped[(label, who)] = why
                        log(f"   {label:20} {who:8} {why}")
                        continue
                    # The reference just before each page: the machine's speed drifts.
                    reference = wrk(direct + "/bench/fortunes", {})["rps"]
                    result = wrk(direct + path, headers)
                    ratio = result["rps"] / reference
                    measured.setdefault((label, who, target), []).append((ratio, result, reference))
                    log(
                        f"   {label:20} {who:8} {result['rps']:9.0f} req/s"
                        f"  (fortunes {reference:.0f}: {ratio:.2f})"
                    )
            for (label, who, target), runs in measured.items():
                runs.sort(key=lambda run: run[0])
                ratio, result, reference = runs[len(runs) // 2]  # the median round
                rows.append((name, label, who, result, [r[0] for r in runs], reference, target))
            for (label, who), why in skipped.items():
                rows.append((name, label, who, None, [], None, why))
        finally:
            nginx.stop(process)
    return rows


def report(results: list[tuple]) -> None:
    log(
        f"\nwrk: {SECONDS} s, {CONNECTIONS} connections; gunicorn: deploy/gunicorn.conf.py,"
        f" {WORKERS} sync workers; {ROUNDS} rounds"
    )
    log(
        f"{'database':10} {'page':20} {'who':8} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7}"
        f" {'fortunes':>8} {'ratio':>6}  target"
    )
    firsts = {}
    for backend, label, who, r, ratios, reference, target in results:
        if r is None:
            log(f"{backend:10} {label:20} {who:8} {target}")
            continue
        ratio = sorted(ratios)[len(ratios) // 2]
        verdict = ""
        if isinstance(target, float):
            verdict = f"≥ {target:g}: " + ("met" if ratio >= target else "NOT met")
        if label == "thread, first page":
            firsts[(backend, who)] = r["rps"]
        elif label == "thread, last page" and (backend, who) in firsts:
            first = firsts[(backend, who)] or float("nan")
            within = r["rps"] >= 0.9 * first
            verdict += f"; {r['rps'] / first:.2f} of the first page: " + (
                "within 10%" if within else "NOT within 10%"
            )
        errors = f"  ({r['errors']} errors)" if r["errors"] else ""
        log(
            f"{backend:10} {label:20} {who:8} {r['rps']:8.0f} {r['p50']:7.2f} {r['p99']:7.2f}"
            f" {reference:8.0f} {ratio:6.2f}  {verdict}{errors}"
        )
    log("ratio: the page's req/s over the fortunes reference measured just before it")


def main() -> int:
    if shutil.which("wrk") is None:
        log("wrk not found: install the Debian package `wrk` (apt-get install wrk).")
        return 1
    results = []
    with tempfile.TemporaryDirectory(prefix="atelier-bench-community-") as folder:
        results += run_backend("sqlite", f"sqlite:///{Path(folder) / 'bench.sqlite'}")
    pg = os.environ.get("BENCH_DATABASE_URL")
    if not pg:
        log("\nPostgreSQL skipped: set BENCH_DATABASE_URL=postgresql://user:pass@127.0.0.1/db")
    else:
        results += run_postgresql(pg)
    report(results)
    return 0


def run_postgresql(pg: str) -> list[tuple]:
    return in_schema(pg, SCHEMA, lambda url: run_backend("postgresql", url))


if __name__ == "__main__":
    sys.exit(main())
