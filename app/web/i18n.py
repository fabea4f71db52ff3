"""Locale and time zone selection, and localised lists (countries, time zones)."""

import unicodedata
from functools import cache
from zoneinfo import available_timezones

from babel import Locale
from babel.core import get_global
from babel.dates import get_timezone_location
from flask import Response, current_app, has_request_context, request
from flask_login import current_user

LOCALE_NAMES = {"en": "English", "fr": "Français"}
# A visitor's choice of language: a cookie of its own rather than the session, so that
# choosing a language starts no session and the public pages stay cacheable.
LOCALE_COOKIE = "locale"
LOCALE_COOKIE_MAX_AGE = 365 * 24 * 3600


def select_babel_locale() -> Locale:
    """Flask-Babel's selector: the same choice as select_locale(), as a Locale parsed
    once per process (Flask-Babel would parse the code again on every request)."""
    return parsed_locale(select_locale())


@cache
def parsed_locale(code: str) -> Locale:
    return Locale.parse(code)


def select_locale() -> str:
    """The member's language, else the visitor's `locale` cookie, else Accept-Language."""
    supported = current_app.config["LANGUAGES"]
    if not has_request_context():  # command-line tools
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    user = current_user._get_current_object()
    if user.is_authenticated and user.locale in supported:
        return user.locale
    chosen = chosen_locale()
    if chosen:
        return chosen
    return (
        request.accept_languages.best_match(supported) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def remember_locale(response: Response, locale: str) -> None:
    """Keep the visitor's language in the `locale` cookie (for a year)."""
    config = current_app.config
    response.set_cookie(
        LOCALE_COOKIE,
        locale,
        max_age=LOCALE_COOKIE_MAX_AGE,
        secure=config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )


def chosen_locale() -> str | None:
    """The language in the visitor's `locale` cookie, if it is one we offer."""
    chosen = request.cookies.get(LOCALE_COOKIE)
    return chosen if chosen in current_app.config["LANGUAGES"] else None


def select_timezone() -> str:
    if not has_request_context():
        return current_app.config["DEFAULT_USER_TIMEZONE"]
    if current_user.is_authenticated and current_user.timezone:
        return current_user.timezone
    return current_app.config["DEFAULT_USER_TIMEZONE"]


@cache
def countries(locale: str) -> list[tuple[str, str]]:
    """ISO 3166-1 alpha-2 codes with their names in `locale`, sorted by name."""
    names = Locale.parse(locale).territories
    pairs = [
        (code, name)
        for code, name in names.items()
        if len(code) == 2
        and code.isalpha()
        and code not in {"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB", "XK"}
    ]
    return sorted(pairs, key=lambda pair: collation_key(pair[1]))


def collation_key(text: str) -> str:
    """Sort "Égypte" with the E's, not after Z: compare without accents, then with them."""
    stripped = "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )
    return stripped.casefold() + "\0" + text.casefold()


def country_name(code: str, locale: str) -> str:
    return Locale.parse(locale).territories.get(code, code)


@cache
def timezones() -> list[str]:
    return sorted(
        tz
        for tz in available_timezones()
        if "/" in tz and not tz.startswith(("Etc/", "SystemV/", "US/", "posix/", "right/"))
    )


@cache
def timezone_choices(locale: str) -> tuple[tuple[str, str], ...]:
    """The time zones offered in the preferences, named as people know them, in `locale`:
    "France — Paris", "États-Unis — New York", sorted by that name. One per zone CLDR
    names (418); the older IANA aliases ("America/Montreal") stay valid for accounts that
    have one, but are not offered."""
    parsed = Locale.parse(locale)
    territories = get_global("zone_territories")
    pairs = []
    for zone in timezones():
        if zone not in territories:
            continue
        territory = territories[zone]  # "001" (the world) for a zone of no country
        country = parsed.territories.get(territory) if territory.isalpha() else None
        city = get_timezone_location(zone, locale=parsed, return_city=True)
        pairs.append((zone, f"{country} — {city}" if country and country != city else city))
    return tuple(sorted(pairs, key=lambda pair: collation_key(pair[1])))
