"""What every bench shares: gunicorn started with deploy/gunicorn.conf.py on
bench/wsgi.py (which serves the fortunes reference), wrk's runs and their figures, a
plain HTTP(S) fetch, the report's table and a PostgreSQL schema of a bench's own.
BENCH_SECONDS (default 10), BENCH_CONNECTIONS (default 32) and BENCH_ROUNDS (default 3)
tune every bench."""

import http.client
import os
import re
import ssl
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine, text

from app.config import normalise_database_url
from tests.support import nginx

ROOT = Path(__file__).resolve().parent.parent

SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
MEMBER = ("bench.member@example.org", "bench member password 2026")

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


WORKERS = 2 * (os.cpu_count() or 1) + 1  # deploy/gunicorn.conf.py's rule


def start_gunicorn(url: str, secret: str, port: int, folder: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "BENCH_APP_DATABASE_URL": url,
        "BENCH_SECRET_KEY": secret,
        "ATELIER_ENV": "development",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DATABASE_URL", None)
    log = folder / "gunicorn.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--config",
                str(ROOT / "deploy" / "gunicorn.conf.py"),
                "--bind",
                f"127.0.0.1:{port}",
                # Access lines are still formatted (and tokens redacted), as in
                # production, but not kept: a run writes hundreds of thousands.
                "--access-logfile",
                "/dev/null",
                "bench.wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    nginx.wait_for_port(port, process, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # the port is open before the workers are ready
        try:
            if fetch(f"http://127.0.0.1:{port}", "/bench/plaintext", {}).status == 200:
                return process
        except OSError:
            time.sleep(0.3)
    nginx.stop(process)
    raise RuntimeError(f"gunicorn did not start:\n{log.read_text()[-3000:]}")


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk_command(url: str, headers: dict, seconds: int) -> list[str]:
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    return [*command, url]


def wrk(url: str, headers: dict) -> dict:
    # One second of load first, not counted: each worker compiles its templates and
    # warms its connections, as every page is in a running site.
    subprocess.run(wrk_command(url, headers, 1), capture_output=True, check=True, timeout=60)
    output = subprocess.run(
        wrk_command(url, headers, SECONDS),
        capture_output=True,
        text=True,
        check=True,
        timeout=SECONDS + 60,
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
        "errors": int(errors.group(1)) if errors else 0,
    }


def fetch(base: str, path: str, headers: dict) -> http.client.HTTPResponse:
    parts = base.split("://", 1)[1].split(":")
    if base.startswith("https"):
        context = ssl._create_unverified_context()  # noqa: S323 (our own self-signed nginx)
        connection = http.client.HTTPSConnection(parts[0], int(parts[1]), context=context)
    else:
        connection = http.client.HTTPConnection(parts[0], int(parts[1]))
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.body = response.read().decode()
        return response
    finally:
        connection.close()


def report(results: list[tuple]) -> None:
    log(
        f"\nwrk: {SECONDS} s, {CONNECTIONS} connections; gunicorn: deploy/gunicorn.conf.py,"
        f" {WORKERS} sync workers; nginx: deploy/nginx.conf over HTTPS; {ROUNDS} rounds"
    )
    log(
        f"{'database':10} {'page':20} {'layer':21} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7}"
        f" {'fortunes':>8} {'ratio':>6} {'rounds':>11}  target"
    )
    for backend, label, layer, r, ratios, reference, target in results:
        ratio = sorted(ratios)[len(ratios) // 2]  # the median round's
        spread = f"{min(ratios):.2f}-{max(ratios):.2f}" if len(ratios) > 1 else ""
        verdict = ""
        if target is not None:
            verdict = f"≥ {target:g}: " + ("met" if ratio >= target else "NOT met")
        errors = f"  ({r['errors']} errors)" if r["errors"] else ""
        log(
            f"{backend:10} {label:20} {layer:21} {r['rps']:8.0f} {r['p50']:7.2f} {r['p99']:7.2f}"
            f" {reference:8.0f} {ratio:6.2f} {spread:>11}  {verdict}{errors}"
        )
    log(
        "ratio: the page's req/s over the fortunes reference measured just before that page,"
        " the median round (lowest-highest under rounds); req/s, p50 and p99 are that round's"
    )


def in_schema(pg: str, schema: str, run: Callable[[str], list]) -> list:
    """`run(url)` on PostgreSQL in a schema of its own, made afresh and dropped after
    (benches may not share one); [] when the server cannot be reached."""
    base = normalise_database_url(pg)
    engine = create_engine(base)
    try:
        with engine.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            connection.execute(text(f"CREATE SCHEMA {schema}"))
    except Exception as error:
        log(f"\nPostgreSQL skipped: cannot reach {pg.split('@')[-1]} ({error.__class__.__name__})")
        return []
    finally:
        engine.dispose()
    separator = "&" if "?" in base else "?"
    try:
        return run(f"{base}{separator}options=-csearch_path%3D{schema}")
    finally:
        engine = create_engine(base)
        with engine.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        engine.dispose()
