"""Application factory."""

import os
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app import logs
from app.config import CONFIGS, config_from_environment, ensure_secret_key
from app.extensions import babel, cache, csrf, db, limiter, login_manager, migrate, talisman
from app.web import request

BLUEPRINTS = (
    "home",
    "auth",
    "account",
    "legal",
    "catalog",
    "learning",
    "checkout",
    "forum",
    "messages",
    "notifications",
    "staff",
    "billing",
    "webhooks",
    "dev",
)


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    request.install(app)
    env_name = (test_config or {}).get("ENV_NAME") or os.environ.get("ATELIER_ENV", "development")
    app.config.from_object(CONFIGS[env_name])
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(config_from_environment())
    if test_config:
        app.config.update(test_config)
    configure_defaults(app)
    check_production_settings(app)

    if app.config["PROXY_COUNT"]:
        # Trust exactly as many proxies as there are, so X-Forwarded-For cannot be spoofed.
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)

    register_extensions(app)
    register_blueprints(app)
    logs.configure(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_request_hooks(app)
    register_commands(app)
    return app


def configure_defaults(app: Flask) -> None:
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        if app.config["ENV_NAME"] == "production":
            raise RuntimeError("SECRET_KEY must be set in production")
        app.config["SECRET_KEY"] = ensure_secret_key(app.instance_path)
    if not app.config.get("UPLOAD_FOLDER"):
        app.config["UPLOAD_FOLDER"] = str(Path(app.instance_path) / "uploads")
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = (
            f"sqlite:///{Path(app.instance_path) / 'atelier.sqlite'}"
        )
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # A file opened in this process: no server to drop the connection, so no
        # "SELECT 1" before every checkout.
        options = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
        options.pop("pool_pre_ping", None)
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def check_production_settings(app: Flask) -> None:
    if app.config["ENV_NAME"] != "production":
        return
    public = urlsplit(app.config.get("PUBLIC_URL") or "")
    if public.scheme != "https" or not public.hostname:
        raise RuntimeError("PUBLIC_URL must be set to the site's https:// address in production")
    if app.config.get("TRUSTED_HOSTS") is None:
        app.config["TRUSTED_HOSTS"] = [public.hostname]
    storage = app.config.get("RATELIMIT_STORAGE_URI") or ""
    if not storage or storage.startswith("memory://"):
        raise RuntimeError(
            "RATELIMIT_STORAGE_URI must point to a shared store (redis://...) in production"
        )
    if app.config["MAIL_BACKEND"] == "outbox":
        raise RuntimeError("MAIL_BACKEND=outbox is for development; set MAIL_BACKEND=smtp")
    check_payment_settings(app.config)


# What each real gateway cannot work without.
GATEWAY_SETTINGS = {
    "paypal": ("PAYPAL_CLIENT_ID", "PAYPAL_CLIENT_SECRET", "PAYPAL_WEBHOOK_ID"),
    "adyen": ("ADYEN_API_KEY", "ADYEN_MERCHANT_ACCOUNT", "ADYEN_CLIENT_KEY", "ADYEN_HMAC_KEY"),
}


def check_payment_settings(config) -> None:
    """In production the sandbox would take test cards as payment: it needs an explicit
    ALLOW_SANDBOX_PAYMENTS (a staging site); a real gateway needs its credentials."""
    for setting in ("CARD_GATEWAY", "PAYPAL_GATEWAY"):
        name = config[setting]
        if name == "sandbox" and not config.get("ALLOW_SANDBOX_PAYMENTS"):
            raise RuntimeError(
                f"{setting}=sandbox takes test cards as payment; choose a real gateway in "
                "production, or set ALLOW_SANDBOX_PAYMENTS=True for a staging site"
            )
        missing = [key for key in GATEWAY_SETTINGS.get(name, ()) if not config.get(key)]
        if missing:
            raise RuntimeError(f"{setting}={name} needs {', '.join(missing)}")


def register_extensions(app: Flask) -> None:
    from app.services.accounts import load_session_user
    from app.web import i18n

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"))
    csrf.init_app(app)
    babel.init_app(
        app, locale_selector=i18n.select_babel_locale, timezone_selector=i18n.select_timezone
    )
    limiter.init_app(app)
    cache.init_app(app)

    login_manager.init_app(app)
    login_manager.user_loader(load_session_user)
    login_manager.login_view = "auth.signin"
    login_manager.login_message = None
    login_manager.needs_refresh_message = None
    # Nothing here asks for a "fresh" sign-in, which is all Flask-Login's "basic"
    # protection affects; it would also write `_fresh` into a visitor's session (one
    # that only carried a flashed message), so that the session never ended and every
    # later public page was private. Sign-out and password changes end sessions through
    # the session version instead (accounts.load_session_user).
    login_manager.session_protection = None

    production = app.config["ENV_NAME"] == "production"
    # The one file the page loads from the CDN, not the whole CDN (any package there).
    cdn_script = app.config["HTMX_CDN_URL"] if app.config["HTMX_USE_CDN"] else None
    talisman.init_app(
        app,
        force_https=production,
        strict_transport_security=True,  # sent on HTTPS responses only
        strict_transport_security_max_age=31536000,
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_http_only=True,
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
        content_security_policy=content_security_policy(app.config, cdn_script),
    )


def content_security_policy(config, cdn_script: str | None) -> dict:
    from app.payments.adyen import adyen_csp

    policy = {
        "default-src": ["'self'"],
        "script-src": ["'self'", cdn_script] if cdn_script else ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    for directive, sources in adyen_csp(config).items():
        policy.setdefault(directive, ["'self'"]).extend(sources)
    # Confirm answers a POST with a redirect to the gateway's page, which browsers check
    # against form-action.
    if config["PAYPAL_GATEWAY"] == "paypal":
        policy["form-action"] += ["https://www.paypal.com", "https://www.sandbox.paypal.com"]
    if config["CARD_GATEWAY"] == "adyen":
        environment = config.get("ADYEN_ENVIRONMENT") or "test"
        policy["form-action"].append(f"https://checkoutshopper-{environment}.adyen.com")
    return {directive: " ".join(sources) for directive, sources in policy.items()}


def register_blueprints(app: Flask) -> None:
    from importlib import import_module

    for name in BLUEPRINTS:
        module = import_module(f"app.blueprints.{name}")
        app.register_blueprint(module.bp)


def register_errorhandlers(app: Flask) -> None:
    from app.web.errors import register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from app import access
    from app.web.templating import register

    register(app)
    access.register(app)


def register_request_hooks(app: Flask) -> None:
    from app.web import hooks, http_caching, mail_flush, transactions

    transactions.register(app)
    mail_flush.register(app)
    hooks.register(app)
    http_caching.register(app)


def register_commands(app: Flask) -> None:
    from app.commands import register

    register(app)
