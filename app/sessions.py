"""Signing the session cookie and the CSRF token, without work that changes nothing.

- Flask builds a new URLSafeTimedSerializer twice per request (to read the cookie and
  to write it). It holds nothing but the keys and the settings, so one per set of keys
  is kept and reused; rotating SECRET_KEY (or its fallbacks) makes a new one.
- itsdangerous runs zlib over every payload and keeps the result if it is shorter.
  zlib.compress costs 15 to 60 µs even on 50 bytes (setting up its state), more than
  the signing itself; a CSRF token never compresses and a session cookie barely does.
  Payloads under COMPRESS_FROM bytes are left as they are. Reading takes both forms, so
  cookies and tokens signed before still work.
- csrf_token() is Flask-WTF's generate_csrf() with such a serializer made once: the
  same raw token in the session, the same signed token (the same bytes: compression
  never won on it), checked by Flask-WTF as before."""

import hashlib
import os
import zlib
from functools import lru_cache

from flask import Flask, current_app, g, session
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer
from itsdangerous.encoding import base64_encode
from itsdangerous.serializer import Serializer

COMPRESS_FROM = 512


class SigningSerializer(URLSafeTimedSerializer):
    def dump_payload(self, obj) -> bytes:
        json = Serializer.dump_payload(self, obj)
        if len(json) >= COMPRESS_FROM:
            compressed = zlib.compress(json)
            if len(compressed) < len(json) - 1:
                return b"." + base64_encode(compressed)
        return base64_encode(json)


class SessionInterface(SecureCookieSessionInterface):
    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        if not app.secret_key:
            return None
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        cached = app.extensions.get("session_serializer")
        if cached is None or cached[0] != keys:
            serializer = SigningSerializer(
                [*keys[1], keys[0]],  # itsdangerous expects the current key last
                salt=self.salt,
                serializer=self.serializer,
                signer_kwargs={
                    "key_derivation": self.key_derivation,
                    "digest_method": self.digest_method,
                },
            )
            cached = app.extensions["session_serializer"] = (keys, serializer)
        return cached[1]


@lru_cache(maxsize=8)
def _csrf_serializer(secret_key) -> SigningSerializer:
    return SigningSerializer(secret_key, salt="wtf-csrf-token")


def new_csrf_secret() -> str:
    """The raw token kept in a new visitor's session, made as Flask-WTF makes it."""
    return hashlib.sha1(os.urandom(64)).hexdigest()  # noqa: S324 (as Flask-WTF)


def sign_csrf_secret(app: Flask, raw: str) -> str:
    """The token put in forms for the raw token `raw`, as Flask-WTF signs it."""
    secret_key = app.config.get("WTF_CSRF_SECRET_KEY", app.secret_key)
    if not secret_key:
        raise RuntimeError("A secret key is required to use CSRF.")
    return _csrf_serializer(secret_key).dumps(raw)


def csrf_token() -> str:
    """This visitor's signed CSRF token (flask_wtf.csrf.generate_csrf, made cheaper)."""
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    token = g.get(field)
    if token is None:
        if field not in session:
            session[field] = new_csrf_secret()
        token = sign_csrf_secret(current_app, session[field])
        setattr(g, field, token)
    return token
