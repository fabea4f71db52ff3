"""Learning helpers for tests: the demo catalog with its quizzes, and quiz forms filled
in right or wrong, with the token and revision the page gave."""

import re
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from app import clock
from app.domain.grading import QuestionKind
from app.extensions import db
from app.models import Course, QuizAttempt
from app.seeds.catalog import seed_catalog
from app.services import quizzes

COURSE = "html-css-first-pages"
QUIZ = f"/courses/{COURSE}/quizzes/1"


@pytest.fixture
def learning_demo(app):
    seed_catalog(clock.today())
    db.session.commit()
    return app


def course(slug=COURSE) -> Course:
    return db.session.scalar(select(Course).where(Course.slug == slug))


def quiz_revision(slug=COURSE):
    found = course(slug)
    exercise = next(e for e in found.exercises if e.is_open)
    return exercise, quizzes.revision(exercise)


def hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html) or re.search(
        rf'value="([^"]*)"[^>]*name="{name}"', html
    )
    assert match, name
    return match.group(1)


@dataclass
class Filled:
    data: dict

    def with_(self, **changes) -> "Filled":
        return Filled({**self.data, **changes})


def answers(revision, right=True) -> dict:
    """Every question answered right (or wrong)."""
    data = {}
    for q in revision.questions:
        name = quizzes.field_name(q)
        if q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            chosen = [str(o.id) for o in q.options if o.correct is right]
            data[name] = chosen[:1] if q.kind is QuestionKind.SINGLE else chosen
        elif q.kind is QuestionKind.TEXT:
            data[name] = q.accepted.splitlines()[0] if right else "nothing like it"
        else:
            data[name] = str(q.number_answer) if right else "123456"
    return data


def quiz_form(client, url=QUIZ, right=True, slug=COURSE) -> dict:
    """GET the quiz page and fill in its form."""
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    html = page.get_data(as_text=True)
    _exercise, revision = quiz_revision(slug)
    return {
        "token": hidden(html, "token"),
        "revision": hidden(html, "revision"),
        **answers(revision, right),
    }


def attempts_count() -> int:
    db.session.expire_all()
    return len(db.session.scalars(select(QuizAttempt)).all())
