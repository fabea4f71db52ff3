"""One database transaction per request (the shape of Indico's `RH.process`).

Services flush; the request commits once, after the view returned, and rolls back when
an exception left it (the error handlers roll back before rendering their page). The
only other commits are the two the payment protocol needs (see
`app.services.checkout.charging`). A commit that fails is an error like any other: the
visitor gets the error page, never a success page for something that was not kept."""

from flask import Flask

from app.extensions import db


def register(app: Flask) -> None:
    @app.after_request
    def commit_the_request(response):
        db.session.commit()
        return response
