"""HTTP caching (app/web/http_caching.py): the public pages set no cookie, carry no CSRF
token and are cacheable with an ETag worked out before rendering; a 304 renders
nothing; whatever belongs to someone is `private, no-store`."""

import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask, template_rendered
from sqlalchemy import event, select

from app import clock
from app.extensions import db
from app.models import Chapter, Course, DocumentKind, DocumentVersion, LearningPath
from app.seeds.catalog import seed_catalog
from app.services import catalog, legal_documents
from app.web.http_caching import compute_build_id
from tests.conftest import sign_in

# The pages the same for every visitor: the catalog, the legal pages, the help pages.
PUBLIC = {
    "home.index",
    "home.favicon",
    "catalog.courses",
    "catalog.course",
    "catalog.chapter",
    "catalog.paths",
    "catalog.path",
    "catalog.premium",
    "checkout.choose_path",
    "legal.document",
    "legal.document_versions",
    "legal.document_version",
    "legal.document_pdf",
    "legal.document_large_print",
    "legal.legal_information",
    "legal.page_privacy",
    "legal.page_security",
    "legal.page_accessibility",
    "legal.page_mediation",
    "legal.page_read_aloud",
    "legal.browser_support",
}
# Every other page read, and why it is not public.
NOT_PUBLIC = {
    # A form: its CSRF token lives in a session the page starts.
    "auth.signin",
    "auth.register",
    "auth.forgot_password",
    "auth.reset_password",
    "auth.second_factor",
    "catalog.contact",
    "catalog.notify",
    "catalog.stop_watching",
    "legal.contact",
    "legal.accessible_format",
    "checkout.start_solo",
    "checkout.start_plus",
    "checkout.consent_page",
    # What the session holds (a reference just given, an email just confirmed).
    "auth.verify_email",
    "catalog.contact_sent",
    "legal.request_received",
    # One order's pages.
    "checkout.account",
    "checkout.eligibility",
    "checkout.details",
    "checkout.payment",
    "checkout.review",
    "checkout.change_plan",
    "checkout.done",
    "checkout.gateway_return",
    "checkout.sandbox_3ds",
    "checkout.sandbox_paypal",
    # A member's own invoice or credit note (owner and staff only).
    "billing.pdf",
    # A certificate can be revoked at any moment: its verification page is asked afresh.
    "learning.verify",
    # Static files keep Flask's own validators.
    "static",
}
# Pages for signed-in members, staff, or development only.
# The forum: its pages change with every post and show each member what they may do
# (reply, edit, delete); private until they are cached by a forum version. Messages are
# a member's own, and so are their notifications and the files of a submission (its author,
# its peers and staff).
NOT_PUBLIC_PREFIXES = (
    "account.",
    "staff.",
    "dev.",
    "forum.",
    "messages.",
    "learning.my_",
    "learning.quiz",
    "learning.attempt",
    "learning.certificate_pdf",
    "learning.staff.",
    "learning.staff_assignments.",
    "learning.staff_exercises.",
    "learning.assignment",
    "learning.assess",
    "learning.submission_file",
    "notifications.",
)
FORM_PAGES = [
    "/signin",
    "/register",
    "/password/forgot",
    "/contact",
    "/accessible-format",
    "/paths/web-developer/contact",
    "/paths/cybersecurity-analyst/notify",
    "/checkout/solo",
    "/checkout/path/web-developer",
]
ROOT = Path(__file__).parents[2]
ARGUMENT = re.compile(r"<(?:[^:>]+:)?([^>]+)>")


@pytest.fixture
def demo(app, legal_docs):
    seed_catalog(clock.today())
    db.session.commit()
    return app


@pytest.fixture
def visitor(app):
    """A visitor who never keeps a cookie: every request is a first visit."""
    return app.test_client(use_cookies=False)


def get_endpoints(app) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods}


def values_for(rule) -> list[dict]:
    """Every value the seeded data gives the rule's arguments."""
    arguments = rule.arguments - set(rule.defaults or {})
    if not arguments:
        return [{}]
    if rule.endpoint == "catalog.course":
        return [{"slug": slug} for slug in db.session.scalars(select(Course.slug))]
    if rule.endpoint == "catalog.chapter":
        rows = db.session.execute(select(Course.slug, Chapter.position).join(Chapter.course))
        return [{"slug": slug, "position": position} for slug, position in rows]
    if rule.endpoint == "catalog.path":
        return [{"slug": slug} for slug in db.session.scalars(select(LearningPath.slug))]
    if rule.endpoint.startswith("legal."):
        kind = DocumentKind(rule.defaults["kind"])
        return [{"label": version.label} for version in legal_documents.versions(kind)]
    raise AssertionError(f"no values for {rule.rule}")


def public_urls(app) -> list[str]:
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC and "GET" in rule.methods:
            for values in values_for(rule):
                urls.append(ARGUMENT.sub(lambda m, v=values: str(v[m.group(1)]), rule.rule))
    return urls


def test_every_page_read_is_public_or_says_why_not(app):
    """A new page fails here until it is put in PUBLIC (and then checked below) or in
    NOT_PUBLIC."""
    unclassified = {
        endpoint
        for endpoint in get_endpoints(app) - PUBLIC - NOT_PUBLIC
        if not endpoint.startswith(NOT_PUBLIC_PREFIXES)
    }
    assert not unclassified
    assert get_endpoints(app) >= PUBLIC and get_endpoints(app) >= NOT_PUBLIC


def assert_public(response, url: str) -> None:
    assert response.status_code == 200, url
    assert not response.headers.getlist("Set-Cookie"), url
    assert b"csrf" not in response.get_data().lower(), url
    max_age = {".pdf": 86400, ".ico": 7 * 86400}.get(url[url.rfind(".") :], 60)
    assert response.headers["Cache-Control"] == f"public, max-age={max_age}", url
    assert response.headers["ETag"].startswith('W/"'), url
    vary = set(response.headers["Vary"].split(", "))
    assert {"Accept-Language", "Cookie", "HX-Request"} <= vary, url
    assert "User-Agent" not in vary, url


def test_public_pages_set_no_cookie_carry_no_token_and_can_be_kept(demo, visitor):
    urls = public_urls(demo)
    assert len(urls) > 60  # every course, chapter, path and document version
    for url in urls:
        for language in ("en", "fr"):
            response = visitor.get(url, headers={"Accept-Language": language})
            assert_public(response, url)
            again = visitor.get(
                url,
                headers={"Accept-Language": language, "If-None-Match": response.headers["ETag"]},
            )
            assert again.status_code == 304 and not again.get_data(), url
            assert again.headers["ETag"] == response.headers["ETag"], url
            assert again.headers["Cache-Control"] == response.headers["Cache-Control"], url
            assert not again.headers.getlist("Set-Cookie"), url


@pytest.mark.parametrize("url", ["/courses?q=python&level=beginner", "/paths?availability=open"])
def test_htmx_fragments_of_lists_are_public_too_with_their_own_etag(demo, visitor, url):
    page = visitor.get(url)
    fragment = visitor.get(url, headers={"HX-Request": "true"})
    assert_public(fragment, url)
    assert b"<html" not in fragment.get_data()
    assert fragment.headers["ETag"] != page.headers["ETag"]
    restore = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    assert visitor.get(url, headers=restore).headers["ETag"] == page.headers["ETag"]
    assert "HX-History-Restore-Request" in page.headers["Vary"]


@pytest.mark.parametrize("url", FORM_PAGES)
def test_form_pages_start_a_session_and_are_not_kept(demo, visitor, url):
    response = visitor.get(url)
    assert response.status_code == 200
    assert any(c.startswith("session=") for c in response.headers.getlist("Set-Cookie"))
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "ETag" not in response.headers


def test_error_pages_start_no_session(demo, visitor):
    for url in ("/courses/no-such-course", "/no-such-page", "/terms/1999-01"):
        response = visitor.get(url)
        assert response.status_code == 404
        assert not response.headers.getlist("Set-Cookie") and b"csrf" not in response.get_data()
        assert response.headers["Cache-Control"] == "private, no-store"


# --- the ETag: what the page depends on, known before rendering ------------------------------


def etag(client, url, **headers) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return response.headers["ETag"]


def test_a_304_renders_nothing_and_reads_only_the_version(demo, visitor):
    rendered, queries = [], []

    def on_render(sender, template, context, **extra):
        rendered.append(template.name)

    def on_query(*args):
        queries.append(args[2])

    tag = etag(visitor, "/paths/web-developer")
    template_rendered.connect(on_render, demo)
    event.listen(db.engine, "before_cursor_execute", on_query)
    try:
        for url, reads in (("/paths/web-developer", 1), ("/terms", 1), ("/help/browsers", 0)):
            tag = etag(visitor, url)
            rendered.clear()
            queries.clear()
            assert visitor.get(url, headers={"If-None-Match": tag}).status_code == 304
            assert rendered == [] and len(queries) == reads, (url, queries)
    finally:
        event.remove(db.engine, "before_cursor_execute", on_query)
        template_rendered.disconnect(on_render, demo)


def test_a_catalog_change_changes_the_etag_and_the_page(demo, visitor):
    before = visitor.get("/paths/web-developer")
    tags = {url: etag(visitor, url) for url in ("/courses", "/paths", "/premium")}
    path = db.session.scalar(select(LearningPath).where(LearningPath.slug == "web-developer"))
    path.title_en = "Web Developer (new edition)"
    catalog.bump_version()
    db.session.commit()
    after = visitor.get("/paths/web-developer", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and b"Web Developer (new edition)" in after.get_data()
    assert all(etag(visitor, url) != tag for url, tag in tags.items())


def test_a_new_terms_version_changes_the_legal_etags(demo, visitor):
    tags = {url: etag(visitor, url) for url in ("/terms", "/terms/versions", "/terms/2026-11")}
    legal_documents.publish(
        legal_documents.NewVersion(
            kind=DocumentKind.TERMS,
            label="2027-01",
            body_en="# Terms\n\nNew.",
            body_fr="# Conditions\n\nNouveau.",
            change_summary_en="New.",
            change_summary_fr="Nouveau.",
        ),
        render_pdfs=False,
    )
    db.session.commit()
    assert all(etag(visitor, url) != tag for url, tag in tags.items())
    assert b"2027-01" in visitor.get("/terms/versions").get_data()
    assert db.session.scalar(select(DocumentVersion).where(DocumentVersion.label == "2027-01"))


def test_the_etag_follows_the_date_the_language_and_the_country(demo, visitor, monkeypatch):
    path = "/paths/web-developer"
    english, french = etag(visitor, path), etag(visitor, path, **{"Accept-Language": "fr"})
    assert english != french
    # The indicative amount on a path page: by the region of the language.
    british = etag(visitor, path, **{"Accept-Language": "en-GB"})
    assert british not in {english, french}
    assert etag(visitor, "/courses", **{"Accept-Language": "en-GB"}) == etag(visitor, "/courses")
    # The language chosen with the switch: the same page as asked by the browser.
    chosen = visitor.get(path, headers={"Cookie": "locale=fr"})
    assert chosen.headers["ETag"] == french and b'lang="fr"' in chosen.get_data()
    # Scheduled prices start at midnight: another day, another tag.
    tomorrow = clock.now() + timedelta(days=1)
    monkeypatch.setattr(clock, "now", lambda: tomorrow)
    assert etag(visitor, path) != english


def test_the_build_id_changes_with_files_and_settings_not_secrets(tmp_path):
    (tmp_path / "templates").mkdir()
    page = tmp_path / "templates" / "page.html"
    page.write_text("one")
    app = Flask("probe", root_path=str(tmp_path))
    app.config.update(SECRET_KEY="first", PLATFORM_NAME="Atelier")
    first = compute_build_id(app)
    assert compute_build_id(Flask("other", root_path=str(tmp_path))) != first  # settings
    app.config["SECRET_KEY"] = "second"
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "x.pyc").write_bytes(b"compiled")
    assert compute_build_id(app) == first
    page.write_text("two")
    second = compute_build_id(app)
    assert second != first
    app.config["PLATFORM_NAME"] = "Another brand"
    assert compute_build_id(app) != second


def test_every_worker_of_a_release_has_the_same_build_id(app, make_app):
    assert make_app().extensions["build_id"] == app.extensions["build_id"]
    # Workers are processes, each with its own hash seed (a set's order differs).
    probe = (
        "from app import create_app; print(create_app({'ENV_NAME': 'testing', "
        "'SECRET_KEY': 'x', 'SQLALCHEMY_DATABASE_URI': 'sqlite://', "
        "'HOSTS': {'a.example', 'b.example', 'c.example'}}).extensions['build_id'])"
    )
    ids = {
        subprocess.run(
            [sys.executable, "-c", probe],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        ).stdout.strip()
        for seed in ("1", "2")
    }
    assert len(ids) == 1 and len(ids.pop()) == 16


# --- whatever belongs to someone -------------------------------------------------------------


def test_a_session_makes_public_pages_private(demo, app):
    client = app.test_client()
    client.get("/signin")  # a form: now the visitor has a session
    tag = etag(app.test_client(use_cookies=False), "/courses")
    response = client.get("/courses", headers={"If-None-Match": tag})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "ETag" not in response.headers


def test_a_page_showing_a_flashed_message_is_private(demo, app):
    client = app.test_client()
    with client.session_transaction() as session:
        session["_flashes"] = [("message", "You have signed out.")]
    response = client.get("/")
    assert b"You have signed out." in response.get_data()
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "ETag" not in response.headers
    # Once shown the message is gone, and the session with it: public again.
    assert client.get("/").headers["Cache-Control"].startswith("public")


def test_after_signing_out_public_pages_are_public_again(demo, app, make_user):
    user = make_user()
    client = app.test_client()
    sign_in(client, user.email, user.password)
    client.post("/signout")
    farewell = client.get("/")
    assert b"You have signed out." in farewell.get_data()
    assert farewell.headers["Cache-Control"] == "private, no-store"
    # The message shown, the session is empty and its cookie removed.
    assert client.get_cookie("session", domain="atelier.test") is None
    courses = client.get("/courses")
    assert courses.headers["Cache-Control"].startswith("public") and "ETag" in courses.headers


def test_members_see_only_their_own_name_and_nothing_is_replayed(demo, app, make_user):
    ada, grace = make_user(name="Ada Lovelace"), make_user(name="Grace Hopper")
    members = {}
    for user in (ada, grace):
        members[user.name] = app.test_client()
        sign_in(members[user.name], user.email, user.password)
    visitor = app.test_client()
    for url in ("/courses", "/paths/web-developer", "/premium"):
        public = visitor.get(url)
        for name, client in members.items():
            # Even sent the visitors' ETag, a member gets their own page in full.
            response = client.get(url, headers={"If-None-Match": public.headers["ETag"]})
            html = response.get_data(as_text=True)
            other = ({"Ada Lovelace", "Grace Hopper"} - {name}).pop()
            assert response.status_code == 200
            assert f"Signed in as <bdi>{name}</bdi>" in html and other not in html, url
            assert response.headers["Cache-Control"] == "private, no-store"
            assert "ETag" not in response.headers
        html = public.get_data(as_text=True)
        assert "Signed in as" not in html and "Ada" not in html and "Grace" not in html
        assert public.headers["Cache-Control"].startswith("public")


def test_the_members_name_is_escaped(demo, app, make_user):
    user = make_user(name="<b>Bold</b> & Co")
    client = app.test_client()
    sign_in(client, user.email, user.password)
    html = client.get("/courses").get_data(as_text=True)
    assert "Signed in as <bdi>&lt;b&gt;Bold&lt;/b&gt; &amp; Co</bdi>" in html


def test_a_static_file_keeps_flasks_own_validators(app, client):
    response = client.get("/static/js/app.js")
    assert response.status_code == 200 and "ETag" in response.headers
    assert "no-store" not in response.headers.get("Cache-Control", "")
    response.close()
