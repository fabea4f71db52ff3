"""Rendered catalog pages kept in memory, per process.

Catalog pages are the same for every visitor who shares a language, a country (for the
indicative price), a kind of visit (anonymous or member) and a browser notice; only the
CSRF token differs. So the page is rendered once with a placeholder where the token goes
and served again with each visitor's own token put in. The key holds the catalog version
(a counter raised in the transaction of every catalog change) and the platform's date
(scheduled prices start at midnight), so a stale page is never served."""

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import date
from typing import NamedTuple

from flask import Response, current_app, g, request, session
from flask_babel import get_locale
from flask_login import current_user
from werkzeug.datastructures import HeaderSet

from app.sessions import csrf_token

# Unguessable, different in every process: only ever replaced by the visitor's own token.
PLACEHOLDER = "csrf-placeholder-" + secrets.token_hex(16)
MAX_CACHED_URL = 300

_lock = threading.Lock()


class CacheKey(NamedTuple):
    """What a catalog page depends on besides the request: the catalog version, the
    platform's date, the visitor's country (indicative prices; None on pages without)
    and the answers to the access questions the page asks (app.access.cache_key_part)."""

    version: int
    today: date
    country: str | None = None
    access: tuple[str, ...] = ()


class FirstVisitPage(NamedTuple):
    """Left in the WSGI environ for app.first_visit_pages: a cached page just answered to
    a visitor who sent no cookie, split where the CSRF token goes, the key it was
    rendered for and the token it was answered with."""

    parts: tuple[bytes, ...]
    key: CacheKey
    token: str | None


FIRST_VISIT_ENVIRON_KEY = "atelier.first_visit_page"


def _pages() -> OrderedDict:
    """One cache per application (tests create many, on different databases)."""
    return current_app.extensions.setdefault("catalog_page_cache", OrderedDict())


def template_csrf_token() -> str:
    """`csrf_token()` in templates: the placeholder while a page is rendered for the cache."""
    if g.get("rendering_for_cache"):
        return PLACEHOLDER
    return csrf_token()


def clear() -> None:
    with _lock:
        _pages().clear()
    pages = current_app.extensions.get("first_visit_pages")
    if pages is not None:
        pages.clear()


def _personalise(body: str) -> str:
    return body.replace(PLACEHOLDER, csrf_token()) if PLACEHOLDER in body else body


def cached_page(key_parts: CacheKey, render: Callable[[], Response]) -> Response:
    """Serve from the cache or render (and keep) the page. Only successful GETs without
    flashed messages are kept."""
    config = current_app.config
    if (
        not config["CATALOG_PAGE_CACHE"]
        or request.method != "GET"
        or session.get("_flashes")
        or len(request.full_path) > MAX_CACHED_URL
    ):
        return render()
    from app.web.rendering import wants_fragment
    from app.web.templating import outdated_browser

    user = current_user._get_current_object()
    key = (
        *key_parts,
        request.full_path,
        wants_fragment(),
        str(get_locale()),
        user.is_authenticated,
        user.is_authenticated and user.is_verified,
        outdated_browser(),
    )
    pages = _pages()
    with _lock:
        entry = pages.get(key)
        if entry is not None:
            pages.move_to_end(key)
    if entry is None:
        g.rendering_for_cache = True
        try:
            response = render()
        finally:
            g.rendering_for_cache = False
        if response.status_code != 200:
            response.set_data(_personalise(response.get_data(as_text=True)))
            return response
        vary = HeaderSet(response.vary)
        vary.update(("Accept-Language", "Cookie"))
        entry = (
            tuple(part.encode() for part in response.get_data(as_text=True).split(PLACEHOLDER)),
            response.mimetype,
            vary.to_header(),
        )
        with _lock:
            pages[key] = entry
            while len(pages) > config["CATALOG_PAGE_CACHE_SIZE"]:
                pages.popitem(last=False)
    parts, mimetype, vary = entry
    # The page split where the placeholder was, joined again with this visitor's token.
    token = csrf_token() if len(parts) > 1 else None
    body = token.encode().join(parts) if token else parts[0]
    response = current_app.response_class(body, mimetype=mimetype)
    response.headers["Vary"] = vary
    if not user.is_authenticated and not request.environ.get("HTTP_COOKIE"):
        request.environ[FIRST_VISIT_ENVIRON_KEY] = FirstVisitPage(parts, key_parts, token)
    return response
