"""CPU per request of the benched pages, in-process, against the fortunes reference.

wrk's requests per second on a machine shared with others measure the others too; CPU
time spent by this process on a request does not (much). This builds the benches' data
the way bench/learning.py and bench/community.py do (their functions, imported), once,
in SQLite files it keeps under BENCH_PROFILE_DIR (default atelier-profile in the temporary folder; delete
them after a schema change), then serves bench/wsgi.py's application (Atelier and the
fortunes reference in one WSGI app, as gunicorn does during `make bench`) through
Werkzeug's test client and reports time.process_time() per request.

    .venv/bin/python bench/profile_pages.py              # every page, ms per request
    .venv/bin/python bench/profile_pages.py -n 200 thread  # pages whose label has "thread"
    .venv/bin/python bench/profile_pages.py --profile quiz  # cProfile: cumulative, tottime
"""

import argparse
import cProfile
import os
import pstats
import re
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FOLDER = Path(
    os.environ.get("BENCH_PROFILE_DIR") or Path(tempfile.gettempdir()) / "atelier-profile"
)


def build(kind: str) -> tuple[str, str, str]:
    """(database url, secret, session cookie) for `kind` ("learning" or "community"),
    built on the first run and kept."""
    FOLDER.mkdir(parents=True, exist_ok=True)
    path = FOLDER / f"{kind}.sqlite"
    keys = FOLDER / f"{kind}.keys"
    url = f"sqlite:///{path}"
    if not (path.exists() and keys.exists()):
        path.unlink(missing_ok=True)
        secret = secrets.token_hex(32)
        started = time.monotonic()
        print(f"building the {kind} data in {path} …", flush=True)
        if kind == "learning":
            from bench import learning, run

            cookie = run.build_database(url, secret)
            learning.add_learning(url, secret)
            extra = ""
        else:
            from bench import community

            cookie, big = community.build(url, secret)
            extra = str(big)
        keys.write_text(f"{secret}\n{cookie}\n{extra}\n")
        print(f"   built in {time.monotonic() - started:.0f} s", flush=True)
    secret, cookie, *rest = keys.read_text().split("\n")
    return url, secret, cookie, (rest[0] if rest else "")


def application(url: str, secret: str):
    """bench/wsgi.py's WSGI app for this database (it reads its settings from the
    environment at import)."""
    os.environ["BENCH_APP_DATABASE_URL"] = url
    os.environ["BENCH_SECRET_KEY"] = secret
    for name in list(sys.modules):
        if name == "bench.wsgi":
            del sys.modules[name]
    import bench.wsgi

    return bench.wsgi.app


def pages(kind: str, cookie: str, extra: str, client) -> list[tuple[str, str, dict]]:
    member = {"Cookie": f"session={cookie}"}
    if kind == "learning":
        course = "/courses/html-css-first-pages"
        return [
            ("fortunes", "/bench/fortunes", {}),
            ("help page, visitor", "/help/browsers", {}),
            ("help page, member", "/help/browsers", member),
            ("course page, visitor", course, {}),
            ("course page, member", course, member),
            ("quiz page, member", f"{course}/quizzes/1", member),
        ]
    from app.domain import forum as rules

    big = int(extra)
    last = -(-5000 // rules.POSTS_PER_PAGE)
    hx = {**member, "HX-Request": "true"}
    poll = client.get("/messages/unread", headers=hx)
    shown = re.search(r"shown=(\d+)", poll.get_data(as_text=True)).group(1)
    return [
        ("fortunes", "/bench/fortunes", {}),
        ("category page, member", "/forum/help", member),
        ("thread first page, visitor", f"/forum/threads/{big}", {}),
        ("thread first page, member", f"/forum/threads/{big}", member),
        ("thread last page, member", f"/forum/threads/{big}?page={last}", member),
        ("conversation list, member", "/messages/", member),
        ("unread poll same, member", f"/messages/unread?shown={shown}", hx),
        ("unread poll changed, member", "/messages/unread?shown=0", hx),
    ]


def measure(client, path: str, headers: dict, count: int) -> list[float]:
    for _ in range(max(3, count // 10)):  # templates compiled, caches warm
        response = client.get(path, headers=headers)
        assert response.status_code in (200, 204), (path, response.status_code)
    if "Cookie" in headers and response.status_code == 200 and "HX-Request" not in headers:
        assert "Sign out" in response.get_data(as_text=True), (path, "not signed in")
    times = []
    for _ in range(count):
        started = time.process_time()
        response = client.get(path, headers=headers)
        response.close()
        times.append((time.process_time() - started) * 1000)
    return times


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("only", nargs="*", help="words a page's label must contain")
    parser.add_argument("-n", type=int, default=100, help="requests per page")
    parser.add_argument("--profile", action="store_true", help="cProfile each page")
    parser.add_argument("--lines", type=int, default=35)
    parser.add_argument("--kind", choices=["learning", "community"], action="append")
    options = parser.parse_args()
    from werkzeug.test import Client

    for kind in options.kind or ["learning", "community"]:
        url, secret, cookie, extra = build(kind)
        client = Client(application(url, secret), use_cookies=False)  # the Cookie header as sent
        for label, path, headers in pages(kind, cookie, extra, client):
            if options.only and not any(word in label for word in options.only):
                continue
            if options.profile:
                measure(client, path, headers, 5)
                profile = cProfile.Profile()
                profile.enable()
                measure(client, path, headers, options.n)
                profile.disable()
                print(f"\n===== {label}: {path}")
                for order in ("cumulative", "tottime"):
                    stats = pstats.Stats(profile).strip_dirs().sort_stats(order)
                    stats.print_stats(options.lines)
                continue
            times = measure(client, path, headers, options.n)
            print(
                f"{kind:10} {label:30} median {statistics.median(times):6.2f} ms"
                f"  mean {statistics.fmean(times):6.2f} ms  min {min(times):6.2f} ms",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
