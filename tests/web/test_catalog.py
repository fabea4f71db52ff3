"""The public catalog: lists and search, course and path pages, htmx fragments,
Contact Us, launch notifications, Start, Premium, and constant query counts."""

import re
from datetime import date

import pytest
from sqlalchemy import event, insert, select

from app import clock
from app.domain.pricing import SOLO, path_offer
from app.extensions import db
from app.models import (
    Chapter,
    Course,
    Inquiry,
    InquiryKind,
    LaunchWatch,
    LearningPath,
    Level,
    Price,
)
from app.seeds.catalog import seed_catalog
from app.services import catalog
from tests.conftest import outbox_for, sign_in

HX = {"HX-Request": "true"}


@pytest.fixture
def demo(app):
    seed_catalog(clock.today())
    db.session.commit()
    return app


def text(response) -> str:
    return response.get_data(as_text=True)


# --- lists -----------------------------------------------------------------------------


def test_course_list_full_page_and_fragment(demo, client):
    page = client.get("/courses")
    html = text(page)
    assert page.status_code == 200 and "HX-Request" in page.headers["Vary"]
    assert "<html" in html and 'role="search"' in html
    assert 'aria-live="polite"' in html and "14 results, page 1 of 2" in html
    assert 'data-hx-get="/courses"' in html and 'data-hx-push-url="true"' in html
    fragment = text(client.get("/courses", headers=HX))
    assert "<html" not in fragment and "<form" not in fragment
    assert 'data-hx-swap-oob="innerHTML"' in fragment and "14 results" in fragment
    assert fragment.count('class="catalog-card"') == 12


@pytest.mark.parametrize(
    ("language", "words", "not_words"),
    [
        ("en", ["Beginner", "taught in French", "10 hours", "Coming soon"], ["Débutant"]),
        (
            "fr",
            ["Débutant", "enseigné en Français", "10 heures", "Bientôt disponible"],
            ["Beginner", "taught in"],
        ),
    ],
)
def test_cards_show_their_labels_in_the_language_of_each_request(
    demo, app, language, words, not_words
):
    """The labels every card repeats are translated once per list (catalog/labels.py),
    for the request's language: asking in the other language first changes nothing."""
    other = app.test_client(use_cookies=False)
    other.get("/courses", headers={"Accept-Language": "fr" if language == "en" else "en"})
    visitor = app.test_client(use_cookies=False)
    courses = text(visitor.get("/courses?per_page=48", headers={"Accept-Language": language}))
    paths = text(visitor.get("/paths", headers={"Accept-Language": language}))
    for word in words:
        assert word in courses, word
    for word in not_words:
        assert word not in courses and word not in paths, word
    assert ("Coming soon" if language == "en" else "Bientôt disponible") in paths
    assert ("12 months" if language == "en" else "12 mois") in paths


def test_history_restore_gets_the_whole_page(demo, client):
    html = text(client.get("/courses", headers={**HX, "HX-History-Restore-Request": "true"}))
    assert "<html" in html


@pytest.mark.parametrize(
    ("query", "expected", "absent"),
    [
        ("q=python", "Take your first steps in Python", "Linux"),
        ("q=PYTHON", "Take your first steps in Python", "Linux"),
        ("q=donn%C3%A9es", "Query relational databases", "Python"),  # French words match
        ("q=donnees", "Query relational databases", "Python"),  # accents optional
        ("level=advanced", "Build interfaces with React", "first steps"),
        ("language=fr&level=beginner", "Build your first web pages", "React"),
        ("duration=long", "Start with machine learning", "Git"),
        ("availability=upcoming", "Prototype interfaces with Figma", "Python"),
    ],
)
def test_course_search_and_filters(demo, client, query, expected, absent):
    html = text(client.get(f"/courses?{query}&per_page=48"))
    assert expected in html and absent not in html.split('id="results"')[1]


def test_path_filters(demo, client):
    rncp = text(client.get("/paths?certification=rncp"))
    assert "Web Developer" in rncp and "Digital Project Manager" in rncp
    assert "Data Analyst" not in rncp and "2 results" in rncp
    rs = text(client.get("/paths?certification=rs"))
    assert "Data Analyst" in rs and "1 result" in rs
    upcoming = text(client.get("/paths?availability=upcoming"))
    assert "Cybersecurity Analyst" in upcoming and "1 result" in upcoming
    assert "€250.00 a month" in text(client.get("/paths?q=data"))


def test_pagination_keeps_the_filters(demo, client):
    html = text(client.get("/courses?language=en"))
    assert "7 results" in html
    html = text(client.get("/courses?per_page=12&page=2"))
    assert "page 2 of 2" in html and 'href="/courses"' in html
    assert 'aria-current="page"' in html
    # Pages beyond the last are empty, not errors.
    assert text(client.get("/courses?page=99")).count('class="catalog-card"') == 0


@pytest.mark.parametrize(
    "q",
    [
        "x" * 1000,
        "' OR 1=1 --",
        "%' UNION SELECT password_hash FROM users --",
        "100%_done\\",
        '<script>alert("x")</script>',
        '"><img src=x onerror=alert(1)>',
    ],
)
def test_hostile_search_is_safe_and_escaped(demo, client, q):
    response = client.get("/courses", query_string={"q": q})
    html = text(response)
    assert response.status_code == 200
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "0 results" in html


def test_wildcards_are_literal(demo, client):
    assert "0 results" in text(client.get("/courses?q=%25"))
    assert "0 results" in text(client.get("/courses?q=_"))


def test_unknown_filter_values_are_ignored(demo, client):
    html = text(client.get("/courses?level=expert&duration=forever&page=abc&per_page=5000"))
    assert "14 results" in html


# --- course pages ------------------------------------------------------------------------


def test_course_page(demo, client):
    html = text(client.get("/courses/html-css-first-pages"))
    assert "Build your first web pages with HTML and CSS" in html
    assert "Beginner" in html and "10 hours" in html
    assert "/courses/html-css-first-pages/chapters/1" in html
    assert "Locked" in html and 'href="/premium"' in html and "Become Premium Solo" in html


def test_course_page_in_french(demo, client):
    html = text(client.get("/courses/html-css-first-pages", headers={"Accept-Language": "fr"}))
    assert "Créez vos premières pages web avec HTML et CSS" in html


def test_course_fragment(demo, client):
    html = text(client.get("/courses/html-css-first-pages", headers=HX))
    assert "<html" not in html and "<h1>" in html


def test_chapter_with_text_and_images(demo, client):
    html = text(client.get("/courses/html-css-first-pages/chapters/3"))
    assert '<img src="/static/img/catalog/box-model.svg"' in html
    assert "Chapter 3 of 3" in html and 'rel="prev"' in html


def test_chapter_video_player_has_captions_and_transcript(demo, client):
    chapter = db.session.scalar(select(Chapter).where(Chapter.position == 1).limit(1))
    chapter.video_url = "/static/media/intro.mp4"
    chapter.captions_url = "/static/media/intro.en.vtt"
    chapter.video_language = "en"
    chapter.transcript_en = "Hello and welcome."
    catalog.bump_version()
    db.session.commit()
    html = text(client.get(f"/courses/{chapter.course.slug}/chapters/1"))
    assert '<video controls preload="none" src="/static/media/intro.mp4"' in html
    assert '<track kind="captions" src="/static/media/intro.en.vtt" srclang="en"' in html
    assert 'href="#transcript"' in html and 'id="transcript"' in html
    assert "Hello and welcome." in html


@pytest.mark.parametrize(
    "url",
    [
        "/courses/nope",
        "/paths/nope",
        "/courses/html-css-first-pages/chapters/99",
        "/paths/nope/contact",
        "/paths/nope/notify",
        "/paths/nope/start",
    ],
)
def test_unknown_slug_is_404(demo, client, url):
    response = client.get(url)
    assert response.status_code == 404 and "Page not found" in text(response)


# --- path pages -----------------------------------------------------------------------------


def test_path_page_shows_the_whole_pedagogy_without_signing_in(demo, client):
    html = text(client.get("/paths/web-developer"))
    for expected in [
        "Web Developer",
        "RNCP registered title (RNCP00001)",  # certification and code
        "12 months on average",
        "35 hours a week",
        "Programme",
        "Turn a mock-up into a web page",  # a project, in order
        "at least 6 projects",
        "Mentoring",
        "Support",
        "Assessments",
        "How you receive your guidelines",
        "Prior knowledge",
        "Education required",
        "Careers",
        "Fund Your Learning Path",
        "Monthly Subscription",
        "€300.00 a month",
        "all taxes included",
        ">Start<",
        ">Contact Us<",
    ]:
        assert expected in html, expected
    overview = html.split('id="overview"')[1].split("</section>")[0]
    prerequisites = overview.split('id="prerequisites"')[1]
    assert 'id="equipment"' in prerequisites  # Overview → Prerequisites → Equipment
    assert html.index("Build your first web pages") < html.index("Turn a mock-up")
    assert 'src="/static/js/tabs.js"' in html and "data-tabs" in html


def test_rs_path_and_no_certification(demo, client):
    assert "RS registered certification (RS0002)" in text(client.get("/paths/data-analyst"))
    assert "No state-registered certification" in text(client.get("/paths/ux-designer"))


def test_indicative_amount_in_the_visitor_currency(demo, client):
    british = text(client.get("/paths/web-developer", headers={"Accept-Language": "en-GB"}))
    assert "About £255 a month in your currency" in british
    assert "always charged in euros" in british
    french = text(client.get("/paths/web-developer", headers={"Accept-Language": "fr-FR"}))
    assert "£" not in french and "in your currency" not in french
    assert "Accept-Language" in client.get("/paths/web-developer").headers["Vary"]


def test_members_see_the_amount_of_their_country(demo, client, make_user):
    user = make_user(country="CH")
    sign_in(client, user.email, user.password)
    html = text(client.get("/paths/web-developer", headers={"Accept-Language": "en-GB"}))
    assert "CHF" in html and "£" not in html


def test_scheduled_price_does_not_show_before_its_date(demo, client):
    path = db.session.scalar(select(LearningPath).where(LearningPath.slug == "data-analyst"))
    prices = db.session.scalars(select(Price).where(Price.offer == path_offer(path.id))).all()
    assert sorted(p.amount_cents for p in prices) == [25000, 28000]
    html = text(client.get("/paths/data-analyst"))
    assert "€250.00 a month" in html and "€280.00" not in html


def test_upcoming_path_shows_its_launch_and_no_start(demo, client):
    html = text(client.get("/paths/cybersecurity-analyst"))
    assert "This path is not open yet" in html
    assert re.search(r"estimated launch in (winter|spring|summer|autumn) \d{4}", html)
    assert ">Start<" not in html and ">Contact Us<" in html
    # The form has a page of its own, so that the path page stays public.
    main = html.split('<main id="main"')[1]
    assert 'href="/paths/cybersecurity-analyst/notify"' in main and "<input" not in main
    form = text(client.get("/paths/cybersecurity-analyst/notify"))
    assert 'action="/paths/cybersecurity-analyst/notify"' in form


def test_start_opens_checkout_and_upcoming_paths_have_no_start(demo, client):
    html = text(client.get("/paths/web-developer"))
    assert re.search(
        r'<a class="button" href="/checkout/path/web-developer"'
        r' aria-label="Start Premium Plus for Web Developer">Start</a>',
        html,
    )
    start = text(client.get("/checkout/path/web-developer"))
    assert 'action="/checkout/path/web-developer"' in start and ">Start now<" in start
    response = client.post("/checkout/path/web-developer")
    assert response.status_code == 302 and response.headers["Location"].endswith("/account")
    assert "/checkout/path/" not in text(client.get("/paths/cybersecurity-analyst"))


def test_premium_page_shows_the_solo_price_in_force(demo, client):
    html = text(client.get("/premium"))
    assert "Premium Solo" in html and "€20.00 a month" in html and "€18.00" not in html
    assert 'href="/checkout/plus"' in html and 'href="/checkout/solo"' in html


def test_header_links_to_the_catalog(demo, client):
    html = text(client.get("/"))
    assert 'href="/courses"' in html and 'href="/paths"' in html


# --- Contact Us --------------------------------------------------------------------------------


def contact_data(**overrides):
    return {
        "name": "Inès Dupont",
        "email": "Ines@Example.org",
        "phone": "+33 6 12 34 56 78",
        "inquiry_type": "funding",
        "message": "Can my employer pay for this path?",
        **overrides,
    }


def test_contact_us_is_stored_acknowledged_and_queued(demo, client):
    page = text(client.get("/paths/web-developer/contact"))
    assert "What is your question about?" in page and "Start dates" in page
    response = client.post("/paths/web-developer/contact", data=contact_data())
    assert response.status_code == 302
    inquiry = db.session.scalar(select(Inquiry))
    assert inquiry.kind is InquiryKind.PATH and inquiry.topic == "funding"
    assert inquiry.subject_ref == "path:web-developer"
    (ack,) = outbox_for("ines@example.org")
    assert inquiry.reference in ack.subject
    sent = text(client.get(response.headers["Location"]))
    assert inquiry.reference in sent and "What happens next" in sent


def test_contact_us_errors_keep_the_answers(demo, client):
    response = client.post(
        "/paths/web-developer/contact",
        data=contact_data(email="not-an-email", inquiry_type="bribe", message=""),
    )
    html = text(response)
    assert response.status_code == 422
    assert "There is a problem" in html
    assert "Enter an email address in the correct format" in html
    assert "Choose what your question is about." in html
    assert "Enter your message." in html
    assert 'value="Inès Dupont"' in html
    assert db.session.scalar(select(Inquiry)) is None


def test_contact_us_htmx_answers(demo, client):
    bad = client.post("/paths/web-developer/contact", data=contact_data(name=""), headers=HX)
    assert bad.status_code == 422 and "<html" not in text(bad)
    good = client.post("/paths/web-developer/contact", data=contact_data(), headers=HX)
    assert good.headers["HX-Redirect"] == "/paths/web-developer/contact/sent"


def test_contact_sent_without_a_message_goes_back_to_the_form(demo, client):
    response = client.get("/paths/web-developer/contact/sent")
    assert response.headers["Location"] == "/paths/web-developer/contact"


# --- waiting for an upcoming path ----------------------------------------------------------------


def test_leave_an_email_for_an_upcoming_path(demo, client):
    response = client.post("/paths/cybersecurity-analyst/notify", data={"email": "Zoe@Example.org"})
    assert response.status_code == 302
    again = client.post("/paths/cybersecurity-analyst/notify", data={"email": "zoe@example.org"})
    assert again.status_code == 302
    (watch,) = db.session.scalars(select(LaunchWatch)).all()
    assert watch.email == "zoe@example.org" and watch.told_period


def test_launch_watch_form_errors_and_fragment(demo, client):
    bad = client.post("/paths/cybersecurity-analyst/notify", data={"email": "nope"})
    assert bad.status_code == 422 and "Enter an email address in the correct format" in text(bad)
    fragment = client.post(
        "/paths/cybersecurity-analyst/notify", data={"email": "a@example.org"}, headers=HX
    )
    assert fragment.status_code == 200 and "<html" not in text(fragment)
    assert 'role="status"' in text(fragment)
    open_path = client.post("/paths/web-developer/notify", data={"email": "a@example.org"})
    assert open_path.headers["Location"] == "/paths/web-developer"


# --- query counts ------------------------------------------------------------------------------


@pytest.fixture
def count_queries(app):
    counter = {"n": 0}

    def before_cursor_execute(*args):
        counter["n"] += 1

    engine = db.engine
    event.listen(engine, "before_cursor_execute", before_cursor_execute)

    def measure(client, url):
        counter["n"] = 0
        response = client.get(url)
        assert response.status_code == 200, url
        return counter["n"]

    yield measure
    event.remove(engine, "before_cursor_execute", before_cursor_execute)


def add_courses(n: int, start: int) -> None:
    db.session.execute(
        insert(Course),
        [
            {
                "slug": f"generated-{i}",
                "title_en": f"Generated course {i}",
                "title_fr": f"Cours généré {i}",
                "summary_en": "Python and data",
                "summary_fr": "Python et données",
                "level": Level.BEGINNER,
                "language": "en",
                "duration_hours": 1 + i % 30,
                "search_text": "generated python data",
            }
            for i in range(start, start + n)
        ],
    )
    catalog.bump_version()  # as every catalog change does: nothing cached is read again
    db.session.commit()


PAGES = [
    "/courses",
    "/courses?q=python&level=beginner",
    "/paths",
    "/paths?certification=rncp",
    "/paths/web-developer",
    "/paths/cybersecurity-analyst",
    "/courses/html-css-first-pages",
    "/courses/html-css-first-pages/chapters/2",
    "/premium",
]


def test_query_count_does_not_grow_with_the_catalog(demo, app, client, make_user, count_queries):
    member = app.test_client()
    user = make_user(country="GB")
    sign_in(member, user.email, user.password)
    add_courses(10, 0)
    small = {url: (count_queries(client, url), count_queries(member, url)) for url in PAGES}
    add_courses(990, 10)
    large = {url: (count_queries(client, url), count_queries(member, url)) for url in PAGES}
    assert small == large
    assert max(anon for anon, _ in large.values()) <= 6


def test_price_for_is_what_the_service_uses(demo):
    today = clock.today()
    solo = catalog.current_price(SOLO, today)
    assert solo.amount_cents == 2000
    assert catalog.current_price(SOLO, date(2025, 6, 1)).amount_cents == 1800


def test_contact_us_and_launch_watch_are_rate_limited(demo, make_app):
    limited = make_app(
        RATELIMIT_ENABLED=True,
        RATELIMIT_CONTACT="2 per minute",
        RATELIMIT_LAUNCH_WATCH="2 per minute",
    )
    client = limited.test_client()
    codes = [
        client.post("/paths/web-developer/contact", data=contact_data(name="")).status_code
        for _ in range(3)
    ]
    assert codes == [422, 422, 429]
    codes = [
        client.post("/paths/cybersecurity-analyst/notify", data={"email": "x"}).status_code
        for _ in range(3)
    ]
    assert codes == [422, 422, 429]
