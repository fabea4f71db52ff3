"""The email a request queued goes out right after its response (as Indico flushes its
email queue once `RH.process` has committed), so the visitor never waits for the mail
server and a server that is down never turns a kept change into an error page.

After the commit, the request hands the ids of the messages it queued (and that the
commit kept) to Werkzeug's `response.call_on_close`: the WSGI server calls it once the
response has been sent. The delivery then runs in an application context of its own, as
one more deliverer of the outbox, through the same claims as `flask mail deliver`;
whatever goes wrong there is logged and the messages stay queued for the command.

Flask's test client runs those callbacks only when the response is closed: with
`buffered=True` (tests/conftest.py's client always buffers, as a server always closes),
for the intermediate responses of `follow_redirects=True`, or on `response.close()`."""

import logging
from functools import partial

from flask import Flask, Response, current_app

from app.services import mail, mail_delivery
from app.web.transactions import after_commit

log = logging.getLogger("atelier.mail")


def register(app: Flask) -> None:
    after_commit(app, deliver_after_response)


def deliver_after_response(response: Response) -> None:
    try:
        queued = mail.take_committed()  # taken even when off, so the list never grows
        if queued and current_app.config["MAIL_DELIVER_AFTER_REQUEST"]:
            response.call_on_close(partial(_deliver, current_app._get_current_object(), queued))
    except Exception:  # the request's work is committed: its answer must stand
        log.exception("mail not handed to the after-response delivery; it stays queued")


def _deliver(app: Flask, queued: list[int]) -> None:
    try:
        with app.app_context():
            mail_delivery.deliver(only=queued)
    except Exception:
        log.exception("after-response mail delivery failed; the messages stay queued")
