"""The browser side of Adyen cards: the payment step's partial, the pinned Adyen Web files
and the Content-Security-Policy sources they need."""

import base64
import re
from pathlib import Path

import pytest
from flask import render_template

from app.config import Config
from app.payments.adyen import adyen_csp

STATIC_JS = Path(__file__).parents[2] / "app" / "static" / "js" / "adyen-card.js"


@pytest.fixture
def adyen_site(make_app):
    return make_app(
        CARD_GATEWAY="adyen",
        ADYEN_ENVIRONMENT="test",
        ADYEN_CLIENT_KEY="test_CLIENTKEY0123456789",
        ADYEN_MERCHANT_ACCOUNT="AtelierECOM",
    )


def render_partial(site, **context) -> str:
    with site.test_request_context("/checkout/payment"):
        return render_template("checkout/_adyen_card.html", **context)


def attribute(html: str, name: str) -> str:
    match = re.search(rf'{name}="([^"]*)"', html)
    assert match, name
    return match.group(1)


def test_partial_carries_settings_in_data_attributes(adyen_site):
    html = render_partial(adyen_site)

    assert attribute(html, "data-client-key") == "test_CLIENTKEY0123456789"
    assert attribute(html, "data-environment") == "test"
    assert attribute(html, "data-locale") == "en-US"
    assert attribute(html, "data-country-code") == "FR"
    assert (
        attribute(html, "data-script-url")
        == "https://checkoutshopper-test.cdn.adyen.com/checkoutshopper/sdk/6.6.0/adyen.js"
    )
    assert attribute(html, "data-script-integrity") == Config.ADYEN_WEB_SCRIPT_INTEGRITY
    assert (
        attribute(html, "data-stylesheet-url")
        == "https://checkoutshopper-test.cdn.adyen.com/checkoutshopper/sdk/6.6.0/adyen.css"
    )
    assert attribute(html, "data-stylesheet-integrity") == Config.ADYEN_WEB_STYLESHEET_INTEGRITY
    assert '<input type="hidden" name="adyen_state_data" value=""' in html
    assert "Paying by card needs JavaScript" in html
    assert "You can pay with PayPal without it." in html


def test_partial_has_no_inline_script(adyen_site):
    html = render_partial(adyen_site)

    scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", html, flags=re.S)
    assert scripts == [""]
    assert re.search(r'<script src="[^"]*/static/js/adyen-card\.js" defer>', html)
    assert not re.search(r"\son[a-z]+=", html)


def test_partial_follows_the_live_environment_and_country(make_app):
    site = make_app(
        CARD_GATEWAY="adyen",
        ADYEN_ENVIRONMENT="live",
        ADYEN_CLIENT_KEY="live_CLIENTKEY0123456789",
    )

    html = render_partial(site, adyen_country_code="BE")

    assert attribute(html, "data-script-url").startswith(
        "https://checkoutshopper-live.cdn.adyen.com/"
    )
    assert attribute(html, "data-country-code") == "BE"


def test_pinned_adyen_web_files_carry_sha384_hashes():
    for url, integrity in (
        (Config.ADYEN_WEB_SCRIPT_URL, Config.ADYEN_WEB_SCRIPT_INTEGRITY),
        (Config.ADYEN_WEB_STYLESHEET_URL, Config.ADYEN_WEB_STYLESHEET_INTEGRITY),
    ):
        assert f"/sdk/{Config.ADYEN_WEB_VERSION}/" in url
        assert url.startswith("https://checkoutshopper-{environment}.cdn.adyen.com/")
        algorithm, _, digest = integrity.partition("-")
        assert algorithm == "sha384"
        assert len(base64.b64decode(digest, validate=True)) == 48


def test_card_script_reads_only_the_encrypted_state():
    script = STATIC_JS.read_text()

    assert "JSON.stringify(cardState.data)" in script
    assert "integrity" in script and "crossOrigin" in script
    for unsafe in ("innerHTML", "eval(", "new Function", "document.write"):
        assert unsafe not in script


def test_csp_sources_for_adyen():
    sources = adyen_csp({"CARD_GATEWAY": "adyen", "ADYEN_ENVIRONMENT": "test"})

    assert set(sources) == {"script-src", "style-src", "frame-src", "connect-src", "img-src"}
    for directive in ("script-src", "style-src", "frame-src"):
        assert sources[directive] == [
            "https://checkoutshopper-test.adyen.com",
            "https://checkoutshopper-test.cdn.adyen.com",
        ]
    assert "https://checkoutanalytics-test.adyen.com" in sources["connect-src"]
    everything = [source for values in sources.values() for source in values]
    assert all(source.startswith("https://") for source in everything)

    live = adyen_csp({"CARD_GATEWAY": "adyen", "ADYEN_ENVIRONMENT": "live"})
    assert "https://checkoutshopper-live.cdn.adyen.com" in live["script-src"]
    assert adyen_csp({"CARD_GATEWAY": "sandbox", "ADYEN_ENVIRONMENT": "test"}) == {}
