"""Where the site's log lines go, and what they never hold.

One handler on the `atelier` logger writes JSON lines to stderr (development and
production alike: gunicorn, systemd or a container collects stderr), one object per
line with the time in UTC, the level, the logger, the message and, for security
events, their fields. Tokens in URLs (reset, verification, consent, launch-notice
links) are replaced before any access log line is written."""

import json
import logging
import re
import sys
from datetime import UTC, datetime

from flask import Flask

HANDLER_NAME = "atelier-stderr"
# Security events put their fields here (app.web.security.log_security_event).
FIELDS = "atelier_fields"
REDACTED = "[token]"


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update(getattr(record, FIELDS, None) or {})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


# Where a secret travels in a path: the link in a reset, verification, email change,
# consent or launch-notice email. tests/unit/test_logs.py checks this list against the
# URL map (every route with a <token> argument), so a new one cannot be forgotten.
TOKEN_PREFIXES = (
    "/password/reset/",
    "/verify/",
    "/account/email/confirm/",
    "/checkout/consent/",
    "/launch-notices/",
)
TOKEN_PATHS = re.compile(
    "(" + "|".join(re.escape(prefix) for prefix in TOKEN_PREFIXES) + r")(?!resend\b)[^/?#\s\"]+"
)


def redact(text: str) -> str:
    return TOKEN_PATHS.sub(lambda match: match.group(1) + REDACTED, text)


class RedactTokens(logging.Filter):
    """For Werkzeug's development server, whose request lines name the path."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


try:
    from gunicorn.glogging import Logger as _GunicornLogger
except ImportError:  # gunicorn is only on the servers that run it
    _GunicornLogger = None

if _GunicornLogger is not None:

    class GunicornLogger(_GunicornLogger):
        """gunicorn's own logger (`logger_class` in deploy/gunicorn.conf.py) with the
        tokens taken out of what the access log format can name: the request line, the
        path, the query and every header (the Referer of a page opened from a link)."""

        def atoms(self, resp, req, environ, request_time):
            atoms = super().atoms(resp, req, environ, request_time)
            return {
                key: redact(value) if isinstance(value, str) else value
                for key, value in atoms.items()
            }


def configure(app: Flask) -> None:
    """Once per process: the test suite makes many apps, production one per worker."""
    logger = logging.getLogger("atelier")
    logger.setLevel(app.config["LOG_LEVEL"])
    if not any(handler.get_name() == HANDLER_NAME for handler in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.set_name(HANDLER_NAME)
        handler.setFormatter(JsonLines())
        logger.addHandler(handler)
    werkzeug = logging.getLogger("werkzeug")
    if not any(isinstance(f, RedactTokens) for f in werkzeug.filters):
        werkzeug.addFilter(RedactTokens())
