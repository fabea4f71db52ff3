"""What the per-request shortcuts (app/security_headers.py, app/sessions.py, the rate
limiter's read filter, the page cache) must keep: the same headers, the same
protections, one query for a signed-in page."""

import re
import time

import pytest
from flask import Response, session
from flask import request as flask_request
from flask.sessions import SecureCookieSessionInterface
from flask_limiter.util import get_qualified_name
from flask_talisman import Talisman
from flask_wtf.csrf import generate_csrf, validate_csrf
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import event
from wtforms import ValidationError

from app import clock
from app.config import Config
from app.extensions import READ_METHODS, db, limiter, talisman
from app.models import OutboxMessage, User
from app.seeds.catalog import seed_catalog
from app.services import accounts
from app.sessions import csrf_token
from tests.conftest import sign_in


@pytest.fixture
def demo(app):
    seed_catalog(clock.today())
    db.session.commit()
    return app


@pytest.fixture
def count_queries(app):
    counter = {"n": 0}

    def before_cursor_execute(*args):
        counter["n"] += 1

    event.listen(db.engine, "before_cursor_execute", before_cursor_execute)

    def measure(client, url):
        counter["n"] = 0
        assert client.get(url).status_code == 200, url
        return counter["n"]

    yield measure
    event.remove(db.engine, "before_cursor_execute", before_cursor_execute)


MANAGED = (
    "Content-Security-Policy",
    "Permissions-Policy",
    "Referrer-Policy",
    "Strict-Transport-Security",
    "X-Content-Type-Options",
    "X-Frame-Options",
)


def talisman_headers(response) -> dict:
    return {name: response.headers.get(name) for name in MANAGED}


def built_by_talisman(app, path: str, base_url: str = "http://atelier.test") -> dict:
    """The headers Flask-Talisman's own code builds for this request."""
    with app.test_request_context(path, base_url=base_url):
        probe = Response()
        Talisman._set_response_headers(talisman, probe)
        return talisman_headers(probe)


def outbox_message() -> int:
    message = OutboxMessage(
        recipient="a@example.org", subject="s", text_body="t", html_body="<p>h</p>", locale="en"
    )
    db.session.add(message)
    db.session.commit()
    return message.id


def test_security_headers_are_the_ones_talisman_builds(app, client):
    html_id = outbox_message()
    for path in ("/", "/courses", "/signin", "/no-such-page", f"/dev/outbox/{html_id}/html"):
        for base_url in ("http://atelier.test", "https://atelier.test"):
            expected = built_by_talisman(app, path, base_url)
            for _ in range(2):  # the first response builds them, the second is served from memory
                response = client.get(path, base_url=base_url)
                assert talisman_headers(response) == expected, (path, base_url)
            assert expected["Content-Security-Policy"]
            assert expected["X-Content-Type-Options"] == "nosniff"
            assert (expected["Strict-Transport-Security"] is not None) == base_url.startswith(
                "https"
            )


def test_a_view_keeps_its_own_policy(app, client):
    html_id = outbox_message()
    sandboxed = client.get(f"/dev/outbox/{html_id}/html").headers["Content-Security-Policy"]
    assert "sandbox" in sandboxed and "default-src 'none'" in sandboxed
    page = client.get("/courses").headers["Content-Security-Policy"]
    assert "sandbox" not in page and "default-src 'self'" in page


# --- rate limits: POSTs only -------------------------------------------------------------


def test_every_rate_limit_is_on_a_post(app):
    """reads_are_not_limited() skips Flask-Limiter on page reads: true only while no
    limit applies to a GET."""
    names = {get_qualified_name(view): endpoint for endpoint, view in app.view_functions.items()}
    decorated = limiter.limit_manager._decorated_limits
    assert decorated
    for name, limits in decorated.items():
        rule_methods = set().union(*(rule.methods for rule in app.url_map.iter_rules(names[name])))
        for limit in limits:
            methods = {m.upper() for m in limit.methods} if limit.methods else rule_methods
            # OPTIONS is answered by Flask itself (no view runs), so only GET and HEAD count.
            assert not (methods & rule_methods & (READ_METHODS - {"OPTIONS"})), name
    assert not limiter.limit_manager.default_limits
    assert not limiter.limit_manager.application_limits


def test_reads_are_not_counted_and_posts_still_are(make_app):
    limited = make_app(RATELIMIT_ENABLED=True, RATELIMIT_SIGNIN="2 per minute")
    with limited.app_context():
        limiter.reset()
    try:
        client = limited.test_client()
        assert [client.get("/signin").status_code for _ in range(4)] == [200] * 4
        codes = [
            client.post("/signin", data={"email": "a@example.org", "password": "x"}).status_code
            for _ in range(3)
        ]
        assert codes == [422, 422, 429]
    finally:
        with limited.app_context():
            limiter.reset()


# --- sessions ----------------------------------------------------------------------------


def session_cookie_set(response) -> bool:
    return any(h.startswith("session=") for h in response.headers.getlist("Set-Cookie"))


def test_signed_in_pages_do_not_rewrite_the_session_and_csrf_still_holds(make_app, make_user, demo):
    app = make_app(WTF_CSRF_ENABLED=True, CATALOG_VERSION_TTL=60)
    client = app.test_client()
    user = make_user()
    html = client.get("/signin").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    signed_in = client.post(
        "/signin", data={"email": user.email, "password": user.password, "csrf_token": token}
    )
    assert signed_in.status_code == 302 and session_cookie_set(signed_in)
    for path in ("/courses", "/paths/web-developer", "/courses"):
        page = client.get(path)
        assert page.status_code == 200 and "Sign out" in page.get_data(as_text=True)
        assert page.headers["Cache-Control"] == "no-store"
        assert not session_cookie_set(page), path  # the cookie from sign-in already has it all
    html = client.get("/courses").get_data(as_text=True)
    assert client.post("/signout").status_code == 400  # still no POST without the token
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    assert client.post("/signout", data={"csrf_token": token}).status_code == 302
    assert "Sign out" not in client.get("/courses").get_data(as_text=True)


def test_a_cached_member_page_costs_one_query_and_still_checks_the_session(
    app, make_user, demo, count_queries
):
    app.config["CATALOG_VERSION_TTL"] = 60
    member = app.test_client()
    user = make_user()
    sign_in(member, user.email, user.password)
    stolen = member.get_cookie("session", domain="atelier.test").value
    for path in ("/courses", "/paths/web-developer"):
        count_queries(member, path)  # rendered and kept
        assert count_queries(member, path) == 1  # the user row, with the session version
        count_queries(app.test_client(), path)
        assert count_queries(app.test_client(), path) == 0
    accounts.end_all_sessions(db.session.get(User, user.id))  # signed out elsewhere
    db.session.commit()
    thief = app.test_client()
    thief.set_cookie("session", stolen, domain="atelier.test")
    assert "Sign out" not in thief.get("/courses").get_data(as_text=True)


def test_the_signed_in_user_is_the_orm_user(app, make_user):
    user = make_user(country="GB", locale="fr")
    session_id = user.get_id()
    columns = [column.key for column in User.__table__.columns]
    db.session.remove()
    expected = {key: getattr(db.session.get(User, user.id), key) for key in columns}
    db.session.remove()
    loaded = accounts.load_session_user(session_id)
    assert {key: getattr(loaded, key) for key in columns} == expected
    assert db.session.get(User, user.id) is loaded and not db.session.dirty
    assert loaded.recovery_codes == []  # relationships load on use
    loaded.name = "Changed"
    db.session.commit()
    db.session.remove()
    assert db.session.get(User, user.id).name == "Changed"
    assert accounts.load_session_user(session_id) is not None
    assert accounts.load_session_user(f"{user.id}:{int(session_id.split(':')[1]) + 1}") is None
    assert accounts.load_session_user("999999:1") is None


def test_a_new_secret_key_ends_old_sessions_unless_kept_as_fallback(app, client, make_user):
    user = make_user()
    sign_in(client, user.email, user.password)
    assert client.get("/account").status_code == 200
    old = app.config["SECRET_KEY"]
    app.config["SECRET_KEY"] = "another-secret-key"
    assert client.get("/account").status_code == 302
    app.config["SECRET_KEY_FALLBACKS"] = [old]
    assert client.get("/account").status_code == 200


def test_csrf_tokens_are_flask_wtf_ones(app):
    with app.test_request_context("/"):
        token = csrf_token()
        assert generate_csrf() == token  # one token per request, whoever asks
        validate_csrf(token)
        raw = session["csrf_token"]
        stock = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").dumps(raw)
        assert stock.split(".")[0] == token.split(".")[0]  # the same payload, uncompressed
    with app.test_request_context("/"):
        session["csrf_token"] = raw
        validate_csrf(token)  # a later request, same session
        with pytest.raises(ValidationError):
            validate_csrf(token[:-2] + "xx")


def test_session_cookies_signed_before_still_read(app, client, make_user):
    user = make_user()
    sign_in(client, user.email, user.password)
    value = client.get_cookie("session", domain="atelier.test").value
    assert not value.startswith(".")  # short: no longer compressed
    ours = app.session_interface.get_signing_serializer(app)
    contents = ours.loads(value)
    stock = SecureCookieSessionInterface().get_signing_serializer(app)
    padded = {**contents, "padding": "x" * 2000}
    for old in (stock.dumps(contents), stock.dumps(padded)):
        assert ours.loads(old)["_user_id"] == contents["_user_id"]
    assert ours.dumps(padded).startswith(".")  # long ones still are
    assert stock.loads(ours.dumps(padded)) == padded
    client.set_cookie("session", stock.dumps(contents), domain="atelier.test")
    assert client.get("/account").status_code == 200


def open_cookie(app, value: str) -> dict:
    with app.test_request_context("/", headers={"Cookie": f"session={value}"}):
        return dict(app.session_interface.open_session(app, flask_request))


def test_a_cookie_read_from_memory_is_checked_as_a_new_one(app, monkeypatch):
    serializer = app.session_interface.get_signing_serializer(app)
    value = serializer.dumps({"_user_id": "7:1", "_fresh": True, "csrf_token": "abc"})
    assert open_cookie(app, value) == {"_user_id": "7:1", "_fresh": True, "csrf_token": "abc"}
    kept = app.extensions["session_serializer"][2]
    assert value in kept  # verified once, read from memory next time
    assert open_cookie(app, value)["_user_id"] == "7:1"
    assert open_cookie(app, value[:-2] + "xx") == {}  # another string: verified, refused
    lifetime = app.permanent_session_lifetime.total_seconds()
    later = time.time() + lifetime + 5
    monkeypatch.setattr("app.sessions.time", lambda: later)
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: later)
    assert open_cookie(app, value) == {}  # too old, though it was kept
    monkeypatch.undo()
    app.config["SECRET_KEY"] = "another-secret-key"
    assert open_cookie(app, value) == {}  # a new key: nothing verified with the old one counts


def test_only_sessions_of_plain_values_are_kept(app):
    serializer = app.session_interface.get_signing_serializer(app)
    value = serializer.dumps({"_flashes": [("message", "Saved")], "csrf_token": "abc"})
    with app.test_request_context("/", headers={"Cookie": f"session={value}"}):
        opened = app.session_interface.open_session(app, flask_request)
        opened["_flashes"].append(("message", "Changed in place"))
    assert value not in app.extensions["session_serializer"][2]
    assert open_cookie(app, value)["_flashes"] == [("message", "Saved")]
    plain = serializer.dumps({"csrf_token": "abc"})
    with app.test_request_context("/", headers={"Cookie": f"session={plain}"}):
        opened = app.session_interface.open_session(app, flask_request)
        opened["csrf_token"] = "changed"
    assert open_cookie(app, plain) == {"csrf_token": "abc"}


def test_a_session_signed_token_is_reused_and_still_valid(app, monkeypatch):
    """Each request in an application context of its own, as served (`g` is per context)."""
    with app.app_context(), app.test_request_context("/"):
        first = csrf_token()
        raw = session["csrf_token"]
    soon = time.time() + 5  # a token signed now would carry another time
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: soon)
    with app.app_context(), app.test_request_context("/"):
        session["csrf_token"] = raw
        assert csrf_token() == first  # not signed again within the minute
        validate_csrf(first)
    with app.app_context(), app.test_request_context("/"):
        assert csrf_token() != first  # another session, its own token
    later = time.monotonic() + 61
    monkeypatch.setattr("app.sessions.monotonic", lambda: later)
    with app.app_context(), app.test_request_context("/"):
        session["csrf_token"] = raw
        resigned = csrf_token()
        validate_csrf(resigned)
    assert URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").loads(resigned) == raw


def test_sqlite_connections_are_not_pinged_but_postgresql_ones_are(make_app):
    sqlite = make_app(SQLALCHEMY_DATABASE_URI="sqlite://")
    assert "pool_pre_ping" not in sqlite.config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert Config.SQLALCHEMY_ENGINE_OPTIONS["pool_pre_ping"] is True
    postgresql = make_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://u:p@127.0.0.1:9/none")
    assert postgresql.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True


# --- the page cache -------------------------------------------------------------------------


def test_cached_pages_vary_as_rendered_ones(app, client, demo):
    app.config["CATALOG_PAGE_CACHE"] = False
    fresh = client.get("/courses")
    app.config["CATALOG_PAGE_CACHE"] = True
    client.get("/courses")
    cached = client.get("/courses")
    assert cached.headers["Vary"] == "HX-Request, Accept-Language, Cookie"
    assert set(cached.headers["Vary"].split(", ")) >= set(fresh.headers["Vary"].split(", "))
    assert cached.mimetype == fresh.mimetype == "text/html"
