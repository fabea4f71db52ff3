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
    assert "May 17, 1990" in client.get("/account").get_data(as_text=True)
    client.post("/language", data={"locale": "fr"})
    assert "17 mai 1990" in client.get("/account").get_data(as_text=True)


def test_country_names_are_localised(client):
    english = client.get("/register").get_data(as_text=True)
    french = client.get("/register", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<option value="DE">Germany</option>' in english
    assert '<option value="DE">Allemagne</option>' in french


def test_outdated_browser_notice(client):
    ie = "Mozilla/5.0 (Windows NT 10.0; Trident/7.0; rv:11.0) like Gecko"
    html = client.get("/", headers={"User-Agent": ie}).get_data(as_text=True)
    assert "Your browser is no longer supported" in html
    assert 'href="/help/browsers"' in html
    modern = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0"
    assert "no longer supported" not in client.get("/", headers={"User-Agent": modern}).get_data(
        as_text=True
    )


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
