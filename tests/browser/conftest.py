"""Browser suite: the app served for real, driven by Chromium through Playwright.

Without Chromium or the playwright package the suite is skipped, and the axe and
Nu HTML Checker tests without node_modules (`npm ci`) or Java; REQUIRE_BROWSER=1
(set by CI) turns every one of those skips into a failure.
"""

import itertools
import os
import shutil
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyotp
import pytest
from flask_migrate import upgrade
from sqlalchemy import select
from werkzeug.serving import WSGIRequestHandler, make_server

from app import create_app
from app.extensions import db
from app.models import LaunchWatch, Role, User
from app.services import accounts, legal_documents, two_factor
from tests.browser.pages import (
    SEEDED_LINKS,
    SEEDED_OUTBOX_MESSAGE,
    SUBMITS,
    Page,
    fill_before_submit,
)

try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    expect = sync_playwright = None

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
NODE_MODULES = ROOT / "node_modules"
AXE_SCRIPT = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"

REQUIRE_BROWSER = os.environ.get("REQUIRE_BROWSER") == "1"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-gpu",
]
SECRET_KEY = "browser-suite-secret-key-not-for-production"
# Generous: a wait only lasts this long when something is wrong, and CI runs the browser
# suite on two busy cores next to PostgreSQL and the HTML checker's JVM.
TIMEOUT_MS = 30_000
if expect is not None:
    expect.set_options(timeout=TIMEOUT_MS)  # its own default (5 s) is not the context's


@dataclass(frozen=True)
class Account:
    name: str
    email: str
    password: str
    locale: str


# A confirmed learner per language: the account's own language wins over the
# browser's, so a signed-in page is seen in French by the French learner.
LEARNERS = {
    locale: Account(
        f"Learner {locale.upper()}",
        f"learner.{locale}@example.org",
        "plum tartan lighthouse",
        locale,
    )
    for locale in ("en", "fr")
}
# Signed in by the test that switches the language of a signed-in page, so that the
# language of the accounts above never changes.
LEARNERS["switch"] = Account(
    "Learner Switch", "learner.switch@example.org", "plum tartan lighthouse", "en"
)
# A Premium Solo subscriber per language, who passed the quiz of DEMO_QUIZ_COURSE and
# holds its certificate (the French one revoked): the learning pages as a subscriber
# sees them.
SUBSCRIBERS = {
    locale: Account(
        f"Subscriber {locale.upper()}",
        f"subscriber.{locale}@example.org",
        "plum tartan lighthouse",
        locale,
    )
    for locale in ("en", "fr")
}
DEMO_QUIZ_COURSE = "sql-relational-databases"
UNCONFIRMED = Account("Pending Learner", "pending@example.org", "velvet harbour compass", "en")
# Staff must use two-factor sign-in: each staff account gets this TOTP secret.
STAFF = {
    locale: Account(
        f"Staff {locale.upper()}", f"staff.{locale}@example.org", "granite meadow beacon", locale
    )
    for locale in ("en", "fr")
}
STAFF_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def require(condition: bool, reason: str) -> None:
    """Skip (or, under REQUIRE_BROWSER=1, fail) when a tool the test needs is missing."""
    if condition:
        return
    if REQUIRE_BROWSER:
        pytest.fail(f"{reason} (REQUIRE_BROWSER=1, so this is a failure)", pytrace=False)
    pytest.skip(reason)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)


# --- the live server ------------------------------------------------------------


class QuietRequestHandler(WSGIRequestHandler):
    def log_request(self, code="-", size="-"):
        pass  # one line per request would drown the test output; errors still log


def buffered(wsgi_app):
    """Read each response whole and close it before handing it to the server. Werkzeug's
    development server skips closing a streamed response (a static file) when the browser
    drops the connection first, and the open file then surfaces as a ResourceWarning in
    whatever test runs next."""

    def app(environ, start_response):
        iterable = wsgi_app(environ, start_response)
        try:
            return [b"".join(iterable)]
        finally:
            if hasattr(iterable, "close"):
                iterable.close()

    return app


@dataclass
class LiveServer:
    app: object
    url: str

    def __call__(self, path: str) -> str:
        return self.url + path


def register(account: "Account", verified=True, born=date(1990, 5, 17), **options) -> User:
    """Register `account` on the live server's app (the caller holds its context), born in
    France, in the account's language; `options` go to accounts.register (a role)."""
    return accounts.register(
        accounts.NewAccount(
            account.name, account.email, account.password, born, "FR", False, account.locale
        ),
        verified=verified,
        **options,
    )


def seed(app, url: str) -> None:
    # A request context on the live URL, so the links in the emails point at it.
    with app.test_request_context(base_url=url):
        # The unconfirmed account comes first: its email is SEEDED_OUTBOX_MESSAGE.
        for account, verified in [(UNCONFIRMED, False), *((a, True) for a in LEARNERS.values())]:
            register(account, verified=verified)
        for account in STAFF.values():
            user = register(account, born=date(1985, 3, 2), role=Role.STAFF)
            two_factor.enable(user, STAFF_TOTP_SECRET)
        from app.models import OutboxMessage

        message = db.session.get(OutboxMessage, SEEDED_OUTBOX_MESSAGE)
        assert message is not None and message.recipient == UNCONFIRMED.email
        legal_documents.seed()  # Terms and Code of Conduct v1, with their PDFs
        db.session.commit()
        from app import clock
        from app.seeds.catalog import seed_catalog

        seed_catalog(clock.today())
        db.session.commit()
        from app.seeds.assignments import seed_peer_work

        seed_peer_work(clock.today(), clock.now())
        db.session.commit()
        from app.models import Submission

        SEEDED_LINKS["peer_submission"] = str(db.session.scalar(select(Submission.id).limit(1)))
        from app.seeds.promotions import seed_promotions

        seed_promotions(clock.now())
        db.session.commit()
        from app.services import catalog

        upcoming = catalog.path_by_slug("cybersecurity-analyst")
        catalog.watch(upcoming, "waiting@example.org", "en")
        watcher = db.session.scalar(select(LaunchWatch).where(LaunchWatch.path_id == upcoming.id))
        link = catalog.stop_link(watcher)
        SEEDED_LINKS["stop_launch_notices"] = link.rsplit("/", 1)[1]
        from app.domain.orders import Plan
        from app.services.checkout import orders

        SEEDED_LINKS["order"] = orders.start(Plan.SOLO, None).reference  # a draft
        db.session.commit()
        seed_subscribers(app)
        from app.seeds.forum import seed_forum
        from app.services import forum

        seed_forum()  # its categories (the demo accounts, and so their threads, are absent)
        author = accounts.find_by_email(LEARNERS["en"].email)
        SEEDED_LINKS["thread"] = str(
            forum.start_thread(
                author,
                forum.category_by_slug("help"),
                "Why does my loop stop early?",
                "It prints `1` to `9`:\n\n```python\nfor i in range(1, 10):\n    print(i)\n```",
            ).id
        )
        db.session.commit()
        from app.services import messages

        # A conversation between the two learners, for the checks of its page.
        french_learner = accounts.find_by_email(LEARNERS["fr"].email)
        SEEDED_LINKS["conversation"] = str(
            messages.start(
                author,
                forum.profile_of(french_learner).display_name,
                "Revision plan",
                "Shall we **revise** together on Friday?",
            ).id
        )
        db.session.commit()
        db.session.remove()


def seed_subscribers(app) -> None:
    from werkzeug.datastructures import MultiDict

    from app import clock
    from app.models import Course
    from app.seeds.learning import give_solo
    from app.services import certificates, quizzes
    from tests.support.learning import answers

    course = db.session.scalar(select(Course).where(Course.slug == DEMO_QUIZ_COURSE))
    exercise = next(e for e in course.exercises if e.is_open)
    for locale, account in SUBSCRIBERS.items():
        user = register(account)
        give_solo(user, clock.today(), clock.now())
        db.session.commit()
        revision = quizzes.revision(exercise)
        form = MultiDict(
            [
                (k, v)
                for k, values in answers(revision).items()
                for v in (values if isinstance(values, list) else [values])
            ]
        )
        done = quizzes.submit(
            user, exercise, revision.number, quizzes.new_token(), form, clock.now()
        )
        db.session.commit()
        SEEDED_LINKS[f"attempt_{locale}"] = str(done.attempt.id)
        (certificate,) = certificates.of_user(user)
        if locale == "en":
            SEEDED_LINKS["certificate"] = certificate.code
        else:
            staff = accounts.find_by_email(STAFF["en"].email)
            certificates.revoke(certificate, staff, "Shown in the browser suite.", clock.now())
            SEEDED_LINKS["revoked_certificate"] = certificate.code
        db.session.commit()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    database = tmp_path_factory.mktemp("browser-db") / "browser.sqlite"
    app = create_app(
        {
            "ENV_NAME": "testing",
            "SECRET_KEY": SECRET_KEY,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "UPLOAD_FOLDER": str(database.parent / "uploads"),
            "WTF_CSRF_ENABLED": True,
            "RATELIMIT_ENABLED": False,
            "OUTBOX_PUBLIC": True,
            "MAIL_BACKEND": "outbox",
        }
    )
    with app.app_context():
        upgrade()
        db.engine.dispose()

    server = make_server(
        "127.0.0.1", 0, buffered(app), threaded=True, request_handler=QuietRequestHandler
    )
    url = f"http://127.0.0.1:{server.server_port}"
    app.config["PUBLIC_URL"] = url  # links in the emails open the live server
    seed(app, url)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app, url)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()


# --- Chromium ---------------------------------------------------------------------


@pytest.fixture(scope="session", autouse=True)
def browser_requirements():
    require(sync_playwright is not None, "the playwright package is not installed")
    require(
        Path(CHROMIUM).exists(),
        f"Chromium not found at {CHROMIUM} (install chromium or set CHROMIUM_PATH)",
    )


@pytest.fixture(scope="session")
def browser(browser_requirements, live_server):
    # Depends on live_server so that Chromium (and its open connections) goes first.
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def new_context(browser, live_server):
    """Open a browser context (closed after the test). English unless `locale` says."""
    contexts = []

    def factory(locale: str = "en", **options):
        options.setdefault("locale", "fr-FR" if locale == "fr" else "en-US")
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield factory
    for context in contexts:
        context.close()


def sign_in(page, account: "Account") -> None:
    """Sign `page` in as `account` (setting a test up: the keyboard journeys sign in with
    keys themselves)."""
    page.goto("/signin")
    page.fill("#email", account.email)
    page.fill("#password", account.password)
    page.click("#signin-form button[type=submit]")
    page.wait_for_url("**/account")


@pytest.fixture
def page(new_context):
    return new_context().new_page()


@pytest.fixture(scope="session")
def learner_states(browser, live_server):
    """Signed-in storage state (the session cookie) of each seeded learner."""
    states = {}
    for key, account in LEARNERS.items():
        context = browser.new_context(base_url=live_server.url)
        context.set_default_timeout(TIMEOUT_MS)
        try:
            page = context.new_page()
            sign_in(page, account)
            states[key] = context.storage_state()
        finally:
            context.close()
    return states


@pytest.fixture(scope="session")
def subscriber_states(browser, live_server):
    """Signed-in storage state of each seeded subscriber."""
    states = {}
    for key, account in SUBSCRIBERS.items():
        context = browser.new_context(base_url=live_server.url)
        context.set_default_timeout(TIMEOUT_MS)
        try:
            page = context.new_page()
            sign_in(page, account)
            states[key] = context.storage_state()
        finally:
            context.close()
    return states


@pytest.fixture(scope="session")
def staff_states(browser, live_server):
    """Signed-in storage state of each seeded staff member (password, then TOTP code)."""
    states = {}
    for key, account in STAFF.items():
        context = browser.new_context(base_url=live_server.url)
        context.set_default_timeout(TIMEOUT_MS)
        try:
            page = context.new_page()
            page.goto("/signin")
            page.fill("#email", account.email)
            page.fill("#password", account.password)
            page.click("#signin-form button[type=submit]")
            page.wait_for_url("**/signin/code")
            page.fill("#code", pyotp.TOTP(STAFF_TOTP_SECRET).now())
            page.click("main form button[type=submit]")
            page.wait_for_url("**/account")
            states[key] = context.storage_state()
        finally:
            context.close()
    return states


@pytest.fixture(scope="session")
def make_learner(live_server):
    """Register a new confirmed learner on the live server: a buyer of their own for each
    checkout test, since a member holds one Solo at a time and an order changes the account."""
    numbers = itertools.count(1)

    def factory(locale: str = "en") -> Account:
        n = next(numbers)
        account = Account(
            f"Buyer {n}", f"buyer{n}.{locale}@example.org", "plum tartan lighthouse", locale
        )
        with live_server.app.test_request_context(base_url=live_server.url):
            register(account)
            db.session.commit()
            db.session.remove()
        return account

    return factory


def html_lang(page) -> str:
    return page.get_attribute("html", "lang")


@pytest.fixture
def open_page(new_context, request):
    """Open a PAGES entry in a language, as its visitor, after its action."""

    def opener(entry: Page, locale: str, **options):
        if entry.who == "learner":
            options["storage_state"] = request.getfixturevalue("learner_states")[locale]
        elif entry.who == "staff":
            options["storage_state"] = request.getfixturevalue("staff_states")[locale]
        elif entry.who == "subscriber":
            options["storage_state"] = request.getfixturevalue("subscriber_states")[locale]
        page = new_context(locale, **options).new_page()
        url = entry.url_in(locale)
        response = page.goto(url)
        assert page.url.endswith(url), f"{url} redirected to {page.url}"
        if entry.action in SUBMITS:
            fill_before_submit(page, entry)
            with page.expect_response(lambda r: r.request.method == "POST") as answer:
                page.click("main form button[type=submit]")
            response = answer.value
            page.wait_for_selector(".error-summary")
            page.wait_for_load_state()
        elif entry.action is not None:
            raise ValueError(f"unknown action {entry.action!r}")
        assert response is not None and response.status == entry.status, (
            f"{url}: status {response and response.status}, expected {entry.status}"
        )
        assert html_lang(page) == locale
        return page, response

    return opener


# --- front-end test tools (npm ci) --------------------------------------------------


@pytest.fixture(scope="session")
def axe_script() -> Path:
    require(AXE_SCRIPT.exists(), f"axe-core not installed ({AXE_SCRIPT}): run `npm ci`")
    return AXE_SCRIPT


@pytest.fixture(scope="session")
def vnu_command() -> list[str]:
    require(VNU_JAR.exists(), f"vnu-jar not installed ({VNU_JAR}): run `npm ci`")
    java = shutil.which("java")
    require(java is not None, "java not found: the Nu HTML Checker needs a Java runtime")
    return [java, "-jar", str(VNU_JAR)]
