"""Hostile input against every page and form a visitor or a member can reach: NUL bytes,
other scripts' digits, oversized values and hostile Host headers get a 4xx or a field
message, never a 500, on SQLite and on PostgreSQL.

The pages come from the URL map: every GET rule is tried, with its arguments taken from
links a crawl of the site found (so a new route joins the sweep, and a route no crawl
reaches must be named in UNREACHED with the reason). The forms are the ones those pages
show, filled field by field."""

from urllib.parse import urlencode, urlsplit

import lxml.html
import pytest
from sqlalchemy import select
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from app.domain.orders import Plan
from app.extensions import db
from app.models import Course, InquiryKind
from app.services import forum, inquiries, messages
from app.services.checkout import orders
from tests.checkout_fixtures import signed_in_member
from tests.support.forum import ForumFactory

HOSTILE_VALUES = (
    "\x00",
    "Ana\x00lyse",
    "²",
    "١٢",
    "\u202ereversed",
    "x" * 20_000,
    "<script>alert(1)</script>",
    "%00",
)
FORM_VALUES = ("\x00", "²", "x" * 20_000)
HOSTILE_QUERY_NAMES = ("q", "page", "per_page", "level", "status", "next", "change")
HOSTILE_HOSTS = (
    "evil.example",
    "a" * 300 + ".example",
    "atelier.test:99999",
    "[::1",
    "atelier..test",
)
# GET rules no crawl of a visitor's or member's pages reaches, and why.
UNREACHED = {
    "static": "files, served as they are",
    "forum.search": "a GET form's target, not a link: tests/integration/test_forum_search.py sends it a table of hostile queries",
    "dev.outbox_message": "the development outbox's messages: their ids are tried below",
    "catalog.stop_watching": "reached from an email's link: tried with a made-up token",
    "auth.verify_email": "reached from an email's link: tried with a made-up token",
    "auth.reset_password": "reached from an email's link: tried with a made-up token",
    "account.confirm_email_change": "reached from an email's link: tried with a made-up token",
    "checkout.consent_page": "reached from an email's link: tried with a made-up token",
    "checkout.gateway_return": "a gateway sends the buyer there: tried with made-up answers",
    "checkout.sandbox_3ds": "the sandbox's own page for a 3-D Secure card: tried with a made-up id",
    "checkout.sandbox_paypal": "the sandbox's own PayPal page: tried with a made-up id",
    "account.paypal_return": "PayPal sends the member there: tried with a made-up change; "
    "tests/web/test_payment_paypal.py",
    "account.paypal_cancel": "PayPal sends the member there: tried with a made-up change; "
    "tests/web/test_payment_paypal.py",
    "account.cancel_subscription": "a subscriber's page (the crawl's member has none): "
    "tests/web/test_premium_tab.py",
    "account.withdraw": "a Solo subscriber's page within 14 days: tests/web/test_premium_billing.py",
    "account.terminate": "a Plus subscriber's page within three months: "
    "tests/web/test_premium_termination.py",
    "account.ask_path_change": "a Plus subscriber's page: tests/web/test_premium_requests.py",
    "account.ask_force_majeure": "a Plus subscriber's page: tests/web/test_premium_requests.py",
    "staff.request_detail": "a subscriber's request (none in the crawl): "
    "tests/web/test_premium_requests.py",
    "staff.request_document": "a request's document: tests/web/test_premium_requests.py",
    "learning.submission_file": "a file attached to assignment work (none in the crawl's "
    "data): tests/web/test_assignment_files.py",
    "account.terms_update": "only while a material change of the Terms awaits the member's "
    "answer: tests/web/test_terms_updates.py",
    "billing.pdf": "an invoice's PDF, linked from Premium and the staff order record",
    "forum.new_thread": "linked for subscribers only: tests/web/test_forum.py sends it bad input",
    "forum.edit_post": "linked from one's own recent post: tests/web/test_forum.py",
    "forum.delete_post": "linked from one's own post: tests/web/test_forum.py",
    "messages.new": "linked for subscribers only: tests/web/test_messages.py sends it bad input",
    "messages.leave": "linked from a conversation, past the crawl's limit: tests/web/test_messages.py",
    "forum.new_posts": "polled by htmx (no link): tests/web/test_forum.py",
    "forum.first_unread": "linked from threads with new posts (none are the crawler's): test_forum.py",
    "forum.report_post": "linked from others' posts, past the crawl's limit: test_moderation.py",
    "messages.report_message": "linked from others' messages: tests/web/test_moderation.py",
    "staff.moderation_report": "one report's page, past the crawl's limit: test_moderation.py",
    "messages.unread": "polled by htmx (no link): tried with bad input in tests/web/test_messages.py",
    "messages.new_messages": "polled by htmx (no link): bad input in tests/web/test_messages.py",
}
MADE_UP = {
    "token": "eyJ4IjoxfQ.\x00²",
    "reference": "sbx-²\x00",
    "message_id": "1",
}


def crawl(client, seeds: list[str], limit: int = 120) -> tuple[set[str], list]:
    """Same-site pages reachable from `seeds` by links, and the POST forms they show."""
    seen, queue, forms = set(), list(seeds), []
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code < 500, url
        if "text/html" not in response.content_type:
            continue
        page = lxml.html.fromstring(response.get_data(as_text=True) or "<html></html>")
        for href in page.xpath("//a/@href|//iframe/@src"):
            parts = urlsplit(href)
            if not parts.netloc and href.startswith("/") and not href.startswith("/static/"):
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
        for form in page.xpath("//form"):
            if (form.get("method") or "get").lower() == "post":
                forms.append((url, form.get("action") or url, form))
    return seen, forms


def field_names(form) -> list[str]:
    names = {element.get("name") for element in form.xpath(".//input|.//textarea|.//select")}
    return sorted(name for name in names if name and name != "csrf_token")


@pytest.fixture
def site(shop, make_user, staff_client):
    member, user = signed_in_member(shop, make_user)
    order = orders.start(Plan.SOLO, user)
    inquiries.submit(
        inquiries.NewInquiry(
            kind=InquiryKind.CONTACT,
            topic="billing",
            name="Ana",
            email="ana@example.org",
            message="Hello",
            locale="en",
        )
    )
    course = db.session.scalar(select(Course).order_by(Course.id))
    ForumFactory().thread(user)  # the member's own: its edit and delete pages too
    messages.start(user, forum.profile_of(make_user()).display_name, "Hi", "Hello")
    db.session.commit()
    subscriber, certificate_code, submission_id = learning_subscriber(shop, make_user)
    steps = [f"/checkout/{order.public_id}/{step}" for step in STEPS]
    seeds = [
        "/",
        "/courses",
        "/paths",
        "/premium",
        "/help/browsers",
        "/contact",
        "/contact/received",
        "/signin",
        "/signin/code",
        "/paths/cybersecurity-analyst/notify",
        "/paths/web-developer/contact/sent",
        "/dev/outbox",
        "/favicon.ico",
        "/forum/",
    ]
    clients = {
        "visitor": shop.test_client(),
        "member": member,
        "staff": staff_client,
        "subscriber": subscriber,
    }
    extra = {
        "visitor": [],
        "member": ["/account", "/account/security", "/account/two-factor", *steps],
        "staff": [
            "/staff/",
            "/staff/inquiries",
            "/staff/promotions/new",
            "/staff/catalog/paths/new",
            "/staff/documents/new",
            f"/staff/orders/{order.reference}",
            f"/staff/catalog/courses/{course.id}/chapters/new",
            "/staff/certificates",
            "/staff/assignments",
            f"/staff/assignments/submissions/{submission_id}",
            "/staff/courses/sql-relational-databases/exercises",
        ],
        # Quizzes, their results, certificates, assignments and assessing: what a plan gives.
        "subscriber": [
            "/learning",
            "/learning/certificates",
            f"/certificates/{certificate_code}",
            "/courses/sql-relational-databases",
            "/courses/javascript-fundamentals",
        ],
    }
    # The subscriber's own pages first: the crawl stops after a number of pages.
    crawled = {
        who: crawl(client, extra[who] + seeds if who == "subscriber" else seeds + extra[who])
        for who, client in clients.items()
    }
    return {
        "app": shop,
        "clients": clients,
        "pages": [(who, pages) for who, (pages, _forms) in crawled.items()],
        "forms": [(who, forms) for who, (_pages, forms) in crawled.items()],
    }


def learning_subscriber(app, make_user):
    """A Premium Solo member who passed the SQL course's quiz (a result and a
    certificate to reach) and submitted the JavaScript assignment, next to a peer's."""
    from tests.conftest import sign_in
    from tests.support.learning import quiz_form
    from tests.support.subscriptions import subscription

    clients = []
    for _ in range(2):
        user = make_user()
        subscription(user, Plan.SOLO)
        client = app.test_client()
        sign_in(client, user.email, user.password)
        client.post("/courses/javascript-fundamentals/assignments/2", data={"body": "My work"})
        clients.append(client)
    client = clients[0]
    quiz = "/courses/sql-relational-databases/quizzes/1"
    client.post(quiz, data=quiz_form(client, url=quiz, slug="sql-relational-databases"))
    from app.models import Certificate, Submission

    code = db.session.scalar(select(Certificate.code))
    submission_id = db.session.scalar(select(Submission.id))
    assert code and submission_id
    return client, code, submission_id


STEPS = ("account", "eligibility", "details", "payment", "review", "plan", "done")


def client_for(site, who: str):
    return site["clients"][who]


def test_every_get_route_is_reached_or_named(site):
    adapter = site["app"].url_map.bind("atelier.test")
    reached = set()
    for _who, pages in site["pages"]:
        for url in pages:
            try:
                endpoint, _args = adapter.match(urlsplit(url).path, method="GET")
            except (NotFound, MethodNotAllowed, RequestRedirect):
                continue
            reached.add(endpoint)
    rules = {rule.endpoint for rule in site["app"].url_map.iter_rules() if "GET" in rule.methods}
    forgotten = rules - reached - set(UNREACHED) - {"webhooks.receive"}
    assert not forgotten, f"routes no crawl reaches and UNREACHED does not name: {forgotten}"


def one_url_per_route(site, pages) -> list[str]:
    adapter = site["app"].url_map.bind("atelier.test")
    chosen = {}
    for url in sorted(pages):
        try:
            endpoint, _args = adapter.match(urlsplit(url).path, method="GET")
        except (NotFound, MethodNotAllowed, RequestRedirect):
            continue
        chosen.setdefault(endpoint, urlsplit(url).path)
    return sorted(chosen.values())


def test_hostile_query_strings_never_give_a_server_error(site):
    for who, pages in site["pages"]:
        client = client_for(site, who)
        for path in one_url_per_route(site, pages):
            for value in HOSTILE_VALUES:
                query = urlencode({name: value for name in HOSTILE_QUERY_NAMES})
                response = client.get(f"{path}?{query}")
                assert response.status_code < 500, (who, path, value[:20])


def test_routes_reached_from_outside_take_made_up_arguments(site):
    client = client_for(site, "member")
    for rule in site["app"].url_map.iter_rules():
        if rule.endpoint not in UNREACHED or rule.endpoint == "static":
            continue
        url = rule.rule
        for argument in rule.arguments:
            url = url.replace(f"<{argument}>", MADE_UP.get(argument, "x\x00²"))
            url = url.replace(f"<int:{argument}>", "1")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method, data={"name": "\x00", "decision": "accept"})
            assert response.status_code < 500, (rule.endpoint, method)


def distinct_forms(forms) -> dict[tuple, list[str]]:
    """One of each (action, fields): the language switch and sign-out forms are on every
    page."""
    found = {}
    for _page, action, form in forms:
        names = field_names(form)
        found.setdefault((urlsplit(action).path, tuple(names)), names)
    return found


def test_every_form_refuses_hostile_answers_without_a_server_error(site):
    for who, forms in site["forms"]:
        client = client_for(site, who)
        for (action, _key), names in distinct_forms(forms).items():
            for value in FORM_VALUES:
                for target in names:
                    data = {name: "ordinary answer" for name in names}
                    data[target] = value
                    response = client.post(action, data=data)
                    assert response.status_code < 500, (who, action, target, value[:20])


def test_a_nul_byte_gets_a_message_next_to_its_field(site):
    client = client_for(site, "visitor")
    response = client.post(
        "/contact",
        data={"name": "Ana\x00", "email": "ana@example.org", "topic": "billing", "message": "Hi"},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="name-error"' in html and "invisible control character" in html


def test_hostile_host_headers_never_give_a_server_error(shop):
    client = shop.test_client()
    for host in HOSTILE_HOSTS:
        for path in ("/", "/courses", "/password/forgot", "/no-such-page"):
            response = client.get(path, headers={"Host": host})
            assert response.status_code < 500, (host, path)
        response = client.post("/password/forgot", data={"email": "a@b.c"}, headers={"Host": host})
        assert response.status_code < 500, host
