"""What gunicorn serves during `make bench`: Atelier itself, and under /bench two
reference endpoints (a bare Flask plaintext response and a TechEmpower-style fortunes
page) in the same processes, so their numbers are comparable."""

import os
from pathlib import Path

from flask import Flask, Response, render_template
from sqlalchemy import create_engine, text
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from app import create_app
from app.config import normalise_database_url

DATABASE_URL = normalise_database_url(os.environ["BENCH_APP_DATABASE_URL"])

atelier = create_app(
    {
        "ENV_NAME": "development",
        "SECRET_KEY": os.environ["BENCH_SECRET_KEY"],
        "SQLALCHEMY_DATABASE_URI": DATABASE_URL,
        "RATELIMIT_ENABLED": False,
        "OUTBOX_PUBLIC": False,
        "HTMX_USE_CDN": False,
    }
)

reference = Flask("reference", template_folder=str(Path(__file__).parent / "templates"))
engine = create_engine(DATABASE_URL)


@reference.route("/plaintext")
def plaintext():
    return Response("Hello, World!", mimetype="text/plain")


@reference.route("/fortunes")
def fortunes():
    with engine.connect() as connection:
        rows = [
            {"id": row.id, "message": row.message}
            for row in connection.execute(text("SELECT id, message FROM fortune"))
        ]
    rows.append({"id": 0, "message": "Additional fortune added at request time."})
    rows.sort(key=lambda row: row["message"])
    return render_template("fortunes.html", fortunes=rows)


app = DispatcherMiddleware(atelier, {"/bench": reference})
