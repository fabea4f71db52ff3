"""Fixtures shared by the integration and web suites.

The database-backed tests run on SQLite and, when TEST_DATABASE_URL points to a
PostgreSQL database, on PostgreSQL too. REQUIRE_POSTGRES=1 (set by CI) turns the
PostgreSQL skip into a failure, so CI can never pass without it.
"""

import os
import re
import tempfile
from datetime import date
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, make_url, select, text

from app import create_app
from app.config import normalise_database_url
from app.extensions import cache, db, limiter
from app.models import OutboxMessage, Role
from app.services import accounts

# Fixtures of the legal-documents tests (published v1 texts, PDFs rendered once), the
# checkout tests, an SMTP server in the test process and real subscriptions.
pytest_plugins = [
    "tests.legal_fixtures",
    "tests.checkout_fixtures",
    "tests.support.smtp",
    "tests.support.subscriptions",
    "tests.support.learning",
    "tests.support.forum",
]

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")
REQUIRE_POSTGRES = os.environ.get("REQUIRE_POSTGRES") == "1"
TEST_SECRET = "test-secret-key-not-for-production"
# Files learners attach (and the demo's) go here, never into the checkout's instance/.
UPLOADS = Path(tempfile.mkdtemp(prefix="atelier-test-uploads-"))

BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(
            not POSTGRES_URL and not REQUIRE_POSTGRES,
            reason="PostgreSQL suite skipped: set TEST_DATABASE_URL=postgresql://... to run it",
        ),
    ),
]


def base_config(database_url: str) -> dict:
    return {
        "ENV_NAME": "testing",
        "SECRET_KEY": TEST_SECRET,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": "atelier.test",
        "MAIL_BACKEND": "outbox",
        "UPLOAD_FOLDER": str(UPLOADS),
        # Still scrypt, at a cost that keeps hundreds of test accounts quick.
        "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
    }


def worker_database(url: str) -> str:
    """Under pytest-xdist each worker has a PostgreSQL database of its own, named after
    TEST_DATABASE_URL's with the worker's id (atelier_test_gw0, ...), created when missing
    (the role needs CREATEDB, as CI's has)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    base = make_url(url)
    own = base.set(database=f"{base.database}_{worker}")
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            exists = conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": own.database}
            ).scalar()
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{own.database}"'))
    finally:
        engine.dispose()
    return own.render_as_string(hide_password=False)


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory) -> str:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
    else:
        if not POSTGRES_URL:
            pytest.fail("REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set")
        url = worker_database(normalise_database_url(POSTGRES_URL))
    app = create_app(base_config(url))
    with app.app_context():
        if request.param == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        # The schema comes from the migrations, so they are tested on every run.
        upgrade()
        db.engine.dispose()
    return url


@pytest.fixture
def app_config(database_url) -> dict:
    return base_config(database_url)


class FreshContextClient(FlaskClient):
    """Each request gets its own application context, as in production, so `g` (where
    Flask-Login caches the user) and the database session are not shared with the test
    or with other requests. Each response is read whole and closed, as a WSGI server does
    once it has sent it: its `call_on_close` callbacks (the delivery of the email the
    request queued, app/web/mail_flush.py) have run when the call returns."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("buffered", True)
        with self.application.app_context():
            return super().open(*args, **kwargs)


# One application per configuration for the whole run: building one costs about a
# quarter of a second (Werkzeug compiles every route), which for two thousand tests was
# most of the suite's time. Each test gets the settings it started with back, a database
# emptied again, and the per-application memos that follow settings cleared.
_APPS: dict[str, object] = {}
_MEMOS = ("legal_pdf_render_keys",)


@pytest.fixture
def app(app_config):
    key = repr(sorted(app_config.items()))
    app = _APPS.get(key)
    if app is None:
        app = _APPS[key] = create_app(app_config)
        app.test_client_class = FreshContextClient
    settings = dict(app.config)
    # Flask-Limiter keeps its on/off switch and its counts on the one Limiter object, set
    # by whichever app was created last (a make_app one too): put this app's back.
    limiter.enabled = app.config.get("RATELIMIT_ENABLED", True)
    if limiter.enabled and limiter.initialized:
        with app.app_context():
            limiter.reset()
    with app.app_context():
        yield app
        db.session.rollback()
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
        db.session.remove()
    app.config.clear()
    app.config.update(settings)
    for memo in _MEMOS:
        app.extensions.pop(memo, None)
    # The data cache outlives a request and keys on the catalog version, which starts
    # again with each emptied database.
    with app.app_context():
        cache.clear()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_app(app):
    """Another app on the same database with some settings changed; the `app` fixture
    cleans the database afterwards."""

    created = []

    def factory(**overrides):
        other = create_app({**base_config(app.config["SQLALCHEMY_DATABASE_URI"]), **overrides})
        other.test_client_class = FreshContextClient
        created.append(other)
        return other

    yield factory
    for other in created:
        with other.app_context():
            db.engine.dispose()


class UserFactory:
    counter = 0

    def __call__(
        self,
        *,
        email=None,
        password="correct horse battery",
        role=Role.LEARNER,
        born=date(1990, 5, 17),
        country="FR",
        legal_protection=False,
        locale="en",
        verified=True,
        name=None,
    ):
        UserFactory.counter += 1
        email = email or f"user{UserFactory.counter}@example.org"
        user = accounts.register(
            accounts.NewAccount(
                name or f"User {UserFactory.counter}",
                email,
                password,
                born,
                country,
                legal_protection,
                locale,
            ),
            role=role,
            verified=verified,
        )
        db.session.commit()  # as the request or command that creates an account would
        user.password = password  # plain text kept on the object for the test only
        return user


@pytest.fixture
def make_user(app):
    return UserFactory()


@pytest.fixture
def staff_client(app, make_user):
    """A staff member signed in with their password and a two-factor code."""
    staff = make_user(role=Role.STAFF)
    secret = enable_two_factor(staff)
    client = app.test_client()
    sign_in(client, staff.email, staff.password)
    client.post("/signin/code", data={"code": current_code(secret)})
    return client


def outbox_for(recipient: str) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.recipient == recipient)
            .order_by(OutboxMessage.id)
        )
    )


LINK = re.compile(r"https?://\S+")


def link_in(message: OutboxMessage) -> str:
    match = LINK.search(message.text_body)
    assert match, message.text_body
    return match.group(0)


def path_of(link: str) -> str:
    return re.sub(r"^https?://[^/]+", "", link)


def sign_in(client, email: str, password: str, **extra):
    return client.post("/signin", data={"email": email, "password": password, **extra})


def enable_two_factor(user) -> str:
    """Turn on 2FA for `user` and return the TOTP secret."""
    from app.services import two_factor

    secret = two_factor.new_secret()
    two_factor.enable(user, secret)
    db.session.commit()
    return secret


def current_code(secret: str) -> str:
    import pyotp

    return pyotp.TOTP(secret).now()


def without_title(fragment: str) -> str:
    """An htmx fragment less the <title> the server puts first (htmx moves it to the tab)."""
    return re.sub(r"^\s*<title>[^<]*</title>", "", fragment).lstrip()
