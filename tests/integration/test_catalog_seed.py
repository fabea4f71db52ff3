from datetime import date

from sqlalchemy import func, select

from app.domain.pricing import path_offer
from app.extensions import db
from app.models import (
    Availability,
    Certification,
    Chapter,
    Course,
    LearningPath,
    Price,
    StepKind,
)
from app.seeds.catalog import seed_catalog


def test_demo_catalog_is_complete_and_idempotent(app):
    today = date(2026, 11, 27)
    first = seed_catalog(today)
    assert first["courses"] >= 12 and first["paths"] >= 5
    # Every demo course gets a quiz.
    assert first["quizzes"] == first["courses"]
    # Two get a peer-assessed assignment.
    assert first["assignments"] == 2
    nothing = {"courses": 0, "paths": 0, "prices": 0, "rates": 0, "quizzes": 0, "assignments": 0}
    assert seed_catalog(today) == nothing
    assert seed_catalog(date(2027, 2, 1)) == nothing
    paths = db.session.scalars(select(LearningPath)).all()
    assert {p.certification for p in paths} >= {Certification.RNCP, Certification.RS}
    assert any(p.availability is Availability.UPCOMING for p in paths)
    scheduled = [
        p
        for p in paths
        if db.session.scalar(
            select(func.count())
            .select_from(Price)
            .where(Price.offer == path_offer(p.id), Price.effective_from > today)
        )
    ]
    assert len(scheduled) == 1
    for course in db.session.scalars(select(Course)):
        assert course.title_en and course.title_fr and course.summary_en and course.summary_fr
        assert course.chapters
    for path in paths:
        assert path.steps and path.equipment_en and path.equipment_fr


def test_every_demo_path_says_what_its_programme_holds(app):
    """The pedagogy block (Terms §2.2d) must match the programme it shows: no path asks
    for more projects than its programme has (Web Developer said "at least 8" over 4)."""
    seed_catalog(date(2026, 12, 1))
    for path in db.session.scalars(select(LearningPath)):
        projects = [step for step in path.steps if step.kind is StepKind.PROJECT]
        assert path.min_projects <= len(projects), path.slug
        assert path.min_projects >= 1, path.slug


def test_choose_a_learning_path_lists_every_open_path(app, client):
    seed_catalog(date.today())
    db.session.commit()
    page = client.get("/checkout/plus").get_data(as_text=True)
    for path in db.session.scalars(select(LearningPath)):
        listed = f'href="/paths/{path.slug}"' in page
        assert listed is (path.availability is Availability.OPEN), path.slug
    assert page.index("Paths leading to a state-registered title") < page.index("UX Designer")


def test_demo_videos_play_with_captions_in_both_languages(app, client):
    """Two short demo videos ship with the catalog, so the player, its captions and
    "videos are open to anyone" can be seen (each file is served, each track is WebVTT)."""
    seed_catalog(date.today())
    db.session.commit()
    chapters = db.session.scalars(select(Chapter).where(Chapter.video_url.is_not(None))).all()
    assert {chapter.video_language for chapter in chapters} == {"en", "fr"}
    for chapter in chapters:
        for url in (chapter.video_url, chapter.captions_url, chapter.subtitles_url):
            response = client.get(url)
            assert response.status_code == 200, url
        assert client.get(chapter.video_url).content_type == "video/webm"
        for url in (chapter.captions_url, chapter.subtitles_url):
            assert client.get(url).get_data(as_text=True).startswith("WEBVTT"), url
        assert chapter.transcript_en and chapter.transcript_fr
        page = client.get(f"/courses/{chapter.course.slug}/chapters/{chapter.position}")
        html = page.get_data(as_text=True)
        assert page.status_code == 200 and "<video" in html
        assert html.count("<track ") == 2
        assert 'kind="captions"' in html and 'kind="subtitles"' in html
        assert 'srclang="en"' in html and 'srclang="fr"' in html
