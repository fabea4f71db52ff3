"""Links in emails and gateway returns are built on PUBLIC_URL, never on the request's
Host; production refuses a Host that is not its own with a 400 page (an outside review
got a genuine reset email pointing at https://evil.example/password/reset/<token>)."""

import re
from datetime import date

import pytest
from sqlalchemy import select

from app import create_app
from app.extensions import db
from app.models import LaunchWatch, OutboxMessage, SandboxTransaction
from app.seeds.catalog import seed_catalog
from app.services import catalog, legal_documents
from tests.checkout.test_consent import PARENT, seventeen_today
from tests.checkout_fixtures import CHALLENGE_CARD, Buyer
from tests.conftest import FreshContextClient, base_config, link_in, path_of, sign_in
from tests.support.forms import date_fields

PUBLIC = "https://atelier.example"
HOSTILE = ("evil.example", "atelier.example.evil.example")
URL = re.compile(r"https?://[^\s\"'<>]+")


class HostileClient(FreshContextClient):
    """Every request names a host of the attacker's, directly or through a proxy."""

    host = "evil.example"

    def open(self, *args, **kwargs):
        headers = dict(kwargs.pop("headers", None) or {})
        headers.setdefault("Host", self.host)
        headers.setdefault("X-Forwarded-Host", self.host)
        return super().open(*args, headers=headers, **kwargs)


@pytest.fixture
def site(app, make_app):
    """The test database, served as a development site would be: no SERVER_NAME, any
    Host accepted, one proxy trusted for X-Forwarded-Host."""
    site = make_app(SERVER_NAME=None, PUBLIC_URL=PUBLIC, PROXY_COUNT=1)
    site.test_client_class = HostileClient
    seed_catalog(date.today())
    legal_documents.seed(render_pdfs=False)
    db.session.commit()
    return site


def every_link_sent() -> list[str]:
    db.session.expire_all()
    messages = db.session.scalars(select(OutboxMessage)).all()
    assert messages
    return [url for m in messages for url in URL.findall(m.text_body + m.html_body)]


def assert_public(urls):
    for url in urls:
        assert url.startswith(PUBLIC + "/") or not url.startswith("http"), url
        assert "evil" not in url, url


def test_every_email_link_is_public_whatever_the_host(site, make_user):
    client = site.test_client()
    # Registration: the confirmation link.
    client.post(
        "/register",
        data={
            "name": "Ana",
            "email": "ana@example.org",
            "password": "a long enough passphrase",
            **date_fields("1990-05-17"),
            "country": "FR",
            "legal_protection": "no",
        },
    )
    # A password reset, an email change (both addresses are written to).
    member = make_user()
    client = site.test_client()
    client.post("/password/forgot", data={"email": member.email})
    sign_in(client, member.email, member.password)
    changed = client.post(
        "/account/email", data={"password": member.password, "email": "new@example.org"}
    )
    assert changed.status_code == 302
    # An order whose account is made in the flow: the summary and the sign-in link.
    buyer = Buyer(site.test_client())
    buyer.start_solo()
    buyer.client.post(
        buyer.url("account"),
        data={
            "name": "Bea",
            "email": "bea@example.org",
            "password": "another long passphrase",
            **date_fields("1990-05-17"),
            "country": "FR",
            "legal_protection": "no",
        },
    )
    assert buyer.eligibility().status_code == 302
    assert buyer.details().status_code == 302
    assert buyer.card().status_code == 302
    assert buyer.confirm().status_code == 302
    # A learner of 17: the representative's consent link and the learner's notice.
    minor = make_user(born=date.fromisoformat(seventeen_today()))
    young = Buyer(site.test_client())
    sign_in(young.client, minor.email, minor.password)
    young.start_solo()
    young.eligibility(born=seventeen_today())
    young.details(representative_name="Pat Parent", representative_email=PARENT)
    young.card()
    young.confirm()
    # A launch notice's "stop these emails" link.
    with site.test_request_context("/", headers={"Host": "evil.example"}):
        path = catalog.path_by_slug("cybersecurity-analyst")
        catalog.watch(path, "watcher@example.org", "en")
        watcher = db.session.scalar(select(LaunchWatch))
        assert catalog.stop_link(watcher).startswith(PUBLIC + "/launch-notices/")

    links = every_link_sent()
    assert any("/verify/" in url for url in links)
    assert any("/password/reset/" in url for url in links)
    assert any("/account/email/confirm/" in url for url in links)
    assert any("/checkout/consent/" in url for url in links)
    assert any(url.endswith("/signin") for url in links)
    assert any("/done" in url for url in links)
    assert_public(links)


def test_gateway_returns_are_public_whatever_the_host(site, make_user):
    member = make_user()
    buyer = Buyer(site.test_client())
    sign_in(buyer.client, member.email, member.password)
    buyer.start_solo()
    buyer.eligibility()
    buyer.details()
    buyer.card(CHALLENGE_CARD)  # 3-D Secure: the bank sends the buyer back
    buyer.confirm()
    db.session.expire_all()
    (row,) = db.session.scalars(select(SandboxTransaction)).all()
    assert row.return_url.startswith(PUBLIC + f"/checkout/{buyer.public_id}/return")
    assert_public([row.return_url, row.cancel_url])


def production(**overrides):
    app = create_app(
        {
            **base_config("sqlite://"),
            "ENV_NAME": "production",
            "SERVER_NAME": None,
            "PUBLIC_URL": PUBLIC,
            "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1",
            "RATELIMIT_ENABLED": False,
            "MAIL_BACKEND": "smtp",
            "ALLOW_SANDBOX_PAYMENTS": True,
            **overrides,
        }
    )
    return app


@pytest.mark.parametrize(
    "headers",
    [
        {"Host": "evil.example"},
        {"Host": "atelier.example.evil.example"},
        {"Host": "a" * 300 + ".example"},  # a label too long: the host cannot be read
        {"Host": "atelier.example", "X-Forwarded-Host": "evil.example"},
    ],
)
def test_production_refuses_a_host_that_is_not_its_own(headers):
    app = production(PROXY_COUNT=1)
    assert app.config["TRUSTED_HOSTS"] == ["atelier.example"]
    response = app.test_client().get(
        "/password/forgot", base_url="https://atelier.example", headers=headers
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Something was wrong with that request" in html
    assert "evil" not in html
    assert 'href="/static/css/site.css"' in html  # the page's links still build


def test_production_answers_its_own_host():
    app = production()
    response = app.test_client().get("/help/browsers", base_url="https://atelier.example")
    assert response.status_code == 200


def test_production_needs_its_public_address():
    with pytest.raises(RuntimeError, match="PUBLIC_URL"):
        production(PUBLIC_URL=None)
    with pytest.raises(RuntimeError, match="PUBLIC_URL"):
        production(PUBLIC_URL="http://atelier.example")


def test_a_link_from_an_email_opens(site, make_user):
    member = make_user()
    site.test_client().post("/password/forgot", data={"email": member.email})
    db.session.expire_all()
    message = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    link = link_in(message)
    assert link.startswith(PUBLIC)
    page = site.test_client().get(path_of(link))
    assert page.status_code == 200 and 'name="password"' in page.get_data(as_text=True)


def test_a_host_that_cannot_be_read_gets_the_400_page_anywhere(make_app):
    """Without TRUSTED_HOSTS too (development): the error page builds its links without
    the request's URL adapter, which a malformed Host leaves missing."""
    client = make_app(SERVER_NAME=None).test_client()
    response = client.get("/courses", headers={"Host": "a" * 300 + ".example"})
    assert response.status_code == 400
    assert "Something was wrong with that request" in response.get_data(as_text=True)
    for odd in ("atelier..example", "[::1", "atelier.example:99999"):
        assert client.get("/courses", headers={"Host": odd}).status_code < 500, odd
