"""`make bench`: load the catalog pages with wrk and compare them with a fortunes
reference served by the same gunicorn, on SQLite and on PostgreSQL.

gunicorn runs with deploy/gunicorn.conf.py and nginx with deploy/nginx.conf, as in
production. Each page is measured in layers, each against the fortunes reference
measured just before it:

- direct to gunicorn, cold for the data (a visitor, then a signed-in member): every
  request renders from the database and finds the data caches empty;
- direct, warm: the same for a visitor, with those caches as a running site has them;
- a conditional GET answered 304 (the visitor's If-None-Match);
- through nginx over HTTPS: the visitor's page from the proxy cache.

Only 127.0.0.1 is used; everything started here is stopped here. PostgreSQL runs when
BENCH_DATABASE_URL is set (the bench works in its own schema, `atelier_bench`, which it
drops and recreates). BENCH_SECONDS (default 10) and BENCH_CONNECTIONS (default 32) tune
each wrk run, BENCH_ROUNDS (default 3) how many times every page is measured (the median
is reported); the Debian packages `wrk` and `nginx` must be installed (without nginx
its layer is left out)."""

import os
import secrets
import shutil
import signal
import sys
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import insert, select, text  # noqa: E402

from app import create_app  # noqa: E402
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
from bench import COLD_DATA_HEADER  # noqa: E402
from bench.harness import (  # noqa: E402
    FORTUNES,
    MEMBER,
    ROUNDS,
    fetch,
    in_schema,
    log,
    report,
    start_gunicorn,
    wrk,
)
from tests.support import nginx  # noqa: E402

COURSES, PATHS = 2000, 200
SCHEMA = "atelier_bench"
PAGES = [
    ("catalog list", "/courses"),
    ("search", "/courses?q=python+data"),
    ("filtered list", "/paths?certification=rncp&duration=medium&language=en"),
    ("path page", "/paths/web-developer"),
    ("course page", "/courses/html-css-first-pages"),
]

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


# --- gunicorn, nginx and wrk ------------------------------------------------------------


@dataclass(frozen=True)
class Layer:
    name: str
    target: float | None
    via_nginx: bool = False


COLD = {COLD_DATA_HEADER: "1"}
LAYERS = [
    Layer("visitor, cold data", 0.5),
    Layer("member, cold data", 0.5),
    Layer("visitor, warm data", None),
    Layer("304 to If-None-Match", 1.5),
    Layer("nginx cache HIT", 10.0, via_nginx=True),
]


def layer_headers(layer: Layer, base: str, path: str, cookie: str) -> dict:
    """The request wrk repeats for this layer, checked once first."""
    if layer.name.startswith("member"):
        headers = {**COLD, "Cookie": f"session={cookie}"}
        response = fetch(base, path, headers)
        assert response.status == 200 and "Sign out" in response.body, (path, "not signed in")
        return headers
    if layer.name.startswith("304"):
        etag = fetch(base, path, {}).getheader("ETag")
        headers = {"If-None-Match": etag}
        assert fetch(base, path, headers).status == 304, (path, "no 304")
        return headers
    if layer.via_nginx:
        fetch(base, path, {})
        response = fetch(base, path, {})
        assert response.getheader("X-Cache-Status") == "HIT", (path, "not cached")
        return {}
    headers = COLD if "cold" in layer.name else {}
    response = fetch(base, path, headers)
    assert response.status == 200 and "Sign out" not in response.body, path
    return headers


def run_backend(name: str, url: str) -> list[tuple]:
    secret = secrets.token_hex(32)
    log(f"\n== {name}: building {COURSES} courses and {PATHS} paths …")
    cookie = build_database(url, secret)
    rows = []
    started = []
    with tempfile.TemporaryDirectory(prefix="atelier-bench-servers-") as folder_name:
        folder = Path(folder_name)
        folder.chmod(0o755)
        ports = {"gunicorn": nginx.free_port(), "http": nginx.free_port()}
        ports["https"] = nginx.free_port()
        try:
            started.append(start_gunicorn(url, secret, ports["gunicorn"], folder))
            direct = f"http://127.0.0.1:{ports['gunicorn']}"
            layers = LAYERS
            if nginx.NGINX:
                started.append(nginx.start_nginx(folder, ports, "127.0.0.1", workers="auto"))
            else:
                log("   nginx not found (Debian package nginx): its layer is left out")
                layers = [layer for layer in LAYERS if not layer.via_nginx]
            proxied = f"https://127.0.0.1:{ports['https']}"
            plain = wrk(direct + "/bench/plaintext", {})
            fortunes = wrk(direct + "/bench/fortunes", {})
            rows.append(
                (
                    name,
                    "reference: plaintext",
                    "",
                    plain,
                    [plain["rps"] / fortunes["rps"]],
                    fortunes["rps"],
                    None,
                )
            )
            rows.append((name, "reference: fortunes", "", fortunes, [1.0], fortunes["rps"], None))
            measured: dict[tuple, list] = {}
            for round_ in range(1, ROUNDS + 1):
                log(f"   round {round_} of {ROUNDS}")
                for label, path in PAGES:
                    # The reference is measured again before each page: the machine's
                    # speed drifts during a run (other tenants, heat), and a ratio
                    # between runs minutes apart would measure that drift too.
                    reference = wrk(direct + "/bench/fortunes", {})["rps"]
                    for layer in layers:
                        base = proxied if layer.via_nginx else direct
                        headers = layer_headers(layer, base, path, cookie)
                        result = wrk(base + path, headers)
                        ratio = result["rps"] / reference
                        measured.setdefault((label, layer), []).append((ratio, result, reference))
                        log(
                            f"   {label:14} {layer.name:21} {result['rps']:9.0f} req/s"
                            f"  (fortunes {reference:.0f}: {ratio:.2f})"
                        )
            for (label, layer), runs in measured.items():
                runs.sort(key=lambda run: run[0])
                ratio, result, reference = runs[len(runs) // 2]  # the median round
                ratios = [run[0] for run in runs]
                rows.append((name, label, layer.name, result, ratios, reference, layer.target))
        finally:
            for process in reversed(started):
                nginx.stop(
                    process, signal.SIGQUIT if process.args[0] == nginx.NGINX else signal.SIGTERM
                )
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
        results += run_postgresql(pg)
    report(results)
    return 0


def run_postgresql(pg: str) -> list[tuple]:
    return in_schema(pg, SCHEMA, lambda url: run_backend("postgresql", url))


if __name__ == "__main__":
    sys.exit(main())
