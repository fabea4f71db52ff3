"""Catalog pages answered before Flask to visitors without a cookie
(app/first_visit_pages.py): the same page Flask gives, a session and token of their own
for each visitor, and never a page that is out of date."""

import re
from datetime import timedelta

import pytest
from flask import request_started

from app import clock
from app.extensions import db
from app.first_visit_pages import FirstVisitPages
from app.seeds.catalog import seed_catalog
from app.services import catalog

TOKEN = re.compile(r'(name="csrf_token" value=")([^"]+)(")')
HEADER_TOKEN = re.compile(r'("X-CSRFToken": ")([^"]+)(")')
OUTDATED = "Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.1; Trident/4.0)"


@pytest.fixture
def site(make_app):
    app = make_app(WTF_CSRF_ENABLED=True, CATALOG_VERSION_TTL=60)
    with app.app_context():
        seed_catalog(clock.today())
        db.session.commit()
    flask_answers = []

    def count(sender, **extra):
        flask_answers.append(extra)

    request_started.connect(count, app)
    app.flask_answers = flask_answers
    yield app
    request_started.disconnect(count, app)


def first_visit(app, path: str, **kwargs):
    """A GET from a visitor who has no cookie."""
    with app.app_context():
        return app.test_client(use_cookies=False).get(path, **kwargs)


def tokens(response) -> list[str]:
    html = response.get_data(as_text=True)
    return [m.group(2) for m in TOKEN.finditer(html)] + [
        m.group(2) for m in HEADER_TOKEN.finditer(html.replace("&#34;", '"'))
    ]


def without_tokens(response) -> str:
    html = response.get_data(as_text=True)
    return HEADER_TOKEN.sub(r"\1…\3", TOKEN.sub(r"\1…\3", html.replace("&#34;", '"')))


def headers_of(response) -> dict:
    skipped = {"Set-Cookie", "Content-Length", "Date"}
    return {name: value for name, value in response.headers.items() if name not in skipped}


def session_cookie(response) -> str:
    (cookie,) = response.headers.getlist("Set-Cookie")
    return cookie


@pytest.mark.parametrize("path", ["/courses", "/paths/web-developer", "/premium", "/paths"])
def test_the_next_visitor_gets_the_same_page_with_a_session_of_their_own(site, path):
    rendered = first_visit(site, path)
    assert len(site.flask_answers) == 1
    served = [first_visit(site, path) for _ in range(3)]
    assert len(site.flask_answers) == 1  # answered before Flask
    for response in served:
        assert response.status_code == 200
        assert without_tokens(response) == without_tokens(rendered)
        assert headers_of(response) == headers_of(rendered)
        rendered_cookie, cookie = session_cookie(rendered), session_cookie(response)
        assert cookie.split(";", 1)[1] == rendered_cookie.split(";", 1)[1]  # HttpOnly, SameSite…
    everyone = [session_cookie(r) for r in [rendered, *served]]
    assert len(set(everyone)) == 4
    assert all(len(set(tokens(r))) == 1 for r in [rendered, *served])
    assert len({tokens(r)[0] for r in [rendered, *served]}) == 4


def test_the_session_and_token_served_are_good_for_a_post(site):
    first_visit(site, "/courses")
    served = first_visit(site, "/courses")
    assert len(site.flask_answers) == 1
    cookie = session_cookie(served).split(";")[0].split("=", 1)[1]
    with site.app_context():
        client = site.test_client()
        client.set_cookie("session", cookie, domain="atelier.test")
        data = {"locale": "fr", "next": "/courses"}
        assert client.post("/language", data=data).status_code == 400  # no token, refused
        other = tokens(first_visit(site, "/courses"))[0]
        assert client.post("/language", data={**data, "csrf_token": other}).status_code == 400
        answer = client.post("/language", data={**data, "csrf_token": tokens(served)[0]})
        assert answer.status_code == 302
        assert 'lang="fr"' in client.get("/courses").get_data(as_text=True)


@pytest.mark.parametrize(
    "headers, base_url",
    [
        ({"Accept-Language": "fr-FR,fr;q=0.9"}, "http://atelier.test"),
        ({"Accept-Language": "en-GB"}, "http://atelier.test"),
        ({"HX-Request": "true"}, "http://atelier.test"),
        ({"User-Agent": OUTDATED}, "http://atelier.test"),
        ({}, "https://atelier.test"),
    ],
)
def test_what_a_page_depends_on_gets_a_page_of_its_own(site, headers, base_url):
    plain = first_visit(site, "/paths/web-developer")
    other = first_visit(site, "/paths/web-developer", headers=headers, base_url=base_url)
    again = first_visit(site, "/paths/web-developer", headers=headers, base_url=base_url)
    assert len(site.flask_answers) == 2  # the second kind of visit was rendered once
    assert without_tokens(other) != without_tokens(plain) or headers_of(other) != headers_of(plain)
    assert without_tokens(again) == without_tokens(other)
    assert headers_of(again) == headers_of(other)
    if base_url.startswith("https"):
        assert "Strict-Transport-Security" in again.headers
        assert "Secure" in session_cookie(again) or not site.config["SESSION_COOKIE_SECURE"]
    else:
        assert "Strict-Transport-Security" not in again.headers


def test_headers_no_page_depends_on_share_the_page(site):
    first_visit(site, "/courses")
    first_visit(site, "/courses", headers={"X-Forwarded-For": "203.0.113.9", "Accept": "*/*"})
    first_visit(site, "/courses", headers={"Sec-Fetch-Mode": "navigate", "DNT": "1"})
    assert len(site.flask_answers) == 1


def test_a_catalog_change_is_seen_at_once(site):
    first_visit(site, "/paths/web-developer")
    with site.app_context():
        path = catalog.path_by_slug("web-developer")
        path.title_en = "Web Developer (renamed)"
        catalog.bump_version()
        db.session.commit()
    changed = first_visit(site, "/paths/web-developer")
    assert "Web Developer (renamed)" in changed.get_data(as_text=True)
    assert len(site.flask_answers) == 2
    first_visit(site, "/paths/web-developer")
    assert len(site.flask_answers) == 2


def test_a_change_made_by_another_process_is_seen_after_the_ttl(site):
    first_visit(site, "/courses")
    state = site.extensions["catalog_version"]
    state["at"] -= site.config["CATALOG_VERSION_TTL"]  # the version was read a TTL ago
    first_visit(site, "/courses")
    assert len(site.flask_answers) == 2  # Flask read the version again
    first_visit(site, "/courses")
    assert len(site.flask_answers) == 2


def test_a_new_day_renders_again(site, monkeypatch):
    first_visit(site, "/premium")
    tomorrow = clock.today() + timedelta(days=1)
    monkeypatch.setattr(FirstVisitPages, "today", lambda self: tomorrow)
    first_visit(site, "/premium")
    first_visit(site, "/premium")
    assert len(site.flask_answers) == 3


def test_only_cookieless_catalog_reads_are_answered_before_flask(site, make_user):
    first_visit(site, "/courses")
    with site.app_context():
        client = site.test_client()
        client.get("/courses")  # a first visit too: answered before Flask, with a cookie
        client.get("/courses")
        client.head("/courses")
        client.post("/language", data={"locale": "fr"})
    assert len(site.flask_answers) == 4
    for path in ("/", "/signin", "/courses/no-such-course"):
        first_visit(site, path)
        first_visit(site, path)
    assert len(site.flask_answers) == 10
    assert first_visit(site, "/courses/no-such-course").status_code == 404


def test_turned_off_with_the_page_cache_or_a_zero_ttl(site):
    site.config["CATALOG_VERSION_TTL"] = 0
    first_visit(site, "/courses")
    first_visit(site, "/courses")
    site.config["CATALOG_VERSION_TTL"] = 60
    site.config["CATALOG_PAGE_CACHE"] = False
    first_visit(site, "/courses")
    first_visit(site, "/courses")
    assert len(site.flask_answers) == 4
