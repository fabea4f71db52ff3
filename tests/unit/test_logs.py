"""Security events reach stderr as JSON lines, and tokens never reach an access log."""

import io
import json
import logging
from datetime import timedelta

import pytest

from app import create_app, logs
from app.config import Config


def test_every_route_with_a_token_in_its_path_is_redacted():
    app = create_app(
        {"ENV_NAME": "testing", "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    )
    token_rules = [rule.rule for rule in app.url_map.iter_rules() if "token" in rule.arguments]
    assert token_rules
    for rule in token_rules:
        path = rule.replace("<token>", "eyJ1aWQiOjF9.aBcD-secret_Token")
        assert "secret" not in logs.redact(path), rule
        assert logs.REDACTED in logs.redact(path)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("GET /password/reset/abc.def-ghi HTTP/1.1", "GET /password/reset/[token] HTTP/1.1"),
        ("/checkout/consent/abc?x=1", "/checkout/consent/[token]?x=1"),
        ("https://atelier.example/verify/abc", "https://atelier.example/verify/[token]"),
        ("POST /verify/resend HTTP/1.1", "POST /verify/resend HTTP/1.1"),
        ("GET /courses?page=2 HTTP/1.1", "GET /courses?page=2 HTTP/1.1"),
    ],
)
def test_redact(line, expected):
    assert logs.redact(line) == expected


def test_werkzeug_request_lines_are_redacted():
    record = logging.LogRecord(
        "werkzeug", logging.INFO, __file__, 1, '%s - - "%s" %s %s', None, None
    )
    record.args = ("127.0.0.1", "GET /password/reset/s3cr3t.token HTTP/1.1", "200", "-")
    logs.RedactTokens().filter(record)
    assert "s3cr3t" not in record.getMessage()


def test_gunicorn_access_lines_are_redacted():
    from gunicorn.config import Config as GunicornConfig

    logger = logs.GunicornLogger(GunicornConfig())

    class Response:
        status = "200 OK"
        sent = 10
        headers = ()

    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/account/email/confirm/s3cr3t",
        "PATH_INFO": "/account/email/confirm/s3cr3t",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": "https://atelier.example/password/reset/s3cr3t",
        "REMOTE_ADDR": "203.0.113.7",
    }
    headers = [("REFERER", "https://atelier.example/password/reset/s3cr3t")]
    atoms = logger.atoms(Response(), headers, environ, timedelta(milliseconds=3))
    assert "s3cr3t" not in json.dumps(atoms, default=str)
    assert atoms["r"] == "GET /account/email/confirm/[token] HTTP/1.1"


def test_one_stderr_handler_writing_json_lines_however_many_apps():
    for _ in range(3):
        create_app(
            {"ENV_NAME": "testing", "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"}
        )
    handlers = [
        h for h in logging.getLogger("atelier").handlers if h.get_name() == logs.HANDLER_NAME
    ]
    assert len(handlers) == 1
    assert Config.LOG_LEVEL == "INFO"
    stream = io.StringIO()
    previous = handlers[0].setStream(stream)
    try:
        logging.getLogger("atelier.security").info(
            "demo", extra={logs.FIELDS: {"event": "demo", "ip": "203.0.113.7"}}
        )
    finally:
        handlers[0].setStream(previous)
    line = json.loads(stream.getvalue())
    assert line["event"] == "demo" and line["ip"] == "203.0.113.7"
    assert line["level"] == "INFO" and line["logger"] == "atelier.security"
    assert line["time"].endswith("+00:00")
