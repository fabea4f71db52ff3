"""The application as tests/deploy/test_nginx.py serves it with gunicorn: production
settings, as `wsgi:app` builds them from the environment, with what this machine lacks
put aside (no Redis for the rate limits, no SMTP server, the sandbox gateways) and a
short max-age, so that a page expires within the test."""

import os

from app import create_app

app = create_app(
    {
        "ENV_NAME": "production",
        "SECRET_KEY": os.environ["DEPLOY_TEST_SECRET_KEY"],
        "SQLALCHEMY_DATABASE_URI": os.environ["DEPLOY_TEST_DATABASE_URL"],
        "PUBLIC_URL": "https://atelier.test",
        "PROXY_COUNT": 1,
        "PUBLIC_PAGE_MAX_AGE": int(os.environ["DEPLOY_TEST_MAX_AGE"]),
        # Production refuses in-memory limits; no request here reaches the store.
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1",
        "RATELIMIT_ENABLED": False,
        "MAIL_BACKEND": "smtp",
        "MAIL_DELIVER_AFTER_REQUEST": False,
        "ALLOW_SANDBOX_PAYMENTS": True,
        "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
    }
)
