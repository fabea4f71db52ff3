"""What gunicorn serves during `make bench`: Atelier itself, and under /bench two
reference endpoints (a bare Flask plaintext response and a TechEmpower-style fortunes
page) in the same processes, so their numbers are comparable.

A request with `X-Bench-Cold-Data: 1` finds the data caches empty (the catalog query
results of app.services.data_cache, the Markdown rendered by text), as the first
request after a start or a catalog change would: the bench measures pages "cold for
the data" with it, warm without it."""

import os
from pathlib import Path

from flask import Flask, Response, render_template, request
from sqlalchemy import create_engine, text
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from app import create_app
from app.config import normalise_database_url
from app.extensions import cache
from app.services.markdown import render_course_markdown, render_markdown
from bench import COLD_DATA_HEADER

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


@atelier.before_request
def forget_cached_data() -> None:
    if request.headers.get(COLD_DATA_HEADER):
        cache.clear()
        render_markdown.cache_clear()
        render_course_markdown.cache_clear()


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
