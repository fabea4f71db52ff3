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
# SUPPORT_EMAIL = "success@example.org"
