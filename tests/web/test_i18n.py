import re

import pytest

from app.extensions import db
from tests.conftest import sign_in


def test_english_by_default(client):
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in html


@pytest.mark.parametrize(
    ("header", "lang"),
    [
        ("fr-FR,fr;q=0.9,en;q=0.5", "fr"),
        ("en-GB,en;q=0.8", "en"),
        ("de-DE", "en"),
        ("de-DE,fr;q=0.5", "fr"),
    ],
)
def test_accept_language(client, header, lang):
    html = client.get("/", headers={"Accept-Language": header}).get_data(as_text=True)
    assert f'<html lang="{lang}">' in html


def test_visitor_choice_beats_the_browser(client):
    response = client.post("/language", data={"locale": "fr", "next": "/signin"})
    assert response.headers["Location"] == "/signin"
    html = client.get("/signin", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="fr">' in html
    assert "Se connecter" in html


def test_language_switch_ignores_foreign_next(client):
    response = client.post("/language", data={"locale": "fr", "next": "https://evil.example"})
    assert response.headers["Location"] == "/"


def set_cookies(response) -> list[str]:
    return response.headers.getlist("Set-Cookie")


def test_a_visitor_switches_language_without_a_session_or_a_token(make_app):
    """With CSRF checks on: the switch in a public page's header carries no token."""
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    page = client.get("/courses")
    assert 'action="/language"' in page.get_data(as_text=True) and not set_cookies(page)
    response = client.post("/language", data={"locale": "fr", "next": "/courses?q=python"})
    assert response.status_code == 302 and response.headers["Location"] == "/courses?q=python"
    (cookie,) = set_cookies(response)  # the language, not a session
    assert cookie.startswith("locale=fr;") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Max-Age=31536000" in cookie
    french = client.get("/courses", headers={"Accept-Language": "en"})
    assert '<html lang="fr">' in french.get_data(as_text=True)
    assert french.headers["Cache-Control"].startswith("public") and not set_cookies(french)
    ignored = client.post("/language", data={"locale": "de"})
    assert ignored.status_code == 302 and not set_cookies(ignored)


def test_a_member_switches_language_with_the_token_only(make_app, make_user):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    user = make_user(locale="en")
    html = client.get("/signin").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    sign_in(client, user.email, user.password, csrf_token=token)
    page = client.get("/account").get_data(as_text=True)
    switch = page.split('action="/language"')[1].split("</form>")[0]
    token = re.search(r'name="csrf_token" value="([^"]+)"', switch).group(1)
    assert client.post("/language", data={"locale": "fr"}).status_code == 400
    db.session.refresh(user)
    assert user.locale == "en"
    assert client.post("/language", data={"locale": "fr", "csrf_token": token}).status_code == 302
    db.session.refresh(user)
    assert user.locale == "fr"


def test_the_language_chosen_before_sign_in_fills_an_account_without_one(client, make_user):
    user = make_user()
    user.locale = None
    db.session.commit()
    client.post("/language", data={"locale": "fr"})
    sign_in(client, user.email, user.password)
    db.session.refresh(user)
    assert user.locale == "fr"


def test_the_language_saved_in_preferences_stays_after_sign_out(client, make_user):
    user = make_user(locale="en")
    sign_in(client, user.email, user.password)
    client.post("/account/preferences", data={"locale": "fr", "timezone": "Europe/Paris"})
    client.post("/signout")
    html = client.get("/courses", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="fr">' in html


def test_account_choice_is_saved_and_beats_everything(app, client, make_user):
    user = make_user(locale="en")
    sign_in(client, user.email, user.password)
    client.post("/language", data={"locale": "fr"})
    db.session.refresh(user)
    assert user.locale == "fr"
    other_device = app.test_client()
    sign_in(other_device, user.email, user.password)
    html = other_device.get("/account", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="fr">' in html


def test_preferences_page_saves_language_and_time_zone(client, make_user):
    user = make_user()
    sign_in(client, user.email, user.password)
    response = client.post(
        "/account/preferences", data={"locale": "fr", "timezone": "America/Montreal"}
    )
    assert response.status_code == 302
    db.session.refresh(user)
    assert (user.locale, user.timezone) == ("fr", "America/Montreal")
    bad = client.post("/account/preferences", data={"locale": "de", "timezone": "Mars/Base"})
    assert bad.status_code == 422


def test_dates_are_formatted_for_the_locale(client, make_user):
    user = make_user()  # born 17 May 1990
    sign_in(client, user.email, user.password)
    english = client.get("/account").get_data(as_text=True)
    assert "17 May 1990" in english and "May 17, 1990" not in english  # day first, in words
    client.post("/language", data={"locale": "fr"})
    assert "17 mai 1990" in client.get("/account").get_data(as_text=True)


@pytest.mark.parametrize(
    ("locale", "zone", "expected"),
    [
        ("en", "Europe/Paris", "1 December 2026 at 10:15"),
        ("fr", "Europe/Paris", "1 décembre 2026 à 10:15"),
        ("en", "America/New_York", "1 December 2026 at 04:15"),
        ("en", "Asia/Tokyo", "1 December 2026 at 18:15"),
        ("fr", "Pacific/Kiritimati", "1 décembre 2026 à 23:15"),
    ],
)
def test_moments_are_in_words_in_the_members_zone(app, monkeypatch, locale, zone, expected):
    from datetime import UTC, date, datetime

    from flask_babel import force_locale
    from flask_babel import refresh as refresh_babel

    from app.web.templating import day, day_time

    moment = datetime(2026, 12, 1, 9, 15, 28, tzinfo=UTC)
    with app.test_request_context():
        monkeypatch.setitem(app.config, "DEFAULT_USER_TIMEZONE", zone)  # a visitor's zone
        refresh_babel()
        with force_locale(locale):
            assert day_time(moment) == expected
            assert "AM" not in day_time(moment) and "+0" not in day_time(moment)
            assert day(date(2026, 12, 1)) == (
                "1 December 2026" if locale == "en" else "1 décembre 2026"
            )


def test_a_moment_in_a_named_zone_whatever_the_requests(app):
    """An email shows its recipient's zone, not the zone of whoever made the request."""
    from datetime import UTC, datetime

    from flask_babel import force_locale

    from app.web.templating import day, day_time

    moment = datetime(2026, 12, 1, 23, 15, tzinfo=UTC)
    naive = moment.replace(tzinfo=None)  # as SQLite gives it back: UTC
    with app.test_request_context(), force_locale("fr"):
        for value in (moment, naive):
            assert day_time(value, zone="America/New_York") == "1 décembre 2026 à 18:15"
            assert day_time(value, zone="Asia/Tokyo") == "2 décembre 2026 à 08:15"
            assert day(value, zone="Asia/Tokyo") == "2 décembre 2026"
        # An unknown zone falls back to the member's (the platform's here).
        assert day_time(moment, zone="Nowhere/City") == "2 décembre 2026 à 00:15"


def test_country_names_are_localised(client):
    english = client.get("/register").get_data(as_text=True)
    french = client.get("/register", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<option value="DE">Germany</option>' in english
    assert '<option value="DE">Allemagne</option>' in french


TOKEN = re.compile(r"[\w-]{20,}\.[\w-]+\.[\w-]{20,}")
NOTICE = re.compile(
    r'<div class="notice notice--warning container" id="outdated-browser" role="region" '
    r'aria-label="Browser notice" hidden>\s*<p>Your browser is no longer supported'
)


@pytest.mark.parametrize("path", ["/", "/register", "/no-such-page"])
def test_the_outdated_browser_notice_is_in_every_page_hidden(client, path):
    """app.js shows it in the browsers concerned (tests/browser): the server answers the
    same to every user agent, so that a shared cache can keep the page."""
    ie = "Mozilla/5.0 (Windows NT 10.0; Trident/7.0; rv:11.0) like Gecko"
    modern = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0"
    pages = [client.get(path, headers={"User-Agent": agent}) for agent in (ie, modern)]
    # The same but for the CSRF token of a form page, which carries its signing time.
    html, other = (TOKEN.sub("token", page.get_data(as_text=True)) for page in pages)
    assert html == other
    assert NOTICE.search(html) and 'href="/help/browsers"' in html
    assert "User-Agent" not in pages[0].headers.get("Vary", "")


def test_countries_sort_accents_with_their_letter(client):
    html = client.get("/register", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert html.index(">Égypte<") < html.index(">Espagne<") < html.index(">Finlande<")


def test_time_zones_are_named_by_country_and_city(client, make_user):
    user = make_user()  # Europe/Paris by default
    sign_in(client, user.email, user.password)
    html = client.get("/account/preferences").get_data(as_text=True)
    assert '<option selected value="Europe/Paris">France — Paris</option>' in html
    assert ">Troll Station<" in html  # a zone of no country: its place alone
    assert ">United States — New York<" in html
    assert 'value="America/Montreal"' not in html  # an old alias: valid, not offered
    labels = re.findall(r'<option[^>]*value="[^"]+"[^>]*>([^<]+)</option>', html)
    assert len(labels) == len(set(labels)) > 400  # one name each
    client.post("/account/preferences", data={"locale": "fr", "timezone": "America/Montreal"})
    french = client.get("/account/preferences").get_data(as_text=True)
    assert ">États-Unis — New York<" in french
    assert re.search(
        r'<option[^>]*value="America/Montreal"[^>]*selected|<option[^>]*selected[^>]*value="America/Montreal"',
        french,
    )


def test_the_saved_message_is_in_the_language_just_chosen(client, make_user):
    user = make_user(locale="en")
    sign_in(client, user.email, user.password)
    response = client.post(
        "/account/preferences",
        data={"locale": "fr", "timezone": "Europe/Paris"},
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert '<html lang="fr">' in html
    assert "Vos préférences ont été enregistrées." in html
    assert "Your preferences have been saved." not in html
