"""Signing the session cookie and the CSRF token, without work that changes nothing.

- Flask builds a new URLSafeTimedSerializer twice per request (to read the cookie and
  to write it). It holds nothing but the keys and the settings, so one per set of keys
  is kept and reused; rotating SECRET_KEY (or its fallbacks) makes a new one.
- itsdangerous runs zlib over every payload and keeps the result if it is shorter.
  zlib.compress costs 15 to 60 µs even on 50 bytes (setting up its state), more than
  the signing itself; a CSRF token never compresses and a session cookie barely does.
  Payloads under COMPRESS_FROM bytes are left as they are. Reading takes both forms, so
  cookies and tokens signed before still work.
- A cookie is verified once per process: a verified cookie and what it holds are kept
  (only when every value is a plain string, number, boolean or None, so a request
  changing its session cannot change what is kept) and the same cookie is read again
  from there, its age still checked against the session lifetime. The signature of a
  given string does not change, and what ends a signed-in session (sign-out, a new
  password) is checked in the database on every request (accounts.load_session_user).
- csrf_token() is Flask-WTF's generate_csrf() with such a serializer made once: the
  same raw token in the session, the same signed token (the same bytes: compression
  never won on it), checked by Flask-WTF as before. The signed token of a session is
  reused for a minute rather than signed again on every page: it carries its signing
  time, which Flask-WTF checks only against WTF_CSRF_TIME_LIMIT (None here: the token
  lives as long as the session)."""

import hashlib
import os
import zlib
from functools import lru_cache
from time import monotonic, time

from flask import Flask, current_app, g, session
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature, URLSafeTimedSerializer
from itsdangerous.encoding import base64_encode
from itsdangerous.serializer import Serializer

COMPRESS_FROM = 512
VERIFIED_COOKIES_KEPT = 4096
SIGNED_TOKENS_KEPT = 4096
SIGNED_TOKEN_REUSE_SECONDS = 60
PLAIN_VALUES = (str, int, float, bool, type(None))


class SigningSerializer(URLSafeTimedSerializer):
    def dump_payload(self, obj) -> bytes:
        json = Serializer.dump_payload(self, obj)
        if len(json) >= COMPRESS_FROM:
            compressed = zlib.compress(json)
            if len(compressed) < len(json) - 1:
                return b"." + base64_encode(compressed)
        return base64_encode(json)


class SessionInterface(SecureCookieSessionInterface):
    def _signing(self, app: Flask) -> tuple | None:
        """(keys, serializer, cookies verified with it), made again when the keys change."""
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
            cached = app.extensions["session_serializer"] = (keys, serializer, {})
        return cached

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        signing = self._signing(app)
        return signing[1] if signing else None

    def open_session(self, app: Flask, request):
        signing = self._signing(app)
        if signing is None:
            return None
        _keys, serializer, verified = signing
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        known = verified.get(value)
        if known is not None and 0 <= int(time()) - known[1] <= max_age:
            return self.session_class(known[0])
        try:
            data, signed_at = serializer.loads(value, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        if all(type(item) in PLAIN_VALUES for item in data.values()):
            if len(verified) >= VERIFIED_COOKIES_KEPT:
                verified.clear()
            verified[value] = (data, int(signed_at.timestamp()))
        return self.session_class(data)


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


_signed_tokens: dict[tuple, tuple[str, float]] = {}


def csrf_token() -> str:
    """This visitor's signed CSRF token (flask_wtf.csrf.generate_csrf, made cheaper)."""
    app = current_app._get_current_object()
    field = app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    token = g.get(field)
    if token is None:
        if field not in session:
            session[field] = new_csrf_secret()
        raw = session[field]
        key = (app.config.get("WTF_CSRF_SECRET_KEY", app.secret_key), raw)
        known = _signed_tokens.get(key)
        if known is not None and monotonic() - known[1] < SIGNED_TOKEN_REUSE_SECONDS:
            token = known[0]
        else:
            token = sign_csrf_secret(app, raw)
            if len(_signed_tokens) >= SIGNED_TOKENS_KEPT:
                _signed_tokens.clear()
            _signed_tokens[key] = (token, monotonic())
        setattr(g, field, token)
    return token
