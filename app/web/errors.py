"""Friendly error pages in the visitor's language; never a traceback."""

import logging

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from app.extensions import db
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


def render_error(code: int):
    # Whatever the request changed before it failed is not kept (app.web.transactions).
    db.session.rollback()
    mark_sessionless()  # an error page for a visitor starts no session
    title, message = PAGES.get(code, PAGES[500])
    return render_template("errors/error.html", code=code, title=title, message=message), code


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
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
