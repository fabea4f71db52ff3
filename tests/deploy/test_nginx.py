"""deploy/nginx.conf in front of gunicorn with deploy/gunicorn.conf.py, as production
runs them: what nginx keeps, for whom, and for how long.

The committed nginx file is used as it is, with only its documented placeholders
replaced (ports, host name, certificate, static folder, cache folder, gunicorn's
address), inside a small main configuration written here. gunicorn serves the
application in production mode (tests/deploy/site.py) with a 2-second max-age, on a
SQLite database with the demo catalog and one member. Without nginx or gunicorn the
module is skipped, unless REQUIRE_NGINX=1 (set by CI)."""

import datetime
import http.client
import importlib.util
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import select

from app import clock, create_app
from app.extensions import db
from app.models import Course
from app.seeds.catalog import seed_catalog
from app.services import accounts, catalog
from tests.support.nginx import (
    NGINX,
    NGINX_CONF,
    ROOT,
    free_port,
    start_nginx,
    stop,
    wait_for_port,
    without_comments,
)

GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
HAS_GUNICORN = importlib.util.find_spec("gunicorn") is not None
REQUIRE_NGINX = os.environ.get("REQUIRE_NGINX") == "1"

if not (NGINX and HAS_GUNICORN) and not REQUIRE_NGINX:
    pytest.skip(
        "nginx deploy test skipped: needs Debian's nginx (/usr/sbin/nginx) and gunicorn",
        allow_module_level=True,
    )

HOST = "atelier.test"
MAX_AGE = 2
# nginx counts whole seconds: a page stored at second T is fresh until T + MAX_AGE
# included, so it has surely expired MAX_AGE + 1 seconds after it was stored.
PAST_MAX_AGE = MAX_AGE + 1.2
SECRET = "deploy-test-secret-key-not-for-production"
MEMBER = ("Deploy Member", "deploy.member@example.org", "plum tartan lighthouse")


def make_database(url: str) -> None:
    app = create_app(
        {
            "ENV_NAME": "testing",
            "SECRET_KEY": SECRET,
            "SQLALCHEMY_DATABASE_URI": url,
            "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
        }
    )
    with app.app_context():
        upgrade()
        seed_catalog(clock.today())
        name, email, password = MEMBER
        accounts.register(
            accounts.NewAccount(
                name, email, password, datetime.date(1990, 1, 1), "FR", False, "en"
            ),
            verified=True,
        )
        db.session.commit()
        db.engine.dispose()


class Site:
    def __init__(self, ports: dict, folder: Path):
        self.ports = ports
        self.folder = folder
        self.context = ssl.create_default_context(cafile=str(folder / "cert.pem"))

    def get(self, path: str, method: str = "GET", body: str | None = None, **headers):
        """One request through nginx over HTTPS, as a browser asking for atelier.test."""
        connection = http.client.HTTPSConnection(
            "127.0.0.1", self.ports["https"], context=self.context, timeout=20
        )
        # The certificate names atelier.test: check it against that name.
        connection.sock = self.context.wrap_socket(
            socket.create_connection(("127.0.0.1", self.ports["https"]), timeout=20),
            server_hostname=HOST,
        )
        try:
            headers = {"Host": HOST, **{k.replace("_", "-"): v for k, v in headers.items()}}
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.text = response.read().decode()
            return response
        finally:
            connection.close()

    def get_http(self, path: str):
        connection = http.client.HTTPConnection("127.0.0.1", self.ports["http"], timeout=20)
        try:
            connection.request("GET", path, headers={"Host": HOST})
            response = connection.getresponse()
            response.read()
            return response
        finally:
            connection.close()


@pytest.fixture(scope="module")
def site():
    if not (NGINX and HAS_GUNICORN):
        pytest.fail("REQUIRE_NGINX=1 but nginx (Debian's package) or gunicorn is missing")
    folder = Path(tempfile.mkdtemp(prefix="atelier-nginx-"))
    folder.chmod(0o755)
    started: list[subprocess.Popen] = []
    try:
        database = f"sqlite:///{folder / 'site.sqlite'}"
        make_database(database)
        ports = {"gunicorn": free_port(), "http": free_port(), "https": free_port()}

        gunicorn_log = folder / "gunicorn.log"
        with gunicorn_log.open("w") as log:
            gunicorn = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "--config",
                    str(GUNICORN_CONF),
                    # The command line wins over the file: a free port, two workers.
                    "--bind",
                    f"127.0.0.1:{ports['gunicorn']}",
                    "--workers",
                    "2",
                    "tests.deploy.site:app",
                ],
                cwd=ROOT,
                env={
                    **os.environ,
                    "DEPLOY_TEST_DATABASE_URL": database,
                    "DEPLOY_TEST_SECRET_KEY": SECRET,
                    "DEPLOY_TEST_MAX_AGE": str(MAX_AGE),
                },
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        started.append(gunicorn)
        wait_for_port(ports["gunicorn"], gunicorn, gunicorn_log)

        started.append(start_nginx(folder, ports, HOST))
        yield Site(ports, folder)
    finally:
        for process in reversed(started):
            stop(process, signal.SIGQUIT if process.args[0] == NGINX else signal.SIGTERM)
        shutil.rmtree(folder, ignore_errors=True)


def cache_status(response) -> str:
    return response.getheader("X-Cache-Status", "")


def sign_in(site: Site) -> str:
    """Sign the member in through nginx, as a browser does; returns the session cookie."""
    form = site.get("/signin")
    assert cache_status(form) != "HIT"
    cookie = re.search(r"session=([^;]+)", form.getheader("Set-Cookie")).group(1)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form.text).group(1)
    _name, email, password = MEMBER
    answer = site.get(
        "/signin",
        method="POST",
        body=urllib.parse.urlencode({"csrf_token": token, "email": email, "password": password}),
        Content_Type="application/x-www-form-urlencoded",
        Cookie=f"session={cookie}",
        Referer=f"https://{HOST}/signin",
    )
    assert answer.status == 302, answer.text[:500]
    return re.search(r"session=([^;]+)", answer.getheader("Set-Cookie")).group(1)


# --- what is kept ---------------------------------------------------------------------------


def test_an_anonymous_page_is_served_from_the_cache_the_second_time(site):
    first = site.get("/courses")
    second = site.get("/courses")
    assert first.status == second.status == 200
    assert (cache_status(first), cache_status(second)) == ("MISS", "HIT")
    assert second.text == first.text and "<h1>Courses</h1>" in first.text
    assert first.getheader("Cache-Control") == f"public, max-age={MAX_AGE}"
    assert second.getheader("ETag") == first.getheader("ETag")
    assert first.getheader("Set-Cookie") is None
    # HTTPS as the application sees it, through X-Forwarded-Proto (PROXY_COUNT=1).
    assert "max-age=31536000" in first.getheader("Strict-Transport-Security")
    # A browser's own revalidation is answered by nginx from its copy.
    again = site.get("/courses", If_None_Match=first.getheader("ETag"))
    assert (again.status, cache_status(again)) == (304, "HIT")


def test_a_signed_in_member_never_gets_the_cached_page_nor_leaves_one(site):
    assert cache_status(site.get("/paths")) in ("MISS", "HIT")
    assert cache_status(site.get("/paths")) == "HIT"
    cookie = sign_in(site)
    for _ in range(2):
        member = site.get("/paths", Cookie=f"session={cookie}")
        assert member.status == 200
        assert cache_status(member) == "BYPASS"
        assert member.getheader("Cache-Control") == "private, no-store"
        assert member.getheader("ETag") is None
        assert f"Signed in as <bdi>{MEMBER[0]}</bdi>" in member.text
    visitor = site.get("/paths")
    assert cache_status(visitor) == "HIT"
    assert MEMBER[0] not in visitor.text and "Sign out" not in visitor.text
    # Flask-Login's remember cookie alone is enough to go past the cache.
    remembered = site.get("/paths", Cookie="remember_token=1|abc")
    assert cache_status(remembered) == "BYPASS"
    assert remembered.getheader("Cache-Control") == "private, no-store"
    # So is a session cookie among others, even empty.
    among = site.get("/paths", Cookie="locale=en; session=")
    assert cache_status(among) == "BYPASS"


def test_pages_that_start_a_session_are_never_kept(site):
    first, second = site.get("/signin"), site.get("/signin")
    assert cache_status(first) != "HIT" and cache_status(second) != "HIT"
    assert first.getheader("Set-Cookie") != second.getheader("Set-Cookie")
    assert first.getheader("Cache-Control") == "private, no-store"


def test_each_language_and_the_htmx_fragment_get_their_own_copy(site):
    url = "/courses?q=python"
    french = site.get(url, Accept_Language="fr")
    english = site.get(url, Accept_Language="en")
    fragment = site.get(url, Accept_Language="en", HX_Request="true")
    assert [cache_status(r) for r in (french, english, fragment)] == ["MISS"] * 3
    assert '<html lang="fr">' in french.text and '<html lang="en">' in english.text
    assert "<html" not in fragment.text and "catalog-card" in fragment.text
    for headers, expected in (
        ({"Accept_Language": "fr"}, french),
        ({"Accept_Language": "en"}, english),
        ({"Accept_Language": "en", "HX_Request": "true"}, fragment),
    ):
        again = site.get(url, **headers)
        assert cache_status(again) == "HIT" and again.text == expected.text
    chosen = site.get(url, Cookie="locale=fr")  # the language switch's cookie
    assert cache_status(chosen) == "MISS" and '<html lang="fr">' in chosen.text


# --- for how long ---------------------------------------------------------------------------


def test_a_catalog_change_is_visible_within_the_max_age(site):
    url = "/courses/javascript-fundamentals"
    before = site.get(url)
    assert cache_status(before) == "MISS" and "Learn the fundamentals" in before.text
    app = create_app(
        {
            "ENV_NAME": "testing",
            "SECRET_KEY": SECRET,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{site.folder / 'site.sqlite'}",
        }
    )
    with app.app_context():
        course = db.session.scalar(select(Course).where(Course.slug == "javascript-fundamentals"))
        course.title_en = "JavaScript, second edition"
        catalog.bump_version()
        db.session.commit()
        db.engine.dispose()
    # Within the max-age nginx still answers with the page it has...
    held = site.get(url)
    assert cache_status(held) == "HIT" and "second edition" not in held.text
    time.sleep(PAST_MAX_AGE)
    # ...then asks the application again, whose ETag has changed: the new page.
    after = site.get(url)
    assert cache_status(after) == "EXPIRED"
    assert "JavaScript, second edition" in after.text
    assert after.getheader("ETag") != before.getheader("ETag")
    assert cache_status(site.get(url)) == "HIT"


def test_an_unchanged_page_is_renewed_by_a_304_from_the_application(site):
    url = "/paths/web-developer"
    before = site.get(url)
    assert cache_status(before) == "MISS"
    time.sleep(PAST_MAX_AGE)
    renewed = site.get(url)
    assert cache_status(renewed) == "REVALIDATED"
    assert renewed.text == before.text and renewed.getheader("ETag") == before.getheader("ETag")
    assert cache_status(site.get(url)) == "HIT"


# --- the rest of the file ---------------------------------------------------------------------


def test_http_is_redirected_to_https(site):
    response = site.get_http("/courses?page=2")
    assert response.status == 301
    assert response.getheader("Location") == f"https://{HOST}/courses?page=2"


def test_static_files_come_from_disk_with_their_own_lifetimes(site):
    css = site.get("/static/css/site.css")
    assert css.status == 200 and css.getheader("X-Cache-Status") is None
    assert css.text == (ROOT / "app" / "static" / "css" / "site.css").read_text()
    assert css.getheader("Cache-Control") == "max-age=3600"
    assert css.getheader("ETag") and css.getheader("X-Content-Type-Options") == "nosniff"
    htmx = site.get("/static/vendor/htmx-2.0.11.min.js")
    assert htmx.status == 200
    assert htmx.getheader("Cache-Control") == "public, max-age=31536000, immutable"
    subtitles = site.get("/static/media/what-a-variable-is.fr.vtt")
    assert subtitles.status == 200 and subtitles.getheader("Content-Type").startswith("text/vtt")


def test_the_application_sees_the_address_nginx_saw_not_a_forged_one(site):
    site.get("/help/browsers", X_Forwarded_For="203.0.113.7")
    time.sleep(0.3)  # gunicorn writes its access line once the response has gone
    lines = [
        line
        for line in (site.folder / "gunicorn.log").read_text().splitlines()
        if '"GET /help/browsers ' in line
    ]
    assert lines and all(line.startswith("127.0.0.1 ") for line in lines), lines
    assert "203.0.113.7" not in "\n".join(lines)


def test_the_rules_no_request_above_can_tell_apart_are_still_there():
    """With the application's own headers (`private, no-store` for members), a missing
    proxy_no_cache, lock or stale rule would not change any answer above: they are
    checked as written."""
    rules = " ".join(without_comments(NGINX_CONF.read_text()).split())
    for rule in (
        "proxy_cache_bypass $atelier_personal;",
        "proxy_no_cache $atelier_personal;",
        "proxy_cache_methods GET HEAD;",
        "proxy_cache_lock on;",
        "proxy_cache_use_stale updating",
    ):
        assert rule in rules, rule
    # Nothing is cached on nginx's own say: only what the application marks public.
    assert "proxy_cache_valid" not in rules and "proxy_ignore_headers" not in rules


def test_only_the_assignment_submission_takes_a_file_sized_body(site):
    """Work may carry a file of up to 5 MB (ASSIGNMENT_MAX_FILE_BYTES): that address
    takes 6 MB bodies, the application answering (here, a visitor's post without its
    CSRF token); every other address keeps the 1 MB limit, and so does it above 6 MB."""
    three_mb = "x" * 3_000_000
    headers = {"Content_Type": "application/x-www-form-urlencoded"}
    submission = "/courses/javascript-fundamentals/assignments/2"
    assert site.get(submission, method="POST", body=three_mb, **headers).status != 413
    assert site.get("/contact", method="POST", body=three_mb, **headers).status == 413
    too_big = "x" * 7_000_000
    assert site.get(submission, method="POST", body=too_big, **headers).status == 413
