import base64
import hashlib
import re
from pathlib import Path

import pytest
from flask_limiter.util import get_qualified_name
from sqlalchemy import func, select

from app import create_app
from app.config import Config
from app.extensions import READ_METHODS, db, limiter
from app.models import Inquiry, OutboxMessage, Role, User
from tests.conftest import current_code, enable_two_factor, sign_in
from tests.support.forms import date_fields

STATIC = Path(__file__).parents[2] / "app" / "static"

REGISTER = {
    "name": "Kim",
    "email": "kim@example.org",
    "password": "correct horse battery",
    **date_fields("1990-01-01"),
    "country": "FR",
    "legal_protection": "no",
}


def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP in tests


def test_hsts_on_https(client):
    response = client.get("/", base_url="https://atelier.test")
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]


MANAGED = (
    "Content-Security-Policy",
    "Permissions-Policy",
    "Referrer-Policy",
    "Strict-Transport-Security",
    "X-Content-Type-Options",
    "X-Frame-Options",
)


def managed_headers(response) -> dict:
    return {name: response.headers.get(name) for name in MANAGED}


def outbox_message() -> int:
    message = OutboxMessage(
        recipient="a@example.org", subject="s", text_body="t", html_body="<p>h</p>", locale="en"
    )
    db.session.add(message)
    db.session.commit()
    return message.id


def test_every_kind_of_answer_gets_the_same_security_headers(app):
    """Public pages (and their 304s), forms and errors: Talisman's headers, untouched by
    the caching hooks; HSTS on HTTPS only."""
    client = app.test_client(use_cookies=False)  # every request a visitor's first
    for base_url in ("http://atelier.test", "https://atelier.test"):
        home = client.get("/", base_url=base_url)
        expected = managed_headers(home)
        assert expected["Content-Security-Policy"] and expected["Permissions-Policy"]
        assert expected["X-Frame-Options"] == "DENY"
        secure = base_url.startswith("https")
        assert (expected["Strict-Transport-Security"] is not None) == secure
        revalidated = client.get(
            "/", base_url=base_url, headers={"If-None-Match": home.headers["ETag"]}
        )
        assert revalidated.status_code == 304
        for response in (
            revalidated,
            client.get("/courses", base_url=base_url),
            client.get("/signin", base_url=base_url),
            client.get("/no-such-page", base_url=base_url),
        ):
            assert managed_headers(response) == expected, response.request.path


def test_a_view_keeps_its_own_policy(app, client):
    html_id = outbox_message()
    sandboxed = client.get(f"/dev/outbox/{html_id}/html").headers["Content-Security-Policy"]
    assert "sandbox" in sandboxed and "default-src 'none'" in sandboxed
    page = client.get("/courses").headers["Content-Security-Policy"]
    assert "sandbox" not in page and "default-src 'self'" in page


def test_no_inline_script_in_pages(client):
    html = client.get("/register").get_data(as_text=True)
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag, tag
    assert " on" not in " ".join(re.findall(r"<[^>]+ on\w+=", html))


def test_htmx_is_vendored_and_its_integrity_matches(app, client):
    vendored = STATIC / "vendor" / f"htmx-{app.config['HTMX_VERSION']}.min.js"
    digest = base64.b64encode(hashlib.sha384(vendored.read_bytes()).digest()).decode()
    assert app.config["HTMX_INTEGRITY"] == f"sha384-{digest}"
    html = client.get("/").get_data(as_text=True)
    assert f'data-htmx-integrity="sha384-{digest}"' in html
    assert f"/static/vendor/htmx-{app.config['HTMX_VERSION']}.min.js" in html
    assert "cdn.jsdelivr.net" not in html  # tests are offline: no CDN


def test_cdn_script_is_pinned_with_integrity(make_app):
    app = make_app(HTMX_USE_CDN=True)
    html = app.test_client().get("/").get_data(as_text=True)
    tag = re.search(r'<script src="https://cdn[^>]+>', html).group(0)
    assert "htmx.org@2.0.11/dist/htmx.min.js" in tag
    assert f'integrity="{app.config["HTMX_INTEGRITY"]}"' in tag
    assert 'crossorigin="anonymous"' in tag
    csp = app.test_client().get("/").headers["Content-Security-Policy"]
    # The one file, not the whole CDN (where anyone can publish a package).
    script_src = re.search(r"script-src ([^;]+)", csp).group(1).split()
    assert script_src == ["'self'", app.config["HTMX_CDN_URL"]]


def test_htmx_configuration(client):
    html = client.get("/").get_data(as_text=True)
    config = re.search(r'<meta name="htmx-config" content="([^"]+)"', html).group(1)
    for setting in (
        "&#34;allowEval&#34;: false",
        "&#34;allowScriptTags&#34;: false",
        "&#34;includeIndicatorStyles&#34;: false",
        "&#34;historyCacheSize&#34;: 0",
    ):
        assert setting in config
    # The htmx CSRF header: on a form page, not on a public one (which carries no token).
    form = client.get("/register").get_data(as_text=True)
    assert re.search(r'<body data-hx-headers="{&#34;X-CSRFToken&#34;: &#34;[^&]+&#34;}">', form)
    assert "<body>" in html and "csrf" not in html.lower()


@pytest.fixture
def csrf_client(make_app):
    return make_app(WTF_CSRF_ENABLED=True).test_client()


def test_missing_csrf_token_is_refused_and_nothing_saved(csrf_client):
    response = csrf_client.post("/register", data=REGISTER)
    assert response.status_code == 400
    assert "Something was wrong with that request" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_wrong_csrf_token_is_refused(csrf_client):
    csrf_client.get("/register")
    response = csrf_client.post("/register", data={**REGISTER, "csrf_token": "forged"})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_csrf_token_from_the_page_works(csrf_client):
    html = csrf_client.get("/register").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    response = csrf_client.post("/register", data={**REGISTER, "csrf_token": token})
    assert response.status_code == 302


def test_csrf_header_works_for_htmx(csrf_client):
    html = csrf_client.get("/register").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    response = csrf_client.post(
        "/register", data=REGISTER, headers={"X-CSRFToken": token, "HX-Request": "true"}
    )
    assert response.status_code == 204


def test_sign_out_needs_csrf(csrf_client, make_user):
    user = make_user()
    html = csrf_client.get("/signin").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    csrf_client.post(
        "/signin", data={"email": user.email, "password": user.password, "csrf_token": token}
    )
    assert csrf_client.post("/signout").status_code == 400
    assert csrf_client.get("/account").status_code == 200


@pytest.fixture
def limited_app(make_app):
    def factory(**limits):
        app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://", **limits)
        with app.app_context():
            limiter.reset()
        return app

    yield factory
    limiter.reset()


@pytest.fixture
def limited_client(limited_app):
    return limited_app(
        RATELIMIT_SIGNIN="100 per minute", RATELIMIT_SIGNIN_ACCOUNT="3 per minute"
    ).test_client()


def test_repeated_failed_sign_ins_are_slowed_not_locked(limited_client, make_user):
    user = make_user()
    for _ in range(3):
        response = sign_in(limited_client, user.email, "wrong password 1")
        assert response.status_code == 422
    response = sign_in(limited_client, user.email, "wrong password 1")
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert "Too many attempts" in html and "Wait a few minutes" in html
    # Another account from the same address is not blocked by this one's limit.
    other = make_user()
    assert sign_in(limited_client, other.email, other.password).status_code == 302


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/account/password", "current_password"),
        ("/account/email", "password"),
        ("/account/two-factor/disable", "password"),
    ],
)
def test_current_password_rechecks_are_limited_per_account(limited_app, make_user, path, field):
    app = limited_app(RATELIMIT_PASSWORD_RECHECK="3 per minute", RATELIMIT_SIGNIN="100 per minute")
    user, other = make_user(), make_user()
    client = app.test_client()
    sign_in(client, user.email, user.password)
    data = {field: "not the password", "new_password": "a new long passphrase", "email": "n@e.org"}
    codes = [client.post(path, data=data).status_code for _ in range(4)]
    assert codes == [422, 422, 422, 429]
    # The limit is the account's: another member at the same address is not held by it.
    elsewhere = app.test_client()
    sign_in(elsewhere, other.email, other.password)
    assert elsewhere.post(path, data=data).status_code == 422


def test_every_rate_limit_is_on_a_post(app):
    """reads_are_not_limited() (app/extensions.py) skips Flask-Limiter on page reads:
    right only while no limit applies to a GET."""
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


def test_reads_are_not_counted_and_posts_still_are(limited_app):
    client = limited_app(RATELIMIT_SIGNIN="2 per minute").test_client()
    assert [client.get("/signin").status_code for _ in range(4)] == [200] * 4
    codes = [
        client.post("/signin", data={"email": "a@example.org", "password": "x"}).status_code
        for _ in range(3)
    ]
    assert codes == [422, 422, 429]


def test_start_pages_are_read_freely_and_starting_is_limited(limited_app):
    client = limited_app(RATELIMIT_CHECKOUT="2 per minute").test_client()
    assert [client.get("/checkout/solo").status_code for _ in range(4)] == [200] * 4
    assert [client.post("/checkout/solo").status_code for _ in range(3)] == [302, 302, 429]


def test_registration_is_rate_limited(limited_app):
    client = limited_app(RATELIMIT_REGISTER="2 per minute").test_client()
    codes = [client.post("/register", data={}).status_code for _ in range(3)]
    assert codes == [422, 422, 429]


def test_password_reset_is_rate_limited(limited_app):
    client = limited_app(RATELIMIT_RESET="2 per minute").test_client()
    codes = [
        client.post("/password/forgot", data={"email": "a@example.org"}).status_code
        for _ in range(3)
    ]
    assert codes == [200, 200, 429]


@pytest.mark.parametrize(
    ("path", "code", "text"),
    [
        ("/no-such-page", 404, "Page not found"),
        ("/account/password", 405, "That action is not possible here"),
    ],
)
def test_friendly_error_pages(client, path, code, text):
    response = client.get(path)
    assert response.status_code == code
    html = response.get_data(as_text=True)
    assert text in html and "<h1>" in html


def test_server_error_shows_no_traceback(make_app):
    app = make_app(TESTING=False)

    @app.route("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Sorry, there is a problem with the service" in html
    assert "secret internals" not in html and "Traceback" not in html


def test_error_pages_in_french(client):
    response = client.get("/no-such-page", headers={"Accept-Language": "fr"})
    assert 'lang="fr"' in response.get_data(as_text=True)
    assert "Page introuvable" in response.get_data(as_text=True)


def test_production_refuses_in_memory_rate_limits(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    with pytest.raises(RuntimeError, match="RATELIMIT_STORAGE_URI"):
        create_app(
            {
                "ENV_NAME": "production",
                "SQLALCHEMY_DATABASE_URI": "sqlite://",
                "RATELIMIT_STORAGE_URI": "memory://",
                "MAIL_BACKEND": "smtp",
                "PUBLIC_URL": "https://atelier.example",
            }
        )


def test_production_cookies_are_secure(monkeypatch):
    app = create_app(
        {
            "ENV_NAME": "production",
            "SECRET_KEY": "x" * 32,
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1",
            "MAIL_BACKEND": "smtp",
            "ALLOW_SANDBOX_PAYMENTS": True,
            "PUBLIC_URL": "https://atelier.example",
        }
    )
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["REMEMBER_COOKIE_HTTPONLY"]
    assert app.config["SESSION_COOKIE_SAMESITE"] == app.config["REMEMBER_COOKIE_SAMESITE"] == "Lax"
    assert not app.debug


PRODUCTION = {
    "ENV_NAME": "production",
    "SECRET_KEY": "x" * 32,
    "SQLALCHEMY_DATABASE_URI": "sqlite://",
    "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1",
    "MAIL_BACKEND": "smtp",
    "PUBLIC_URL": "https://atelier.example",
}


@pytest.mark.parametrize(
    "settings, message",
    [
        ({}, "CARD_GATEWAY=sandbox takes test cards"),
        (
            {"CARD_GATEWAY": "adyen", "PAYPAL_GATEWAY": "paypal"},
            "CARD_GATEWAY=adyen needs ADYEN_API_KEY",
        ),
        (
            {
                "CARD_GATEWAY": "adyen",
                "ADYEN_API_KEY": "k",
                "ADYEN_MERCHANT_ACCOUNT": "m",
                "ADYEN_CLIENT_KEY": "c",
                "ADYEN_HMAC_KEY": "00",
                "PAYPAL_GATEWAY": "paypal",
                "PAYPAL_CLIENT_ID": "id",
            },
            "PAYPAL_GATEWAY=paypal needs PAYPAL_CLIENT_SECRET, PAYPAL_WEBHOOK_ID",
        ),
    ],
)
def test_production_refuses_the_sandbox_and_gateways_without_credentials(settings, message):
    with pytest.raises(RuntimeError, match=message):
        create_app({**PRODUCTION, **settings})


def test_proxy_fix_trusts_exactly_one_proxy(make_app):
    app = make_app(PROXY_COUNT=1)

    @app.route("/whoami")
    def whoami():
        from flask import request

        return request.remote_addr

    response = app.test_client().get(
        "/whoami",
        headers={"X-Forwarded-For": "6.6.6.6, 203.0.113.7"},
        environ_base={"REMOTE_ADDR": "10.0.0.1"},
    )
    assert response.get_data(as_text=True) == "203.0.113.7"


def test_production_trusts_no_forwarded_header_unless_told_how_many_proxies(monkeypatch):
    monkeypatch.delenv("PROXY_COUNT", raising=False)
    app = create_app({**PRODUCTION, "ALLOW_SANDBOX_PAYMENTS": True})
    assert app.config["PROXY_COUNT"] == 0

    @app.route("/whoami")
    def whoami():
        from flask import request

        return request.remote_addr

    response = app.test_client().get(
        "/whoami",
        base_url="https://atelier.example",
        headers={"X-Forwarded-For": "6.6.6.6"},
        environ_base={"REMOTE_ADDR": "203.0.113.7"},
    )
    assert response.get_data(as_text=True) == "203.0.113.7"


def test_outbox_is_hidden_outside_development(make_app, make_user):
    client = make_app(OUTBOX_PUBLIC=False).test_client()
    assert client.get("/dev/outbox").status_code == 404
    learner = make_user()
    sign_in(client, learner.email, learner.password)
    assert client.get("/dev/outbox").status_code == 404
    client.post("/signout")
    staff = make_user(role=Role.STAFF)
    secret = enable_two_factor(staff)  # staff must have 2FA to use the site
    sign_in(client, staff.email, staff.password)
    client.post("/signin/code", data={"code": current_code(secret)})
    assert client.get("/dev/outbox").status_code == 200


def test_a_new_secret_key_ends_old_sessions_unless_kept_as_fallback(app, client, make_user):
    user = make_user()
    sign_in(client, user.email, user.password)
    assert client.get("/account").status_code == 200
    old = app.config["SECRET_KEY"]
    app.config["SECRET_KEY"] = "another-secret-key"
    assert client.get("/account").status_code == 302
    app.config["SECRET_KEY_FALLBACKS"] = [old]
    assert client.get("/account").status_code == 200


def test_sqlite_connections_are_not_pinged_but_postgresql_ones_are(make_app):
    sqlite = make_app(SQLALCHEMY_DATABASE_URI="sqlite://")
    assert "pool_pre_ping" not in sqlite.config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert Config.SQLALCHEMY_ENGINE_OPTIONS["pool_pre_ping"] is True
    postgresql = make_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://u:p@127.0.0.1:9/none")
    assert postgresql.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True


def test_secret_key_is_generated_into_instance(tmp_path):
    from app.config import ensure_secret_key

    first = ensure_secret_key(str(tmp_path))
    assert len(first) == 64 and ensure_secret_key(str(tmp_path)) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_production_hashes_with_full_cost_scrypt(app_config):
    from app.config import Config

    assert Config.PASSWORD_HASH_METHOD == "scrypt"  # werkzeug's default: n=32768, r=8, p=1


def test_a_form_sent_after_its_session_ended_comes_back_with_its_text(make_app, monkeypatch):
    """A contact form left open past the session's lifetime (12 hours): the page comes
    back with the message kept and a word on what happened, never the bare 400 page."""
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    html = client.get("/contact").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    # Thirteen hours later the browser no longer sends the session cookie.
    client.delete_cookie("session", domain="atelier.test")
    message = "Where is my invoice for March? I paid twice, I think."
    response = client.post(
        "/contact",
        data={
            "csrf_token": token,
            "topic": "billing",
            "name": "Ana",
            "email": "ana@example.org",
            "message": message,
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and 'value="Ana"' in page
    assert "Your session had ended, so this was not sent." in page
    assert db.session.scalar(select(func.count(Inquiry.id))) == 0
    # The page carries a fresh token in a fresh session: sending again works.
    fresh = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    again = client.post(
        "/contact",
        data={
            "csrf_token": fresh,
            "topic": "billing",
            "name": "Ana",
            "email": "ana@example.org",
            "message": message,
        },
    )
    assert again.status_code == 302
    assert db.session.scalar(select(func.count(Inquiry.id))) == 1


def test_a_form_without_any_token_is_still_refused(make_app):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    response = client.post("/contact", data={"topic": "billing", "message": "hello"})
    assert response.status_code == 400
    assert "Something was wrong with that request" in response.get_data(as_text=True)


def test_every_page_has_an_icon_and_favicon_ico_answers(client):
    html = client.get("/").get_data(as_text=True)
    assert 'rel="icon" href="/static/favicon.svg"' in html
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype == "image/vnd.microsoft.icon"
    assert icon.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert icon.headers["Cache-Control"].startswith("public")
    assert "Set-Cookie" not in icon.headers
    assert client.get("/static/favicon.svg").status_code == 200
