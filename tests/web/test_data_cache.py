"""The data cache (app/services/data_cache.py): catalog lists are read from the database
once per catalog version, query, language and day, kept as plain data, and a change is
visible at once."""

import logging
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, inspect, select
from sqlalchemy.exc import NoInspectionAvailable

from app import clock
from app.domain.pricing import path_offer
from app.extensions import db
from app.models import Course, LearningPath
from app.seeds.catalog import seed_catalog
from app.services import catalog
from tests.conftest import sign_in

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def demo(app):
    seed_catalog(clock.today())
    db.session.commit()
    return app


@pytest.fixture
def queries(app):
    statements = []

    def on_query(_conn, _cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", on_query)
    yield statements
    event.remove(db.engine, "before_cursor_execute", on_query)


def test_a_list_shown_again_reads_only_the_catalog_version(demo, client, queries):
    first = client.get("/courses?q=web")
    assert len(queries) > 1
    queries.clear()
    again = client.get("/courses?q=web")
    assert again.get_data() == first.get_data()
    assert queries == [catalog.version._VERSION_SQL]  # the ETag's and the cache key's, read once
    queries.clear()
    client.get("/courses?q=data")  # another query: its own entry
    assert len(queries) > 1


def test_a_catalog_change_is_in_the_next_list(demo, client):
    assert "JavaScript, second edition" not in client.get("/courses").get_data(as_text=True)
    course = db.session.scalar(select(Course).where(Course.slug == "javascript-fundamentals"))
    catalog.save_course(
        course,
        {
            **{name: getattr(course, name) for name in catalog.COURSE_FIELDS},
            "title_en": "JavaScript, second edition",
        },
    )
    db.session.commit()
    assert "JavaScript, second edition" in client.get("/courses").get_data(as_text=True)


def test_each_language_has_its_own_entry(demo, app):
    visitor = app.test_client(use_cookies=False)
    english = visitor.get("/paths", headers={"Accept-Language": "en"}).get_data(as_text=True)
    french = visitor.get("/paths", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Web Developer" in english and "Développeur web" in french
    assert "Développeur web" not in english


def test_a_price_that_starts_at_midnight_shows_the_next_day(demo, client, monkeypatch):
    path = db.session.scalar(select(LearningPath).where(LearningPath.slug == "web-developer"))
    tomorrow = clock.today() + timedelta(days=1)
    catalog.add_price(path_offer(path.id), 29900, tomorrow, None, clock.today())
    db.session.commit()
    assert "€299.00" not in client.get("/paths").get_data(as_text=True)
    later = clock.now() + timedelta(days=1)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert "€299.00" in client.get("/paths").get_data(as_text=True)


def test_entries_are_plain_data_never_orm_instances(demo, app):
    query = catalog.CatalogQuery(q="web")
    for _ in range(2):  # the second answer comes from the cache
        with app.test_request_context("/courses"):
            results = catalog.search_courses(query, "en")
        assert results.items
        for card in results.items:
            assert isinstance(card, catalog.CourseCard)
            with pytest.raises(NoInspectionAvailable):
                inspect(card)


def test_a_cache_that_is_down_slows_pages_never_fails_them(demo, make_app, caplog):
    unreachable = make_app(CACHE_TYPE="RedisCache", CACHE_REDIS_URL="redis://127.0.0.1:1/0")
    with caplog.at_level(logging.WARNING, logger="atelier.cache"):
        response = unreachable.test_client().get("/courses")
    assert response.status_code == 200 and "catalog-card" in response.get_data(as_text=True)
    assert "data cache unavailable" in caplog.text


# --- the rendered results of a list -------------------------------------------------------

CACHE_BLOCK = re.compile(r"{%-?\s*cache\b(.*?){%-?\s*endcache\s*-?%}", re.S)
PERSONAL = re.compile(r"current_user|csrf|\bsession\b|\brequest\b|get_flashed_messages|\bg\.")


def test_cached_fragments_name_nothing_personal():
    """Every `{% cache %}` block in the templates: a member, a token, the session or the
    request could not appear in what is kept for everyone."""
    blocks = []
    for template in (ROOT / "app" / "templates").rglob("*.html"):
        blocks += [(template.name, body) for body in CACHE_BLOCK.findall(template.read_text())]
    assert {name for name, _ in blocks} >= {"courses.html", "paths.html"}
    for name, body in blocks:
        assert not PERSONAL.search(body), (name, PERSONAL.search(body))


def test_a_members_list_leaves_nothing_of_theirs_for_visitors(demo, app, make_user):
    user = make_user(name="Ada Lovelace")
    member = app.test_client()
    sign_in(member, user.email, user.password)
    for url in ("/courses", "/paths", "/courses?q=web&page=1"):
        mine = member.get(url).get_data(as_text=True)  # the member fills the cache
        assert "Signed in as <bdi>Ada Lovelace</bdi>" in mine and 'name="csrf_token"' in mine
        visitor = app.test_client(use_cookies=False).get(url)
        html = visitor.get_data(as_text=True)
        assert "Ada" not in html and "csrf" not in html.lower(), url
        assert visitor.headers["Cache-Control"].startswith("public")
        fragment = member.get(url, headers={"HX-Request": "true"}).get_data(as_text=True)
        assert "Ada" not in fragment and "catalog-card" in fragment
