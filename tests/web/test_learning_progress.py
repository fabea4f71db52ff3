"""Progress through a course (§10, Terms §2.1a): chapters marked done by the member, the
course page and "My learning", with a fixed number of queries per page."""

import pytest
from sqlalchemy import event, insert, select

from app.domain.orders import Plan
from app.domain.subscriptions import SubscriptionStatus
from app.extensions import db
from app.models import Chapter, ChapterCompletion, QuizAttempt
from tests.conftest import sign_in
from tests.support.learning import COURSE, QUIZ, course, quiz_form

S = SubscriptionStatus
HX = {"HX-Request": "true"}
DONE = f"/courses/{COURSE}/chapters/1/done"


@pytest.fixture
def member(learning_demo, make_user):
    user = make_user()
    client = learning_demo.test_client()
    sign_in(client, user.email, user.password)
    client.user = user
    return client


def text(response) -> str:
    return response.get_data(as_text=True)


def completions() -> int:
    db.session.expire_all()
    return len(db.session.scalars(select(ChapterCompletion)).all())


def test_a_member_marks_a_chapter_done_and_undoes_it(member):
    page = text(member.get(f"/courses/{COURSE}/chapters/1"))
    assert "Mark this chapter as done" in page
    response = member.post(DONE, data={"done": "1"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/chapters/1")
    again = text(member.get(f"/courses/{COURSE}/chapters/1"))
    assert "Chapter marked as done." in again and "You marked this chapter as done." in again
    member.post(DONE, data={"done": "1"})  # twice: one row
    assert completions() == 1
    member.post(DONE, data={"done": "0"})
    assert completions() == 0


def test_marking_with_htmx_answers_the_block_and_announces(member):
    response = member.post(DONE, data={"done": "1"}, headers=HX)
    html = text(response)
    assert response.status_code == 200 and "<html" not in html
    assert 'id="chapter-done"' in html and "Mark as not done" in html
    assert 'id="flash" data-hx-swap-oob="innerHTML"' in html and "Chapter marked as done." in html


@pytest.mark.parametrize("data", [{}, {"done": "yes"}])
def test_a_bad_form_is_400(member, data):
    assert member.post(DONE, data=data).status_code == 400
    assert completions() == 0


def test_visitors_see_no_button_and_cannot_post(learning_demo, client):
    assert "Mark this chapter as done" not in text(client.get(f"/courses/{COURSE}/chapters/1"))
    response = client.post(DONE, data={"done": "1"})
    assert response.status_code == 302 and "/signin" in response.headers["Location"]
    assert completions() == 0


def test_unknown_chapter_is_404(member):
    assert member.post(f"/courses/{COURSE}/chapters/99/done", data={"done": "1"}).status_code == 404
    assert member.post("/courses/nope/chapters/1/done", data={"done": "1"}).status_code == 404


def test_course_page_and_my_learning_show_progress(member):
    assert "You have not started a course yet." in text(member.get("/learning"))
    member.post(DONE, data={"done": "1"})
    page = text(member.get(f"/courses/{COURSE}"))
    total = len(course().chapters)
    assert f"1 of {total} chapters done." in page and "1 exercise left to pass." in page
    second = course().chapters[1]
    assert f'href="/courses/{COURSE}/chapters/{second.position}">Next chapter' in page
    mine = text(member.get("/learning"))
    assert f"1 of {total} chapters done." in mine and "Next chapter" in mine
    assert f'href="/courses/{COURSE}"' in mine


def test_a_member_sees_the_quiz_locked_but_still_progresses(member):
    page = text(member.get(f"/courses/{COURSE}"))
    assert 'id="exercises-locked"' in page and QUIZ not in page


def test_a_subscriber_sees_quizzes_left_and_passed(learning_demo, make_user, make_subscription):
    user = make_user()
    make_subscription(user, Plan.SOLO, S.ACTIVE)
    client = learning_demo.test_client()
    sign_in(client, user.email, user.password)
    page = text(client.get(f"/courses/{COURSE}"))
    assert f'href="{QUIZ}"' in page and "not attempted yet" in page
    # This course's assignment has no rubric yet: the page does not offer it.
    assert "Assignment" not in page and "Put it into practice" not in page
    client.post(QUIZ, data=quiz_form(client))
    page = text(client.get(f"/courses/{COURSE}"))
    assert "Every exercise passed." in page and "Passed: 100%" in page
    assert "Your Certificate of Achievement for this course" in page
    mine = text(client.get("/learning"))
    assert "Certificate earned" in mine and "Every exercise passed." in mine


# --- queries -----------------------------------------------------------------------------


@pytest.fixture
def count_queries(app):
    counter = {"n": 0}

    def before_cursor_execute(*args):
        counter["n"] += 1

    event.listen(db.engine, "before_cursor_execute", before_cursor_execute)

    def measure(client, url):
        counter["n"] = 0
        response = client.get(url)
        assert response.status_code == 200, url
        return counter["n"]

    yield measure
    event.remove(db.engine, "before_cursor_execute", before_cursor_execute)


PAGES = [f"/courses/{COURSE}", f"/courses/{COURSE}/chapters/1", QUIZ, "/learning"]


def grow(user, chapters: int, attempts: int, start: int, others=()) -> None:
    """More chapters (all done), more attempts by this member and by `others`."""
    found = course()
    exercise = next(e for e in found.exercises if e.is_open)
    rows = db.session.execute(
        insert(Chapter).returning(Chapter.id),
        [
            {"course_id": found.id, "position": 100 + start + i, "title_en": "x", "title_fr": "x"}
            for i in range(chapters)
        ],
    ).scalars()
    db.session.execute(
        insert(ChapterCompletion),
        [{"user_id": user.id, "chapter_id": i, "course_id": found.id} for i in rows],
    )
    revision_id = exercise and db.session.scalar(select(QuizAttempt.revision_id).limit(1))
    db.session.execute(
        insert(QuizAttempt),
        [
            {
                "user_id": user.id,
                "exercise_id": exercise.id,
                "revision_id": revision_id,
                "token": f"{start + i:032x}",
                "earned_milli": 0,
                "possible_milli": 4000,
                "percent": 10,
                "pass_mark": 70,
                "passed": False,
            }
            for i in range(attempts)
        ]
        + [
            {
                "user_id": other.id,
                "exercise_id": exercise.id,
                "revision_id": revision_id,
                "token": f"{start + i:032x}",
                "earned_milli": 4000,
                "possible_milli": 4000,
                "percent": 100,
                "pass_mark": 70,
                "passed": True,
            }
            for other in others
            for i in range(attempts)
        ],
    )
    db.session.commit()


def test_queries_per_page_do_not_grow(learning_demo, make_user, make_subscription, count_queries):
    user = make_user()
    make_subscription(user, Plan.SOLO, S.ACTIVE)
    client = learning_demo.test_client()
    sign_in(client, user.email, user.password)
    client.post(QUIZ, data=quiz_form(client, right=False))  # one attempt, so the quiz waits not
    # Without a limit, so that the many attempts below leave the quiz page's form open.
    exercise = next(e for e in course().exercises if e.is_open)
    exercise.max_attempts = None
    db.session.commit()
    grow(user, 2, 2, 0)
    small = {url: count_queries(client, url) for url in PAGES}
    others = [make_user() for _ in range(5)]
    grow(user, 60, 200, 1000, others)
    large = {url: count_queries(client, url) for url in PAGES}
    assert small == large, (small, large)
