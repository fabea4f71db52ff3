"""What every template can use."""

import json
from datetime import UTC, date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from flask import Flask, current_app, url_for
from flask_babel import format_currency, format_date, format_datetime, get_locale
from flask_wtf.csrf import generate_csrf

from app.domain.file_size import file_size
from app.services.markdown import render_course_markdown, render_markdown
from app.web.http_caching import sessionless_page
from app.web.i18n import LOCALE_NAMES
from app.web.language_notice import switch_notice


def csrf_headers() -> str | None:
    """The htmx header carrying the CSRF token, for <body>; none on a page that must not
    start a session (a public page, an error page for a visitor)."""
    if sessionless_page():
        return None
    return json.dumps({"X-CSRFToken": generate_csrf()})


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
            "csrf_headers": csrf_headers,
        }

    app.jinja_env.globals.update(
        day=day,
        day_time=day_time,
        month_year=month_year,
        pick=pick,
        page_args=page_args,
        page_numbers=page_numbers,
        money=money,
        whole_money=whole_money,
    )
    app.jinja_env.globals["country_name"] = country_name
    app.jinja_env.globals["language_switch_notice"] = switch_notice
    app.jinja_env.globals["document_url"] = lambda version: url_for(
        "legal.document_version", kind=version.kind, label=version.label
    )
    app.jinja_env.globals["file_size"] = lambda size: file_size(size, str(get_locale() or "en"))
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["course_markdown"] = render_course_markdown


def pick(obj, field: str) -> tuple[str, str]:
    """A bilingual text in the visitor's language, or the other one when it is empty:
    (text, None) or (text, the other language's code) so templates mark a fallback
    with `lang`."""
    locale = str(get_locale() or "en")
    other = "fr" if locale == "en" else "en"
    text = getattr(obj, f"{field}_{locale}", None)
    if text:
        return text, None
    return getattr(obj, f"{field}_{other}", None) or "", other


def country_name(code: str | None) -> str:
    if not code:
        return ""
    return Locale.parse(str(get_locale() or "en")).territories.get(code.upper(), code)


# Dates in words, day first, in both languages: "1 December 2026", "1 décembre 2026"
# (Babel's "long" English is the American "December 1, 2026", its "short" "12/1/26").
DAY = {"en": "d MMMM y", "fr": "d MMMM y"}
DAY_SHORT = {"en": "d MMM y", "fr": "d MMM y"}
DAY_TIME = {"en": "d MMMM y 'at' HH:mm", "fr": "d MMMM y 'à' HH:mm"}
DAY_TIME_SHORT = {"en": "d MMM y, HH:mm", "fr": "d MMM y, HH:mm"}


def _pattern(patterns: dict[str, str]) -> str:
    return patterns.get(str(get_locale() or "en"), patterns["en"])


def _in_zone(value: datetime, zone: str | None) -> tuple[datetime, bool]:
    """`value` moved to `zone` (a stored naive time is UTC), and whether it is still to
    be rebased to the signed-in member's zone: an email names its recipient's zone,
    who is not the member making the request (staff suspending someone)."""
    if not zone:
        return value, True
    try:
        tz = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return value, True
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(tz), False


def day(value: date | datetime | None, short: bool = False, zone: str | None = None) -> str:
    """The day of a date, or of a moment in the member's time zone (or `zone`), in words."""
    if value is None:
        return ""
    pattern = _pattern(DAY_SHORT if short else DAY)
    if isinstance(value, datetime):
        value, rebase = _in_zone(value, zone)
        return format_datetime(value, pattern, rebase=rebase)
    return _date_in_words(value, pattern, str(get_locale() or "en"))


# Formatting through Babel costs a tenth of a millisecond; a page, and the billing job's
# thousands of emails, show the same few dates and amounts over and over.
@lru_cache(maxsize=1024)
def _date_in_words(value: date, pattern: str, locale: str) -> str:
    return babel_dates.format_date(value, pattern, locale=locale)


def day_time(
    value: datetime | None, short: bool = False, rebase: bool = True, zone: str | None = None
) -> str:
    """A moment in the member's time zone: "1 December 2026 at 09:15" (`rebase=False`:
    a time already in the zone it is to be shown in; `zone`: in that time zone, as an
    email to a member shows their own)."""
    if value is None:
        return ""
    pattern = _pattern(DAY_TIME_SHORT if short else DAY_TIME)
    if rebase and zone:
        value, rebase = _in_zone(value, zone)
    return format_datetime(value, pattern, rebase=rebase)


def month_year(year: int, month: int) -> str:
    """ "December 2026", "décembre 2026"."""
    return format_date(date(year, month, 1), "MMMM y")


def money(cents: int, currency: str = "EUR") -> str:
    """€49.00 / 49,00 € in the visitor's locale."""
    return _money_in(cents, currency, str(get_locale() or "en"))


@lru_cache(maxsize=1024)
def _money_in(cents: int, currency: str, locale: str) -> str:
    return babel_numbers.format_currency(cents / 100, currency, locale=locale)


@lru_cache(maxsize=16)
def _whole_pattern(locale: str) -> str:
    pattern = Locale.parse(locale).currency_formats["standard"].pattern
    return pattern.split(";")[0].replace("0.00", "0")


def whole_money(amount: int, currency: str) -> str:
    """An amount in whole units of a currency (indicative amounts), e.g. £42 / 42 £."""
    locale = str(get_locale() or "en")
    return format_currency(amount, currency, format=_whole_pattern(locale), currency_digits=False)


def page_args(query, number: int) -> dict:
    """The query string of a catalog list for another page, without empty filters."""
    names = ("q", "level", "language", "duration", "certification", "availability")
    args = {name: getattr(query, name) for name in names if getattr(query, name)}
    if query.per_page != 12:
        args["per_page"] = query.per_page
    if number > 1:
        args["page"] = number
    return args


def page_numbers(current: int, total: int) -> list[int | None]:
    """1 … 4 5 6 … 20: the first, the last and two around the current page."""
    shown = sorted({1, total, *range(max(1, current - 2), min(total, current + 2) + 1)})
    numbers: list[int | None] = []
    for number in shown:
        if numbers and number - numbers[-1] > 1:
            numbers.append(None)
        numbers.append(number)
    return numbers
