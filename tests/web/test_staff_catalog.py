"""Staff manage courses, paths, prices, availability and currency rates."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app import clock
from app.domain.pricing import path_offer
from app.extensions import db
from app.models import Course, CurrencyRate, LaunchWatch, LearningPath, Price
from app.models.catalog import PATH_TEXTS
from app.seeds.catalog import seed_catalog
from app.services import catalog, tokens
from tests.conftest import outbox_for, sign_in


@pytest.fixture
def demo(app):
    seed_catalog(clock.today())
    db.session.commit()


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def the_path(slug: str) -> LearningPath:
    db.session.expire_all()
    return db.session.scalar(select(LearningPath).where(LearningPath.slug == slug))


def month_after(months: int) -> str:
    today = clock.today()
    year, month = divmod(today.month - 1 + months, 12)
    return f"{today.year + year:04d}-{month + 1:02d}"


def course_data(**overrides):
    return {
        "slug": "typescript-basics",
        "title_en": "Learn TypeScript",
        "title_fr": "Apprenez TypeScript",
        "summary_en": "Types for JavaScript.",
        "summary_fr": "Des types pour JavaScript.",
        "level": "intermediate",
        "language": "en",
        "duration_hours": "12",
        "availability": "open",
        **overrides,
    }


def path_data(**overrides):
    data = {
        "slug": "devops-engineer",
        "title_en": "DevOps Engineer",
        "title_fr": "Ingénieur DevOps",
        "level": "intermediate",
        "language": "en",
        "certification": "rncp",
        "certification_code": "RNCP12345",
        "duration_months": "12",
        "min_projects": "8",
        "programme": "course: linux-command-line\nproject: Automate a deployment | Automatisez un déploiement",
        "availability": "open",
        "launch_estimate": "",
        "launch_precision": "month",
        "monthly_price": "300",
    }
    for name in PATH_TEXTS:
        data[f"{name}_en"] = f"{name} in English"
        data[f"{name}_fr"] = f"{name} en français"
    return {**data, **overrides}


@pytest.mark.parametrize(
    "url",
    [
        "/staff/catalog",
        "/staff/catalog/courses/new",
        "/staff/catalog/paths/new",
        "/staff/catalog/prices",
        "/staff/catalog/rates",
    ],
)
def test_learners_get_403(client, make_user, url):
    learner = make_user()
    sign_in(client, learner.email, learner.password)
    assert client.get(url).status_code == 403
    if url != "/staff/catalog":
        assert client.post(url, data={}).status_code == 403


def test_catalog_overview(demo, staff_client):
    html = staff_client.get("/staff/catalog").get_data(as_text=True)
    assert "Web Developer" in html and "€300.00" in html and "Learn the fundamentals" in html
    assert 'href="/staff/catalog"' in staff_client.get("/staff/").get_data(as_text=True)


def test_add_and_edit_a_course(demo, staff_client, client):
    response = staff_client.post("/staff/catalog/courses/new", data=course_data())
    assert response.status_code == 302
    course = db.session.scalar(select(Course).where(Course.slug == "typescript-basics"))
    assert "Learn TypeScript" in client.get("/courses?q=typescript").get_data(as_text=True)
    edited = staff_client.post(
        f"/staff/catalog/courses/{course.id}", data=course_data(title_en="TypeScript, typed")
    )
    assert edited.status_code == 302
    assert "TypeScript, typed" in client.get("/courses/typescript-basics").get_data(as_text=True)


@pytest.mark.parametrize(
    ("overrides", "message", "field"),
    [
        ({"slug": "linux-command-line"}, "Another course already uses this web address.", "slug"),
        ({"slug": "Not A Slug!"}, "Use lower-case letters, digits and hyphens only", "slug"),
        ({"duration_hours": "0"}, "Enter a duration between 1 and 2,000 hours.", "duration_hours"),
        ({"duration_hours": "-3"}, "Enter a duration between 1 and 2,000 hours.", "duration_hours"),
        ({"duration_hours": "ten"}, "Enter a whole number, like 12.", "duration_hours"),
        ({"title_fr": ""}, "Enter the title in French.", "title_fr"),
    ],
)
def test_course_form_errors(demo, staff_client, overrides, message, field):
    before = count(Course)
    response = staff_client.post("/staff/catalog/courses/new", data=course_data(**overrides))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html and f'id="{field}-error"' in html and "There is a problem" in html
    assert count(Course) == before


def test_add_a_path_with_its_first_price(demo, staff_client, client):
    response = staff_client.post("/staff/catalog/paths/new", data=path_data())
    assert response.status_code == 302, response.get_data(as_text=True)
    path = the_path("devops-engineer")
    assert [s.kind.value for s in path.steps] == ["course", "project"]
    price = catalog.current_price(path_offer(path.id), clock.today())
    assert price.amount_cents == 30000
    html = client.get("/paths/devops-engineer").get_data(as_text=True)
    assert "RNCP12345" in html and "€300.00 a month" in html and "Automate a deployment" in html


def test_path_texts_are_markdown_rendered_safely(demo, staff_client, client):
    data = path_data(
        careers_en="**Site reliability**\n\n<script>alert(1)</script>[x](javascript:alert(1))"
    )
    assert staff_client.post("/staff/catalog/paths/new", data=data).status_code == 302
    html = client.get("/paths/devops-engineer").get_data(as_text=True)
    assert "<strong>Site reliability</strong>" in html
    assert "<script>alert(1)" not in html and 'href="javascript' not in html


@pytest.mark.parametrize(
    ("overrides", "message", "field"),
    [
        ({"monthly_price": "0"}, "Enter a price greater than zero.", "monthly_price"),
        ({"monthly_price": "-20"}, "Enter a price greater than zero.", "monthly_price"),
        ({"monthly_price": "lots"}, "Enter an amount in euros, like 49.90.", "monthly_price"),
        ({"duration_months": "0"}, "Enter a duration between 1 and 60 months.", "duration_months"),
        (
            {"duration_months": "3", "monthly_price": "300"},
            "at most 30% of the contract price",
            "monthly_price",
        ),
        ({"slug": "web-developer"}, "Another path already uses this web address.", "slug"),
        (
            {"availability": "upcoming", "launch_estimate": "2020-01"},
            "The estimated launch must be this month or later.",
            "launch_estimate",
        ),
        (
            {"availability": "upcoming", "launch_estimate": ""},
            "Enter the estimated launch month.",
            "launch_estimate",
        ),
        ({"programme": "course: no-such-course"}, "No course has the web address", "programme"),
        ({"programme": "lesson: something"}, "Line 1: start the line with", "programme"),
        ({"certification_code": ""}, "Enter the registration code", "certification_code"),
        (
            {"careers_en": "", "careers_fr": ""},
            "Write this text in English, French or both.",
            "careers_en",
        ),
    ],
)
def test_path_form_errors_save_nothing(demo, staff_client, overrides, message, field):
    paths, prices = count(LearningPath), count(Price)
    response = staff_client.post("/staff/catalog/paths/new", data=path_data(**overrides))
    html = response.get_data(as_text=True)
    assert response.status_code == 422, html
    assert message in html and f'id="{field}-error"' in html
    assert 'value="DevOps Engineer"' in html  # nothing typed is lost
    assert (count(LearningPath), count(Price)) == (paths, prices)


def test_shortening_a_path_below_the_30_percent_rule_is_refused(demo, staff_client):
    path = the_path("web-developer")
    data = path_data(slug="web-developer", duration_months="3")
    response = staff_client.post(f"/staff/catalog/paths/{path.id}", data=data)
    assert response.status_code == 422
    assert "at most 30% of the contract price" in response.get_data(as_text=True)
    assert the_path("web-developer").duration_months == 12


def test_prices_with_history(demo, staff_client, client):
    path = the_path("web-developer")
    offer = path_offer(path.id)
    today = clock.today()
    later = today + timedelta(days=40)
    response = staff_client.post(
        "/staff/catalog/prices",
        data={"offer": offer, "amount": "320", "effective_from": later.isoformat()},
    )
    assert response.status_code == 302
    assert "€300.00 a month" in client.get("/paths/web-developer").get_data(as_text=True)
    assert catalog.current_price(offer, later).amount_cents == 32000
    html = staff_client.get("/staff/catalog/prices").get_data(as_text=True)
    assert "Scheduled" in html and "In force today" in html and "€320.00" in html


def test_a_price_from_today_shows_at_once(demo, staff_client, client):
    response = staff_client.post(
        "/staff/catalog/prices",
        data={
            "offer": "solo",
            "amount": "21.50",
            "effective_from": clock.today().isoformat(),
        },
    )
    assert response.status_code == 302
    assert "€21.50 a month" in client.get("/premium").get_data(as_text=True)


@pytest.mark.parametrize(
    ("amount", "when", "message", "field"),
    [
        ("0", 10, "Enter a price greater than zero.", "amount"),
        ("-5", 10, "Enter a price greater than zero.", "amount"),
        ("12.345", 10, "Enter an amount in euros, like 49.90.", "amount"),
        ("300", -1, "The date must be today or later.", "effective_from"),
    ],
)
def test_price_form_errors(demo, staff_client, amount, when, message, field):
    path = the_path("web-developer")
    before = count(Price)
    day = clock.today() + timedelta(days=when)
    response = staff_client.post(
        "/staff/catalog/prices",
        data={"offer": path_offer(path.id), "amount": amount, "effective_from": day.isoformat()},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html and f'id="{field}-error"' in html
    assert count(Price) == before


def test_two_prices_on_the_same_day_are_refused(demo, staff_client):
    day = (clock.today() + timedelta(days=5)).isoformat()
    data = {"offer": "solo", "amount": "25", "effective_from": day}
    assert staff_client.post("/staff/catalog/prices", data=data).status_code == 302
    again = staff_client.post("/staff/catalog/prices", data=data)
    assert again.status_code == 422
    assert "already has a price from that date" in again.get_data(as_text=True)


def test_the_domain_refuses_a_bad_price_even_without_the_form(demo):
    from app.domain.errors import DomainError

    path = the_path("web-developer")
    # One month paid in advance is 1/12 of this path's contract price: any price passes.
    catalog.add_price(path_offer(path.id), 500000, date(2099, 1, 1), None, date(2026, 1, 1))
    # On a three-month path a month is a third of the contract price: refused.
    path.duration_months = 3
    with pytest.raises(DomainError) as refused:
        catalog.add_price(path_offer(path.id), 100, date(2099, 2, 1), None, date(2026, 1, 1))
    assert refused.value.field == "amount"
    assert "at most 30% of the contract price" in str(refused.value.message)


# --- availability and the people waiting ---------------------------------------------------


def upcoming_path_form() -> tuple[str, dict]:
    """The staff form of the demo's upcoming path, as saved: its URL and its fields."""
    path = the_path("cybersecurity-analyst")
    base = path_data(
        slug="cybersecurity-analyst",
        certification="none",
        certification_code="",
        duration_months="10",
        availability="upcoming",
        launch_precision="month",
    )
    return f"/staff/catalog/paths/{path.id}", base


def test_moving_the_launch_and_opening_tell_those_waiting(demo, staff_client, client):
    client.post("/paths/cybersecurity-analyst/notify", data={"email": "wait@example.org"})
    client.post(
        "/paths/cybersecurity-analyst/notify",
        data={"email": "attendre@example.org"},
        headers={"Accept-Language": "fr"},
    )
    url, base = upcoming_path_form()
    # Later than announced: one email each, in their language.
    assert (
        staff_client.post(url, data={**base, "launch_estimate": month_after(9)}).status_code == 302
    )
    (moved,) = outbox_for("wait@example.org")
    assert "New estimated launch" in moved.subject and "later than announced" in moved.text_body
    (moved_fr,) = outbox_for("attendre@example.org")
    assert moved_fr.locale == "fr"
    page = client.get("/paths/cybersecurity-analyst").get_data(as_text=True)
    assert "The estimate changed: we first announced a launch in " in page
    # Saving again without a change sends nothing.
    staff_client.post(url, data={**base, "launch_estimate": month_after(9)})
    assert len(outbox_for("wait@example.org")) == 1
    # Opening now is earlier than announced: one more email, and the page says so.
    assert staff_client.post(url, data={**base, "availability": "open"}).status_code == 302
    opened = outbox_for("wait@example.org")[-1]
    assert "is open" in opened.subject and "earlier than the period" in opened.text_body
    assert "/paths/cybersecurity-analyst" in opened.text_body
    page = client.get("/paths/cybersecurity-analyst").get_data(as_text=True)
    assert "earlier than we had announced" in page and ">Start<" in page
    staff_client.post(url, data={**base, "availability": "open"})
    assert len(outbox_for("wait@example.org")) == 2
    assert all(w.opened_notified_at for w in db.session.scalars(select(LaunchWatch)))


def stop_link_in(message) -> str:
    return re.search(r"https?://[^/\s]+(/launch-notices/\S+)", message.text_body).group(1)


def test_a_launch_notice_can_stop_the_next_ones(demo, staff_client, client, make_app):
    for email in ("wait@example.org", "other@example.org"):
        client.post("/paths/cybersecurity-analyst/notify", data={"email": email})
    url, base = upcoming_path_form()
    staff_client.post(url, data={**base, "launch_estimate": month_after(9)})
    (moved,) = outbox_for("wait@example.org")
    link = stop_link_in(moved)
    assert link in moved.html_body
    # Opening the link (as a mail scanner would) stops nothing: it asks first.
    page = client.get(link)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Stop the emails about" in html and "wait@example.org" in html
    assert db.session.scalar(select(func.count()).select_from(LaunchWatch)) == 2
    with_csrf = make_app(WTF_CSRF_ENABLED=True).test_client()
    assert with_csrf.post(link).status_code == 400  # no token, nothing stopped
    assert client.post(link).status_code == 302
    done = client.get(link)
    assert done.status_code == 200 and "No more emails about" in done.get_data(as_text=True)
    emails = db.session.scalars(select(LaunchWatch.email)).all()
    assert emails == ["other@example.org"]
    # The next change reaches only the one still waiting.
    staff_client.post(url, data={**base, "launch_estimate": month_after(11)})
    assert len(outbox_for("wait@example.org")) == 1
    assert len(outbox_for("other@example.org")) == 2
    # A link altered by one character fails; a signed link naming someone else's watch
    # with another address's digest stops nothing.
    assert client.get(link[:-3] + "xyz").status_code == 404
    other = db.session.scalar(select(LaunchWatch))
    forged = tokens.make(
        catalog.STOP_WATCHING,
        {"w": other.id, "p": other.path_id, "e": tokens.fingerprint("wait@example.org")},
    )
    client.post(f"/launch-notices/{forged}")
    assert "other@example.org" not in client.get(f"/launch-notices/{forged}").get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(LaunchWatch)) == 1
    own = stop_link_in(outbox_for("other@example.org")[-1])
    assert "other@example.org" in client.get(own).get_data(as_text=True)


def test_currency_rates(demo, staff_client, client):
    response = staff_client.post(
        "/staff/catalog/rates", data={"country": "SE", "currency": "sek", "rate": "11,2"}
    )
    assert response.status_code == 302
    assert (
        db.session.scalar(select(CurrencyRate).where(CurrencyRate.country == "SE")).currency
        == "SEK"
    )
    html = client.get("/paths/web-developer", headers={"Accept-Language": "sv-SE"}).get_data(
        as_text=True
    )
    assert "SEK" in html and "3,360" in html
    bad = staff_client.post(
        "/staff/catalog/rates", data={"country": "SE", "currency": "kr", "rate": "0"}
    )
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert (
        "Enter a three-letter code, like GBP." in html and "Enter a rate greater than zero." in html
    )


def chapter_data(**overrides):
    return {
        "position": "4",
        "title_en": "Forms",
        "title_fr": "Les formulaires",
        "body_en": "Labels for every field.",
        "body_fr": "",
        "video_url": "/static/media/forms.mp4",
        "captions_url": "/static/media/forms.en.vtt",
        "video_language": "en",
        "transcript_en": "In this video we build a form.",
        "transcript_fr": "",
        **overrides,
    }


def test_add_a_chapter_with_a_video(demo, staff_client, client):
    course = db.session.scalar(select(Course).where(Course.slug == "html-css-first-pages"))
    url = f"/staff/catalog/courses/{course.id}/chapters/new"
    assert "Position in the course" in staff_client.get(url).get_data(as_text=True)
    assert staff_client.post(url, data=chapter_data()).status_code == 302
    html = client.get("/courses/html-css-first-pages/chapters/4").get_data(as_text=True)
    assert '<track kind="captions" src="/static/media/forms.en.vtt"' in html
    assert "In this video we build a form." in html


@pytest.mark.parametrize(
    ("overrides", "message", "field"),
    [
        ({"position": "1"}, "Another chapter of this course has this position.", "position"),
        ({"captions_url": ""}, "A video needs a captions file.", "captions_url"),
        ({"transcript_en": ""}, "A video needs a transcript", "transcript_en"),
        ({"video_url": "javascript:alert(1)"}, "Enter an address on this site", "video_url"),
        ({"body_en": ""}, "Write the text in English, French or both.", "body_en"),
    ],
)
def test_chapter_form_errors(demo, staff_client, overrides, message, field):
    course = db.session.scalar(select(Course).where(Course.slug == "html-css-first-pages"))
    response = staff_client.post(
        f"/staff/catalog/courses/{course.id}/chapters/new", data=chapter_data(**overrides)
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html and f'id="{field}-error"' in html
    db.session.expire_all()
    assert len(db.session.get(Course, course.id).chapters) == 3
