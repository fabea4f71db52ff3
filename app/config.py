"""Settings with safe defaults. Secrets come only from instance/ or the environment."""

import os
import secrets
from datetime import timedelta
from pathlib import Path


class Config:
    PLATFORM_NAME = "Atelier"
    # JSON lines on stderr (app/logs.py); security events are INFO.
    LOG_LEVEL = "INFO"
    # development | production | testing
    ENV_NAME = "development"

    SQLALCHEMY_DATABASE_URI: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    LANGUAGES = ("en", "fr")
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    DEFAULT_USER_TIMEZONE = "Europe/Paris"
    BABEL_TRANSLATION_DIRECTORIES = "translations"

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    # Flask-Login's defaults are a year, not Secure and no SameSite: set every one.
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    REMEMBER_COOKIE_REFRESH_EACH_REQUEST = False

    # The CSRF token lives as long as the session, so a form left open for hours
    # still submits; a new session (after sign-out) gets a new token.
    WTF_CSRF_TIME_LIMIT = None

    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_SIGNIN = "10 per minute;50 per hour"
    RATELIMIT_SIGNIN_ACCOUNT = "5 per minute;30 per hour"
    RATELIMIT_REGISTER = "5 per minute;30 per hour"
    RATELIMIT_RESET = "5 per minute;20 per hour"
    # Wrong current passwords on the account pages (change password or email, turn 2FA off).
    RATELIMIT_PASSWORD_RECHECK = "5 per minute;30 per hour"  # noqa: S105 (a rate)
    PROXY_COUNT = 0

    # Every email is queued in the outbox table in the transaction that causes it, then
    # delivered by a backend. outbox: nothing leaves the machine (read them at
    # /dev/outbox); smtp: the mail server below.
    MAIL_BACKEND = "outbox"
    # Deliver what a request queued once its response has been sent. Off, the mail waits
    # for `flask mail deliver` (run it every minute on a timer: it also retries).
    MAIL_DELIVER_AFTER_REQUEST = True
    # Messages a deliverer claims at a time, and how long it keeps them: the lease must
    # outlast sending a whole batch to a slow server (MAIL_TIMEOUT per exchange), or
    # another deliverer could take a message still being sent.
    MAIL_DELIVERY_BATCH = 20
    MAIL_CLAIM_LEASE = timedelta(minutes=10)
    MAIL_SENDER = "Atelier <no-reply@atelier.example>"
    MAIL_SERVER = "localhost"
    MAIL_PORT = 25
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_USE_TLS = False
    MAIL_TIMEOUT = 10
    OUTBOX_PUBLIC = False

    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 (a method name, not a password)

    VERIFY_TOKEN_MAX_AGE = timedelta(days=2)
    # The "stop these emails" link of a launch notice: a launch can be two years away.
    LAUNCH_WATCH_STOP_MAX_AGE = timedelta(days=800)
    RESET_TOKEN_MAX_AGE = timedelta(hours=1)

    HTMX_VERSION = "2.0.11"
    HTMX_CDN_URL = "https://cdn.jsdelivr.net/npm/htmx.org@2.0.11/dist/htmx.min.js"
    HTMX_USE_CDN = True
    # sha384 of app/static/vendor/htmx-2.0.11.min.js (a test checks they match).
    HTMX_INTEGRITY = "sha384-2OatzQy1H+Zd/IIrjr1TcuDGqLXeHhbooAyJY1KdQMKnr4LZ22k31GBLdYKHmVjg"

    SUPPORT_EMAIL = "success@atelier.example"
    # The site's public address: every absolute link (emails, PDFs, gateway returns) is
    # built on it, never on the request's Host (app/links.py). Required in production.
    PUBLIC_URL: str | None = "http://127.0.0.1:5000"
    # Host names the site answers to (Flask refuses others with a 400). None: any; in
    # production, the host of PUBLIC_URL unless set.
    TRUSTED_HOSTS: list[str] | None = None

    # Legal Information page (fictional example values: set the real ones in instance/config.py).
    LEGAL_COMPANY_NAME = "Atelier Learning SAS"
    LEGAL_FORM = "Société par actions simplifiée (SAS)"
    LEGAL_SHARE_CAPITAL = "10 000 €"
    LEGAL_ADDRESS = "12 rue de l'Exemple, 75011 Paris, France"
    LEGAL_PHONE = "+33 1 00 00 00 00"
    LEGAL_EMAIL = "legal@atelier.example"
    LEGAL_REGISTRATION = "RCS Paris 000 000 000"
    LEGAL_SIREN = "000 000 000"
    LEGAL_VAT_NUMBER = "FR00 000000000"
    LEGAL_PUBLICATION_DIRECTOR = "Claire Exemple"
    LEGAL_HOST_NAME = "Example Hosting SAS"
    LEGAL_HOST_ADDRESS = "1 avenue de l'Hébergement, 59100 Roubaix, France"
    LEGAL_HOST_PHONE = "+33 9 00 00 00 00"
    # The consumer mediator (Terms article 10).
    MEDIATOR_NAME = "Médiation Conso Exemple"
    MEDIATOR_ADDRESS = "5 place de la Médiation, 75008 Paris, France"
    MEDIATOR_WEBSITE = "https://mediation.example"
    RATELIMIT_CONTACT = "5 per minute;20 per hour"
    # Private messages: new conversations a member may start in an hour (a rule of the
    # domain, counted in the database, so it holds across workers and restarts).
    MESSAGES_NEW_PER_HOUR = 10
    # How often an open page asks for the header's unread count.
    MESSAGES_POLL_SECONDS = 30
    # How often an open thread's last page asks for new replies.
    FORUM_POLL_SECONDS = 20
    # How often an open conversation asks for new messages.
    CONVERSATION_POLL_SECONDS = 20

    # Prices take effect at midnight in the platform's time zone.
    PLATFORM_TIMEZONE = "Europe/Paris"
    # How long a browser or a shared cache (nginx, a CDN) may keep a public page before
    # asking again; the answer is then a 304 while nothing the page shows has changed.
    PUBLIC_PAGE_MAX_AGE = 60
    # Catalog query results as plain data, under the catalog version (app/services/
    # data_cache.py): SimpleCache keeps them in each process; CACHE_TYPE=RedisCache with
    # CACHE_REDIS_URL shares them. Keys name the version, so the timeout only bounds
    # memory, never staleness.
    CACHE_TYPE = "SimpleCache"
    CACHE_DEFAULT_TIMEOUT = 3600
    CACHE_THRESHOLD = 2000
    RATELIMIT_LAUNCH_WATCH = "5 per minute;20 per hour"

    # Invoices (Terms §3.3): prices include VAT at this rate (basis points: 2000 = 20 %,
    # France's standard rate for online courses). The seller printed on each invoice is
    # the LEGAL_* identity above, copied onto the invoice when it is issued.
    VAT_RATE_BASIS_POINTS = 2000

    # Checkout. "sandbox" (offline, the default) or "adyen" for cards; "sandbox" or
    # "paypal" for PayPal. Credentials come from instance/config.py or the environment.
    CARD_GATEWAY = "sandbox"
    PAYPAL_GATEWAY = "sandbox"
    GATEWAY_TIMEOUT_SECONDS = 20
    PAYPAL_MODE = "sandbox"  # or "live"
    PAYPAL_CLIENT_ID: str | None = None
    PAYPAL_CLIENT_SECRET: str | None = None
    PAYPAL_WEBHOOK_ID: str | None = None
    # Webhook transmissions older than this are refused as replays.
    PAYPAL_WEBHOOK_MAX_AGE = timedelta(minutes=10)
    # Clock difference tolerated for a transmission time ahead of ours.
    PAYPAL_WEBHOOK_MAX_FUTURE = timedelta(minutes=5)
    # The only hosts a webhook's certificate is fetched from (checked before any fetch).
    PAYPAL_WEBHOOK_CERT_HOSTS = (
        "api.paypal.com",
        "api-m.paypal.com",
        "api.sandbox.paypal.com",
        "api-m.sandbox.paypal.com",
    )
    # The signing certificate must name one of these domains or a host under them.
    PAYPAL_WEBHOOK_CERT_DOMAINS = ("paypal.com",)
    # PEM file of the roots the signing certificate must chain to; None: certifi's bundle.
    PAYPAL_WEBHOOK_CA_BUNDLE: str | None = None
    # A renewal PayPal has not settled (no answer, a pending sale) waits this long for its
    # notification before the billing job looks the sale up.
    PAYPAL_LOOKUP_AFTER = timedelta(hours=1)
    ADYEN_ENVIRONMENT = "test"  # or "live"
    ADYEN_API_KEY: str | None = None
    ADYEN_MERCHANT_ACCOUNT: str | None = None
    ADYEN_CLIENT_KEY: str | None = None
    ADYEN_HMAC_KEY: str | None = None
    ADYEN_LIVE_URL_PREFIX: str | None = None
    # Adyen Web (the browser side that encrypts card data), pinned with Subresource
    # Integrity: the hashes are those of Adyen's files for this version (the same file is
    # served from the test and live hosts). Change the three together. "{environment}" is
    # ADYEN_ENVIRONMENT.
    ADYEN_WEB_VERSION = "6.6.0"
    ADYEN_WEB_SCRIPT_URL = (
        "https://checkoutshopper-{environment}.cdn.adyen.com/checkoutshopper/sdk/6.6.0/adyen.js"
    )
    ADYEN_WEB_SCRIPT_INTEGRITY: str | None = (
        "sha384-Oa2agnE48SFtDpzmEK8mbhbmEA1X4WH6afLBbypUhFU8oDhJWAIGvLQTBrqgls4A"
    )
    ADYEN_WEB_STYLESHEET_URL = (
        "https://checkoutshopper-{environment}.cdn.adyen.com/checkoutshopper/sdk/6.6.0/adyen.css"
    )
    ADYEN_WEB_STYLESHEET_INTEGRITY: str | None = (
        "sha384-UAD/QSv1wQyfA60svLYxJ0OJAPl9TpkksO+HEOUX8YJcD+MYzNmn+q4XL7YBeHcr"
    )
    # How long the legal representative's link works (Terms §1 consent).
    CONSENT_TOKEN_MAX_AGE = timedelta(days=7)
    # A newcomer's discount with a member's referral code, and the member's credit.
    REFERRAL_PERCENT_OFF = 20
    REFERRAL_MONTHS = 1
    REFERRAL_CREDIT_CENTS = 1000
    # Plus terminated within 3 months (§6.2): the compensation, in basis points of the
    # contract price; never more than 3000 (30 %), whatever is set here.
    TERMINATION_FEE_BASIS_POINTS = 3000
    RATELIMIT_CHECKOUT = "30 per minute;300 per hour"
    RATELIMIT_CODE_CHECK = "20 per minute;100 per hour"
    # Files attached to assignment work (app.domain.uploads): the largest taken, and the
    # folder they are kept in (None: instance/uploads). nginx's limit for the submission
    # address (deploy/nginx.conf) must stay above this one.
    ASSIGNMENT_MAX_FILE_BYTES = 5_000_000
    UPLOAD_FOLDER: str | None = None


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    OUTBOX_PUBLIC = True


class TestingConfig(Config):
    ENV_NAME = "testing"
    PUBLIC_URL = "http://atelier.test"
    TESTING = True
    OUTBOX_PUBLIC = True
    HTMX_USE_CDN = False
    RATELIMIT_ENABLED = True


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    PUBLIC_URL = None  # must be set: https://your.domain
    RATELIMIT_STORAGE_URI = None  # must be set to a shared store such as redis://
    # Trusted X-Forwarded-For hops: set PROXY_COUNT to the number of proxies in front
    # (1 behind deploy/nginx.conf). 0 unless set, so gunicorn exposed directly cannot be
    # fooled by a forged header.
    PROXY_COUNT = 0


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}

ENV_OVERRIDES = (
    "PLATFORM_NAME",
    "LOG_LEVEL",
    "SECRET_KEY",
    "MAIL_BACKEND",
    "MAIL_SERVER",
    "MAIL_USERNAME",
    "MAIL_PASSWORD",
    "MAIL_SENDER",
    "RATELIMIT_STORAGE_URI",
    "CACHE_TYPE",
    "CACHE_REDIS_URL",
    "SUPPORT_EMAIL",
    "PUBLIC_URL",
    "CARD_GATEWAY",
    "PAYPAL_GATEWAY",
    "PAYPAL_MODE",
    "PAYPAL_CLIENT_ID",
    "PAYPAL_CLIENT_SECRET",
    "PAYPAL_WEBHOOK_ID",
    "ADYEN_ENVIRONMENT",
    "ADYEN_API_KEY",
    "ADYEN_MERCHANT_ACCOUNT",
    "ADYEN_CLIENT_KEY",
    "ADYEN_HMAC_KEY",
    "ADYEN_LIVE_URL_PREFIX",
)


def config_from_environment() -> dict:
    values: dict = {k: os.environ[k] for k in ENV_OVERRIDES if os.environ.get(k)}
    if os.environ.get("DATABASE_URL"):
        values["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(os.environ["DATABASE_URL"])
    if os.environ.get("MAIL_PORT"):
        values["MAIL_PORT"] = int(os.environ["MAIL_PORT"])
    if os.environ.get("TRUSTED_HOSTS"):
        values["TRUSTED_HOSTS"] = os.environ["TRUSTED_HOSTS"].split(",")
    if os.environ.get("MAIL_DELIVER_AFTER_REQUEST"):
        flag = os.environ["MAIL_DELIVER_AFTER_REQUEST"].strip().lower()
        values["MAIL_DELIVER_AFTER_REQUEST"] = flag not in ("0", "false", "no", "off")
    if os.environ.get("PROXY_COUNT"):
        values["PROXY_COUNT"] = int(os.environ["PROXY_COUNT"])
    return values


def normalise_database_url(url: str) -> str:
    # psycopg 3 is the driver; plain postgresql:// URLs would ask SQLAlchemy for psycopg2.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def ensure_secret_key(instance_path: str) -> str:
    """Read instance/secret_key, creating it with a random key on first run."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key
