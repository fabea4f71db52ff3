"""One database transaction per request (the shape of Indico's `RH.process`).

Services flush; the request commits once, after the view returned, and rolls back when
an exception left it (the error handlers roll back before rendering their page). The
only other commits are the two the payment protocol needs (see
`app.services.checkout.charging`). A commit that fails is an error like any other: the
visitor gets the error page, never a success page for something that was not kept.

What must wait until the request's work is kept (delivering its email) registers with
`after_commit`: those hooks run once the commit has succeeded, with the response."""

from collections.abc import Callable

from flask import Flask, Response

from app.extensions import db

_HOOKS = "atelier.after_commit"


def after_commit(app: Flask, hook: Callable[[Response], None]) -> None:
    app.extensions.setdefault(_HOOKS, []).append(hook)


def register(app: Flask) -> None:
    @app.after_request
    def commit_the_request(response):
        db.session.commit()
        for hook in app.extensions.get(_HOOKS, ()):
            hook(response)
        return response
