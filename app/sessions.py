"""Flask's signed-cookie session, with its signing serializer made once.

Flask builds a new URLSafeTimedSerializer twice per request (to read the cookie and to
write it). It holds nothing but the keys and the settings, so one per set of keys is
kept and reused; rotating SECRET_KEY (or its fallbacks) makes a new one."""

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer


class SessionInterface(SecureCookieSessionInterface):
    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        if not app.secret_key:
            return None
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        cached = app.extensions.get("session_serializer")
        if cached is None or cached[0] != keys:
            cached = (keys, super().get_signing_serializer(app))
            app.extensions["session_serializer"] = cached
        return cached[1]
