"""HTTP caching: the public pages (catalog, legal, help) are the same for every visitor,
so browsers, nginx or a CDN may keep them; everything else is `private, no-store`.

A view marked `@public_page(...)` names what its page depends on besides the build, the
address, the language and page-or-fragment. For a visitor with no session, its ETag is
worked out from those values before anything is rendered: a matching `If-None-Match`
gets a 304 without rendering; otherwise the page is rendered and sent with
`Cache-Control: public, max-age=PUBLIC_PAGE_MAX_AGE` and the ETag. Such a page carries
no CSRF token and starts no session (`sessionless_page()`), so a shared cache can hand
it to anyone.

As soon as the request belongs to someone (a signed-in member, a session or remember
cookie, a session the request started: flashed messages, a CSRF token), the answer is
`private, no-store` without an ETag, whatever the view. Static files keep Flask's own
validators."""

import hashlib
import json
import re
from collections.abc import Callable
from datetime import date, timedelta
from functools import wraps
from pathlib import Path

from flask import Flask, Response, current_app, g, make_response, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_login.config import COOKIE_NAME as REMEMBER_COOKIE_NAME

from app.web.rendering import wants_fragment

# What the answer to a public URL depends on, apart from the URL: the language
# (Accept-Language, or the `locale` cookie) and page or fragment (the htmx headers that
# decide it, app.web.rendering.wants_fragment).
PUBLIC_VARY = (
    "Accept-Language",
    "Cookie",
    "HX-Request",
    "HX-Boosted",
    "HX-History-Restore-Request",
)
PRIVATE = "private, no-store"

# Settings left out of the build id: secrets, where the data lives and where it is
# cached say nothing about a page.
_NOT_IN_BUILD = re.compile(r"SECRET|PASSWORD|KEY|TOKEN|HMAC|DATABASE|URI|CLIENT_ID|MAIL_|CACHE_")


def public_page(*depends_on: Callable[[], object], max_age: int | None = None):
    """Mark a view whose page is the same for every visitor. `depends_on` are called
    before rendering, in the request, and their values go into the ETag (the catalog
    version, today's date, the visitor's country...). `max_age` overrides
    PUBLIC_PAGE_MAX_AGE (a published PDF never changes)."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            mark_sessionless()
            if request.method not in ("GET", "HEAD") or _request_has_session():
                return view(*args, **kwargs)  # made private by cache_headers below
            etag = page_etag(depends_on)
            if request.if_none_match.contains_weak(etag):
                response = current_app.response_class(status=304)
            else:
                response = make_response(view(*args, **kwargs))
            if response.status_code in (200, 304):
                response.set_etag(etag, weak=True)
                g.public_max_age = (
                    current_app.config["PUBLIC_PAGE_MAX_AGE"] if max_age is None else max_age
                )
            return response

        return wrapper

    return decorator


def page_etag(depends_on) -> str:
    """Weak: two answers with this tag show the same thing, not necessarily the same bytes."""
    parts = [
        build_id(),
        request.full_path,
        "fragment" if wants_fragment() else "page",
        str(get_locale() or ""),
        *(repr(part()) for part in depends_on),
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def sessionless_page() -> bool:
    """True while rendering a page that must not start a session nor add a CSRF token to
    one (a public page, an error page) for a visitor: templates then leave the token out.
    A member's page, or a session that already holds a token, keeps it."""
    if not g.get("sessionless_page") or current_user.is_authenticated:
        return False
    return current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token") not in session


def mark_sessionless() -> None:
    """For pages that are not public but need no token either (error pages)."""
    g.sessionless_page = True


def _request_has_session() -> bool:
    cookies = request.cookies
    app = current_app
    return (
        app.session_interface.get_cookie_name(app) in cookies
        or app.config.get("REMEMBER_COOKIE_NAME", REMEMBER_COOKIE_NAME) in cookies
        or bool(session)
        or session.modified
    )


def belongs_to_someone() -> bool:
    """Whether this answer is personal: a member, or a session brought or started."""
    return _request_has_session() or current_user.is_authenticated


# --- the build id -----------------------------------------------------------------------


def build_id() -> str:
    app = current_app
    if app.debug:  # templates reload on change in debug mode: so does the id
        return compute_build_id(app)
    return app.extensions["build_id"]


def compute_build_id(app: Flask) -> str:
    """A hash of everything a page is made from besides the data: the code, templates,
    translations, static files and content of the application package, and its settings
    (secrets left out). The same in every worker started from the same release."""
    digest = hashlib.sha256()
    root = Path(app.root_path)
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            digest.update(str(path.relative_to(root)).encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    settings = {}
    for name, value in app.config.items():
        if not _NOT_IN_BUILD.search(name):
            plain = _plain(value)
            if plain is not _NOT_PLAIN:
                settings[name] = plain
    digest.update(json.dumps(settings, sort_keys=True).encode())
    return digest.hexdigest()[:16]


_NOT_PLAIN = object()


def _plain(value):
    """A setting as JSON that reads the same in every process (sets sorted, dates and
    durations as text), or _NOT_PLAIN for an object (a class, a function...)."""
    if isinstance(value, str | int | float | bool | type(None)):
        return value
    if isinstance(value, date | timedelta):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        items = [_plain(item) for item in value]
        if any(item is _NOT_PLAIN for item in items):
            return _NOT_PLAIN
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    if isinstance(value, dict) and all(isinstance(key, str) for key in value):
        items = {key: _plain(item) for key, item in value.items()}
        return _NOT_PLAIN if _NOT_PLAIN in items.values() else items
    return _NOT_PLAIN


# --- every answer -----------------------------------------------------------------------


def register(app: Flask) -> None:
    app.extensions["build_id"] = compute_build_id(app)

    @app.after_request
    def cache_headers(response: Response) -> Response:
        if request.endpoint == "static":
            return response  # Flask's own validators; no session involved
        max_age = g.get("public_max_age")
        if max_age is not None and not belongs_to_someone():
            response.headers["Cache-Control"] = f"public, max-age={max_age}"
            response.vary.update(PUBLIC_VARY)
        else:
            # Invoices, messages, account pages, checkout steps, forms, flashed messages.
            response.headers["Cache-Control"] = PRIVATE
            response.headers.pop("ETag", None)
        return response
