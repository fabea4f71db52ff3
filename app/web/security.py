"""Request-level security helpers: safe redirects and the security event log."""

import logging
from urllib.parse import urlsplit

from flask import request

from app.logs import FIELDS, redact

security_log = logging.getLogger("atelier.security")


def safe_next(target: str | None) -> str | None:
    """Return `target` only if it is a path on this host ("/account"), else None.
    Refuses "//evil", "/\\evil", "https://evil", "javascript:" and control characters."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    if any(ch in target for ch in "\\\r\n\t") or any(ord(ch) < 32 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def log_security_event(event: str, *, user_id: int | None = None, **details) -> None:
    """Who, when (the record's time), from where; never secrets (no password, token or
    card number is ever passed here). The message reads as key=value for people; the
    same fields go to the JSON log line (app.logs)."""
    ip = request.remote_addr
    agent = (request.user_agent.string or "")[:200]
    security_log.info(
        "%s user=%s ip=%s ua=%r %s",
        event,
        user_id,
        ip,
        agent,
        " ".join(f"{k}={v}" for k, v in sorted(details.items())),
        extra={
            FIELDS: {
                "event": event,
                "user_id": user_id,
                "ip": ip,
                "user_agent": agent,
                "method": request.method,
                "path": redact(request.path),
                **{key: str(value) for key, value in details.items()},
            }
        },
    )
