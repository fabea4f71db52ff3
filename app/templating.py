"""What every template can use."""

import json
from functools import lru_cache

from flask import Flask, current_app, request, url_for
from flask_babel import format_date, format_datetime, get_locale
from flask_wtf.csrf import generate_csrf
from ua_parser import parse as parse_user_agent

from app.domain.browsers import is_outdated_browser
from app.domain.file_size import file_size
from app.i18n import LOCALE_NAMES
from app.services.markdown import render_markdown


@lru_cache(maxsize=512)
def _outdated(user_agent: str) -> bool:
    parsed = parse_user_agent(user_agent)
    return is_outdated_browser(
        parsed.user_agent.family if parsed.user_agent else "",
        parsed.os.family if parsed.os else "",
        parsed.os.major if parsed.os else None,
    )


def outdated_browser() -> bool:
    return _outdated((request.user_agent.string or "")[:512])


def htmx_script() -> dict:
    config = current_app.config
    vendored = url_for("static", filename=f"vendor/htmx-{config['HTMX_VERSION']}.min.js")
    return {
        "cdn": config["HTMX_CDN_URL"] if config["HTMX_USE_CDN"] else None,
        "integrity": config["HTMX_INTEGRITY"],
        "vendored": vendored,
    }


HTMX_CONFIG = json.dumps(
    {
        "allowEval": False,
        "allowScriptTags": False,
        "includeIndicatorStyles": False,
        "historyCacheSize": 0,
        "selfRequestsOnly": True,
        # 422 carries the form with its errors: swap it; other errors keep the page.
        "responseHandling": [
            {"code": "204", "swap": False},
            {"code": "[23]..", "swap": True},
            {"code": "422", "swap": True},
            {"code": "[45]..", "swap": False, "error": True},
        ],
    }
)


def register(app: Flask) -> None:
    @app.context_processor
    def globals_for_templates() -> dict:
        locale = str(get_locale() or "en")
        return {
            "platform_name": current_app.config["PLATFORM_NAME"],
            "current_locale": locale,
            "locale_names": LOCALE_NAMES,
            "htmx": htmx_script(),
            "htmx_config": HTMX_CONFIG,
            "outdated_browser": outdated_browser,
            "csrf_headers": lambda: json.dumps({"X-CSRFToken": generate_csrf()}),
        }

    app.jinja_env.globals.update(format_date=format_date, format_datetime=format_datetime)
    app.jinja_env.globals["file_size"] = lambda size: file_size(size, str(get_locale() or "en"))
    app.jinja_env.filters["markdown"] = render_markdown
