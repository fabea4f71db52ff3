"""Catalog pages for visitors who send no cookie, answered before Flask.

A visitor without a cookie is anonymous and has no session yet. For the same address,
headers and catalog, every such visitor gets the same page, except for the session Flask
starts for them and that session's CSRF token in the page's forms. Around a page that
is already cached (app.services.page_cache), Flask's own request handling (the request
context, Flask-Login, Babel, Talisman, the session) costs several times the page. So
the answer Flask last gave such a visitor is kept, headers included, split where the
token goes, and the next visitor gets it with a new session and a token of their own,
signed by the same serializers Flask and Flask-WTF use.

An answer is kept only when the catalog view marked it (it came from the page cache),
only if it is a 200 made of exactly that page and that token, and only if the session
it started holds the CSRF token and nothing else. It is served only while still
current: the catalog version it was rendered at is the one this process read less than
CATALOG_VERSION_TTL seconds ago (0 turns this off), and the platform's date has not
changed. Everything else goes to Flask, which renders, refreshes the version and keeps
the answer again."""

import threading
from collections import OrderedDict
from datetime import date, datetime
from time import monotonic
from typing import NamedTuple
from zoneinfo import ZoneInfo

from flask import Flask
from itsdangerous import BadSignature

from app.services.page_cache import FIRST_VISIT_ENVIRON_KEY, FirstVisitPage
from app.sessions import new_csrf_secret, sign_csrf_secret

# Request headers no catalog page depends on. They stay out of the key, so that what
# browsers vary on their own, and each client's address behind a proxy, do not split
# the cache; any other header is part of the key.
IGNORED_HEADERS = frozenset(
    {
        "HTTP_ACCEPT",
        "HTTP_ACCEPT_ENCODING",
        "HTTP_CACHE_CONTROL",
        "HTTP_CONNECTION",
        "HTTP_DNT",
        "HTTP_PRAGMA",
        "HTTP_PRIORITY",
        "HTTP_REFERER",
        "HTTP_SEC_GPC",
        "HTTP_TE",
        "HTTP_UPGRADE_INSECURE_REQUESTS",
        "HTTP_X_FORWARDED_FOR",
        "HTTP_X_REAL_IP",
    }
)
IGNORED_PREFIXES = ("HTTP_SEC_FETCH_", "HTTP_SEC_CH_")
REQUEST_PARTS = ("wsgi.url_scheme", "SERVER_NAME", "SERVER_PORT", "SCRIPT_NAME", "PATH_INFO")


class Answer(NamedTuple):
    status: str
    headers: tuple[tuple[str, str], ...]  # without Content-Length and Set-Cookie
    parts: tuple[bytes, ...]  # the page, split where the CSRF token goes
    cookie_attributes: str | None  # "; HttpOnly; Path=/; ..." when the page starts a session
    version: int
    today: date


def request_key(environ: dict) -> tuple:
    headers = sorted(
        (name, value)
        for name, value in environ.items()
        if name.startswith("HTTP_")
        and name not in IGNORED_HEADERS
        and not name.startswith(IGNORED_PREFIXES)
    )
    return (
        *(environ.get(part) for part in REQUEST_PARTS),
        environ.get("QUERY_STRING", ""),
        tuple(headers),
    )


class FirstVisitPages:
    """WSGI middleware around Flask's wsgi_app (inside ProxyFix, so the scheme and host
    are the ones the visitor used)."""

    def __init__(self, app: Flask, wsgi_app):
        self.app = app
        self.wsgi_app = wsgi_app
        self.answers: OrderedDict[tuple, Answer] = OrderedDict()
        self.lock = threading.Lock()
        app.extensions["first_visit_pages"] = self.answers

    def __call__(self, environ, start_response):
        config = self.app.config
        if (
            environ.get("REQUEST_METHOD") != "GET"
            or environ.get("HTTP_COOKIE")
            or not config["CATALOG_PAGE_CACHE"]
            or not config["CATALOG_VERSION_TTL"]
        ):
            return self.wsgi_app(environ, start_response)
        key = request_key(environ)
        with self.lock:
            answer = self.answers.get(key)
            if answer is not None:
                self.answers.move_to_end(key)
        if answer is not None and self.is_current(answer):
            return self.serve(answer, start_response)
        return self.answer_and_keep(key, environ, start_response)

    def is_current(self, answer: Answer) -> bool:
        state = self.app.extensions.get("catalog_version") or {}
        read_at = state.get("at")
        return (
            read_at is not None
            and monotonic() - read_at < self.app.config["CATALOG_VERSION_TTL"]
            and state.get("version") == answer.version
            and self.today() == answer.today
        )

    def today(self) -> date:
        return datetime.now(ZoneInfo(self.app.config["PLATFORM_TIMEZONE"])).date()

    def serve(self, answer: Answer, start_response):
        headers = list(answer.headers)
        if answer.cookie_attributes is None:
            body = answer.parts[0]
        else:
            raw = new_csrf_secret()
            field = self.app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
            interface = self.app.session_interface
            cookie = interface.get_signing_serializer(self.app).dumps({field: raw})
            name = interface.get_cookie_name(self.app)
            headers.append(("Set-Cookie", f"{name}={cookie}{answer.cookie_attributes}"))
            body = sign_csrf_secret(self.app, raw).encode().join(answer.parts)
        headers.append(("Content-Length", str(len(body))))
        start_response(answer.status, headers)
        return [body]

    def answer_and_keep(self, key: tuple, environ: dict, start_response):
        given = {}

        def capture(status, headers, exc_info=None):
            given["status"], given["headers"] = status, headers
            return start_response(status, headers, exc_info)

        iterable = self.wsgi_app(environ, capture)
        page = environ.get(FIRST_VISIT_ENVIRON_KEY)
        if page is None or "status" not in given:
            return iterable
        try:
            body = b"".join(iterable)
        finally:
            if hasattr(iterable, "close"):
                iterable.close()
        answer = self.answer_from(page, given["status"], given["headers"], body)
        if answer is not None:
            with self.lock:
                self.answers[key] = answer
                while len(self.answers) > self.app.config["CATALOG_PAGE_CACHE_SIZE"]:
                    self.answers.popitem(last=False)
        return [body]

    def answer_from(
        self, page: FirstVisitPage, status: str, headers: list, body: bytes
    ) -> Answer | None:
        if not status.startswith("200 "):
            return None
        expected = page.token.encode().join(page.parts) if page.token else page.parts[0]
        if body != expected:  # an after_request hook changed the page
            return None
        cookies = [value for name, value in headers if name.lower() == "set-cookie"]
        kept = tuple(
            (name, value)
            for name, value in headers
            if name.lower() not in {"set-cookie", "content-length"}
        )

        def answer(cookie_attributes: str | None) -> Answer:
            return Answer(status, kept, page.parts, cookie_attributes, *page.key[:2])

        if page.token is None:
            return None if cookies else answer(None)
        if len(cookies) != 1:
            return None
        pair, separator, attributes = cookies[0].partition(";")
        name, _, value = pair.partition("=")
        interface = self.app.session_interface
        lowered = attributes.lower()
        if (
            name != interface.get_cookie_name(self.app)
            or "expires=" in lowered
            or "max-age" in lowered
        ):
            return None  # only a plain new session is started here
        try:
            session = interface.get_signing_serializer(self.app).loads(value)
        except BadSignature:
            return None
        if set(session) != {self.app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")}:
            return None
        return answer(separator + attributes)
