"""Staff authoring of quizzes (Terms §2.1a): the passing grade, the questions as text
published as a new revision, past attempts keeping theirs, and learners kept out."""

from sqlalchemy import func, select

from app.domain.orders import Plan
from app.domain.subscriptions import SubscriptionStatus
from app.extensions import db
from app.models import Course, QuizRevision
from tests.conftest import sign_in
from tests.support.learning import QUIZ, course, quiz_form

URL = "/staff/courses/html-css-first-pages/exercises"
EDIT = f"{URL}/1/quiz"
NEW = """? single
en: New question?
fr: Nouvelle question ?
+ Yes | Oui
- No | Non
"""


def text(response) -> str:
    return response.get_data(as_text=True)


def revisions() -> int:
    db.session.expire_all()
    return db.session.scalar(
        select(func.count(QuizRevision.id)).where(QuizRevision.exercise_id == exercise().id)
    )


def exercise():
    return next(e for e in course().exercises if e.kind == "quiz")


def test_the_passing_grade(learning_demo, staff_client):
    page = text(staff_client.get(URL))
    assert "Grade needed to pass each exercise" in page and 'value="70"' in page
    assert staff_client.post(URL, data={"passing_grade": "101"}).status_code == 422
    assert staff_client.post(URL, data={"passing_grade": "80"}).status_code == 302
    db.session.expire_all()
    assert (
        db.session.scalar(select(Course.passing_grade).where(Course.slug == "html-css-first-pages"))
        == 80
    )


def test_editing_publishes_a_revision_and_past_attempts_keep_theirs(
    learning_demo, staff_client, make_user, make_subscription
):
    learner = make_user()
    make_subscription(learner, Plan.SOLO, SubscriptionStatus.ACTIVE)
    client = learning_demo.test_client()
    sign_in(client, learner.email, learner.password)
    attempt_url = client.post(QUIZ, data=quiz_form(client)).headers["Location"]
    page = text(staff_client.get(EDIT))
    assert "? single" in page and "answer: hypertext" in page  # the current questions as text
    before = revisions()
    # The same text with other settings: no new revision.
    current = page.split('name="questions"')[1].split(">", 1)[1].split("</textarea>")[0]
    from html import unescape

    same = staff_client.post(
        EDIT,
        data={
            "questions": unescape(current).lstrip("\n"),
            "max_attempts": "5",
            "retry_wait_hours": "12",
        },
    )
    assert same.status_code == 302 and revisions() == before
    assert exercise().max_attempts == 5 and exercise().retry_wait_hours == 12
    done = staff_client.post(
        EDIT, data={"questions": NEW, "max_attempts": "", "retry_wait_hours": "0"}
    )
    assert done.status_code == 302 and revisions() == before + 1
    assert exercise().max_attempts is None
    assert "New question?" in text(client.get(QUIZ))
    old = text(client.get(attempt_url))
    assert "New question?" not in old and "Which element holds" in old


def test_mistakes_are_shown_with_their_line(learning_demo, staff_client):
    before = revisions()
    response = staff_client.post(
        EDIT, data={"questions": "? single\nen: a\nfr: b\n+ x | y", "retry_wait_hours": "24"}
    )
    assert response.status_code == 422
    assert "needs two options or more, exactly one of them right" in text(response)
    assert "line 1" in text(response)
    assert revisions() == before


def test_learners_are_kept_out(learning_demo, make_user):
    user = make_user()
    client = learning_demo.test_client()
    sign_in(client, user.email, user.password)
    assert client.get(URL).status_code == 403
    assert client.post(EDIT, data={"questions": NEW, "retry_wait_hours": "0"}).status_code == 403
    assert client.get("/staff/courses/nope/exercises").status_code == 403


def test_unknown_course_or_quiz_is_404(learning_demo, staff_client):
    assert staff_client.get("/staff/courses/nope/exercises").status_code == 404
    assert staff_client.get(f"{URL}/2/quiz").status_code == 404  # the assignment
