"""Friendly error pages in the visitor's language; never a traceback."""

import logging
from urllib.parse import urlsplit

from flask import Flask, current_app, g, make_response, render_template, request
from flask.globals import request_ctx
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from app.extensions import db
from app.web.forms import SESSION_LOST, keeps_text
from app.web.http_caching import mark_sessionless

log = logging.getLogger("atelier.errors")

PAGES = {
    400: (
        _l("Something was wrong with that request"),
        _l(
            "The form may have been open for too long or sent twice. Go back, reload the page and try again."
        ),
    ),
    403: (
        _l("You do not have access to this page"),
        _l(
            "This page is for other roles on the platform. If you think you should see it, contact Student Success."
        ),
    ),
    404: (
        _l("Page not found"),
        _l(
            "If you typed the web address, check it is correct. If you followed a link, it may be out of date."
        ),
    ),
    405: (
        _l("That action is not possible here"),
        _l("Go back to the previous page and use the buttons on the page."),
    ),
    429: (
        _l("Too many attempts"),
        _l(
            "You have tried this too many times in a short while. Wait a few minutes, then try again."
        ),
    ),
    500: (
        _l("Sorry, there is a problem with the service"),
        _l("Nothing you did caused this. Try again later; your information has been kept."),
    ),
}


def _links_without_the_request_host() -> None:
    """A request whose Host could not be read (malformed, or not a trusted host) has no
    URL adapter, and the page's links could not be built: give it one bound to the
    public address. Its links are paths, so the host it names does not show."""
    context = request_ctx._get_current_object()
    if context.url_adapter is None:
        public = urlsplit(current_app.config.get("PUBLIC_URL") or "http://localhost")
        context.url_adapter = current_app.url_map.bind(
            public.netloc, script_name=public.path or "/", url_scheme=public.scheme
        )


# Flask-WTF's reasons when the form's token was fine but its session is gone or new: the
# session ended (a form left open past PERMANENT_SESSION_LIFETIME), or another tab
# signed in or out. A form without any token is refused as it is.
SESSION_ENDED = {
    "The CSRF session token is missing.",
    "The CSRF token has expired.",
    "The CSRF tokens do not match.",
}


def show_the_form_again(view):
    """The same page, with the visitor's text in it and a message by the summary, and a
    fresh token in a fresh session: nothing the form asked is done."""
    db.session.rollback()
    g.setdefault(SESSION_LOST, True)
    response = make_response(view(**(request.view_args or {})))
    response.status_code = 422
    return response


def render_error(code: int):
    # Whatever the request changed before it failed is not kept (app.web.transactions).
    db.session.rollback()
    _links_without_the_request_host()
    mark_sessionless()  # an error page for a visitor starts no session
    title, message = PAGES.get(code, PAGES[500])
    return render_template("errors/error.html", code=code, title=title, message=message), code


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        view = app.view_functions.get(request.endpoint or "")
        if (
            request.method == "POST"
            and view is not None
            and keeps_text(view)
            and error.description in SESSION_ENDED
        ):
            return show_the_form_again(view)
        return render_error(400)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        if error.code >= 500:
            log.error("HTTP %s", error.code)
        return render_error(error.code if error.code in PAGES else 500)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        log.exception("unhandled error", exc_info=error)
        return render_error(InternalServerError.code)
