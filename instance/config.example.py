# Copy to instance/config.py (never committed) and adjust.
# SECRET_KEY = "..."            # otherwise generated into instance/secret_key
# PLATFORM_NAME = "Atelier"
# SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://atelier:secret@localhost/atelier"
# MAIL_BACKEND = "smtp"
# MAIL_SERVER = "smtp.example.org"
# MAIL_PORT = 587
# MAIL_USE_TLS = True
# MAIL_USERNAME = "..."
# MAIL_PASSWORD = "..."
# Deliver only from `flask mail deliver` on a timer, not after each request:
# MAIL_DELIVER_AFTER_REQUEST = False
# SUPPORT_EMAIL = "success@example.org"
# Payments: "sandbox" (offline test cards) is refused in production unless
# ALLOW_SANDBOX_PAYMENTS = True (a staging site).
# CARD_GATEWAY = "adyen"
# ADYEN_ENVIRONMENT = "live"
# ADYEN_API_KEY = "..."
# ADYEN_MERCHANT_ACCOUNT = "..."
# ADYEN_CLIENT_KEY = "..."
# ADYEN_HMAC_KEY = "..."
# ADYEN_LIVE_URL_PREFIX = "..."
# PAYPAL_GATEWAY = "paypal"
# PAYPAL_MODE = "live"
# PAYPAL_CLIENT_ID = "..."
# PAYPAL_CLIENT_SECRET = "..."
# PAYPAL_WEBHOOK_ID = "..."
