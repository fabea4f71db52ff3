"""Taking a quiz (Terms §2.1a: Premium Solo gives the exercises): the page, grading and
feedback, attempts, and every refusal leaving nothing stored."""

from datetime import timedelta

import pytest
from markupsafe import escape
from sqlalchemy import select

from app import clock
from app.domain.orders import Plan
from app.domain.subscriptions import SubscriptionStatus
from app.extensions import db
from app.models import AttemptAnswer, QuizAttempt
from tests.conftest import sign_in
from tests.support.learning import QUIZ, attempts_count, quiz_form, quiz_revision

S = SubscriptionStatus
HX = {"HX-Request": "true"}


@pytest.fixture
def subscriber(learning_demo, make_user, make_subscription):
    def client_for(status=S.ACTIVE, plan=Plan.SOLO, locale="en", path=None):
        user = make_user(locale=locale)
        if status is not None:
            make_subscription(user, plan, status, path)
        client = learning_demo.test_client()
        sign_in(client, user.email, user.password)
        client.user = user
        return client

    return client_for


def text(response) -> str:
    return response.get_data(as_text=True)


def test_the_answer_key_never_reaches_the_browser_before_submitting(subscriber):
    client = subscriber()
    html = text(client.get(QUIZ))
    _exercise, revision = quiz_revision()
    for question in revision.questions:
        assert str(escape(question.prompt_en)) in html
        # Feedback, accepted answers and the expected number are for after submitting.
        assert str(escape(question.feedback_en)) not in html
        for accepted in question.accepted.splitlines():
            assert f">{accepted}<" not in html and f'"{accepted}"' not in html
        # Right and wrong options are written the same way.
        right = [o for o in question.options if o.correct]
        wrong = [o for o in question.options if not o.correct]
        for option in right + wrong:
            assert f'value="{option.id}">' in html
    assert "correct" not in html.lower().replace("incorrect", "")
    # The htmx fragment is no different.
    fragment = text(client.get(QUIZ, headers=HX))
    assert "<html" not in fragment and revision.questions[0].feedback_en not in fragment


def test_all_right_passes_with_feedback_and_a_certificate(subscriber):
    client = subscriber()
    answer = client.post(QUIZ, data=quiz_form(client))
    assert answer.status_code == 302 and "/learning/attempts/" in answer.headers["Location"]
    result = text(client.get(answer.headers["Location"]))
    assert "You scored 100%, the pass mark is 70%." in result and "Passed." in result
    _exercise, revision = quiz_revision()
    assert all(str(escape(q.feedback_en)) in result for q in revision.questions)
    assert "Right answer:" in result  # shown once passed
    assert 'id="certificate-earned"' in result


def test_wrong_answers_fail_and_hide_the_key(subscriber):
    client = subscriber()
    answer = client.post(QUIZ, data=quiz_form(client, right=False), follow_redirects=True)
    html = text(answer)
    assert "You scored 0%" in html and "Not passed yet." in html
    assert "Not right." in html and "Right answer:" not in html
    assert "The right answers are shown once you pass the quiz." in html
    assert 'id="certificate-earned"' not in html
    (attempt,) = db.session.scalars(select(QuizAttempt)).all()
    assert attempt.percent == 0 and not attempt.passed


def test_partial_answers_get_partial_credit(subscriber):
    client = subscriber()
    form = quiz_form(client)
    _exercise, revision = quiz_revision()
    multiple = next(q for q in revision.questions if q.kind == "multiple")
    right = [str(o.id) for o in multiple.options if o.correct]
    form[f"q-{multiple.id}"] = right[:1]  # one of two right options
    html = text(client.post(QUIZ, data=form, follow_redirects=True))
    assert "Partly right." in html
    # 3 of 4 points plus half a point: 3.5 / 4 = 87.5% shown as 87%.
    assert "You scored 87%" in html


def test_htmx_submit_answers_with_the_result_and_announces_it(subscriber):
    client = subscriber()
    response = client.post(QUIZ, data=quiz_form(client), headers=HX)
    html = text(response)
    assert response.status_code == 200 and "<html" not in html
    assert response.headers["HX-Push-Url"].startswith("/learning/attempts/")
    assert 'id="flash" data-hx-swap-oob="innerHTML"' in html
    assert html.count("You scored 100%") == 2  # in the result and in the live region


def test_missing_answers_are_422_with_the_given_ones_kept(subscriber):
    client = subscriber()
    form = quiz_form(client)
    _exercise, revision = quiz_revision()
    text_q = next(q for q in revision.questions if q.kind == "text")
    number_q = next(q for q in revision.questions if q.kind == "number")
    form[f"q-{text_q.id}"] = ""
    form[f"q-{number_q.id}"] = "six"
    response = client.post(QUIZ, data=form)
    html = text(response)
    assert response.status_code == 422 and "There is a problem" in html
    assert "Enter your answer to question 3." in html
    assert "Enter a number for question 4, for example 3.5." in html
    assert f'href="#q-{text_q.id}"' in html and 'value="six"' in html
    assert "<title>Error:" in html
    assert attempts_count() == 0


def test_control_characters_in_an_answer_are_refused(subscriber):
    client = subscriber()
    form = quiz_form(client)
    _exercise, revision = quiz_revision()
    text_q = next(q for q in revision.questions if q.kind == "text")
    form[f"q-{text_q.id}"] = "hyper\x00text"
    assert client.post(QUIZ, data=form).status_code == 422
    assert attempts_count() == 0


@pytest.mark.parametrize(
    "tamper",
    [
        "unknown_question",
        "foreign_option",
        "not_a_number",
        "two_on_single",
        "other_revision",
        "bad_token",
        "missing_token",
    ],
)
def test_tampered_forms_are_400_and_nothing_is_stored(subscriber, tamper):
    client = subscriber()
    form = quiz_form(client)
    _exercise, revision = quiz_revision()
    single = next(q for q in revision.questions if q.kind == "single")
    _other_exercise, other = quiz_revision("javascript-fundamentals")
    if tamper == "unknown_question":
        form[f"q-{other.questions[0].id}"] = str(other.questions[0].options[0].id)
    elif tamper == "foreign_option":
        form[f"q-{single.id}"] = str(other.questions[0].options[0].id)
    elif tamper == "not_a_number":
        form[f"q-{single.id}"] = "1 OR 1=1"
    elif tamper == "two_on_single":
        form[f"q-{single.id}"] = [str(o.id) for o in single.options[:2]]
    elif tamper == "other_revision":
        form["revision"] = "99"
    elif tamper == "bad_token":
        form["token"] = "../../x"
    else:
        del form["token"]
    assert client.post(QUIZ, data=form).status_code == 400
    assert attempts_count() == 0
    assert db.session.scalar(select(AttemptAnswer.id)) is None


def test_the_same_form_sent_twice_is_one_attempt(subscriber):
    client = subscriber()
    form = quiz_form(client)
    first = client.post(QUIZ, data=form)
    second = client.post(QUIZ, data=form)
    assert first.headers["Location"] == second.headers["Location"]
    assert attempts_count() == 1


def test_three_attempts_then_a_wait_of_24_hours(subscriber, monkeypatch):
    client = subscriber()
    for _ in range(3):
        assert client.post(QUIZ, data=quiz_form(client, right=False)).status_code == 302
    page = client.get(QUIZ)
    html = text(page)
    assert (
        "Your next attempt opens on" in html and '<form method="post" action="/courses' not in html
    )
    # A form kept from before is refused too, with when it opens.
    late = client.post(QUIZ, data=quiz_form_from_earlier(client))
    assert late.status_code == 409 and "Your next attempt opens on" in text(late)
    assert attempts_count() == 3
    later = clock.now() + timedelta(hours=24, minutes=1)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert client.post(QUIZ, data=quiz_form(client)).status_code == 302
    assert attempts_count() == 4


def quiz_form_from_earlier(client) -> dict:
    """What a tab opened before the last attempt would send: a fresh token."""
    from app.services import quizzes
    from tests.support.learning import answers

    _exercise, revision = quiz_revision()
    return {"token": quizzes.new_token(), "revision": str(revision.number), **answers(revision)}


def test_the_best_grade_counts(subscriber):
    client = subscriber()
    client.post(QUIZ, data=quiz_form(client))
    html = text(client.post(QUIZ, data=quiz_form(client, right=False), follow_redirects=True))
    assert "You scored 0%" in html and "Your best grade, the one that counts: 100%." in html
    course_page = text(client.get("/courses/html-css-first-pages"))
    assert "Passed: 100%" in course_page


@pytest.mark.parametrize(
    ("status", "plan"),
    [
        (None, None),  # a member without a plan
        (S.PAST_DUE, Plan.SOLO),
        (S.ENDED, Plan.SOLO),  # cancelled, after the end of the period
        (S.WITHDRAWN, Plan.SOLO),
        (S.TERMINATED, Plan.SOLO),
    ],
)
def test_members_who_may_not_are_refused_and_nothing_is_stored(subscriber, status, plan):
    client = subscriber(status=status, plan=plan or Plan.SOLO)
    page = client.get(QUIZ)
    assert page.status_code == 403 and 'id="exercises-locked"' in text(page)
    _exercise, revision = quiz_revision()
    from tests.support.learning import answers

    data = {"token": "a" * 32, "revision": str(revision.number), **answers(revision)}
    assert client.post(QUIZ, data=data).status_code == 403
    assert attempts_count() == 0
    if status is S.PAST_DUE:
        assert "A payment for your plan is due." in text(page)


def test_a_plus_subscriber_may_take_any_course_quiz(subscriber, make_path):
    client = subscriber(status=S.REFLECTION, plan=Plan.PLUS, path=make_path())
    assert client.post(QUIZ, data=quiz_form(client)).status_code == 302


def test_a_visitor_is_sent_to_sign_in_and_nothing_is_stored(learning_demo, client):
    assert client.get(QUIZ).status_code == 302
    response = client.post(QUIZ, data={"token": "a" * 32, "revision": "1"})
    assert response.status_code == 302 and "/signin" in response.headers["Location"]
    assert attempts_count() == 0


def test_another_members_attempt_is_404(subscriber):
    alice, bob = subscriber(), subscriber()
    url = alice.post(QUIZ, data=quiz_form(alice)).headers["Location"]
    assert alice.get(url).status_code == 200
    assert bob.get(url).status_code == 404
    assert bob.get(url, headers=HX).status_code == 404
    assert bob.get("/learning/attempts/999999").status_code == 404


def test_unknown_quiz_is_404(subscriber):
    client = subscriber()
    assert client.get("/courses/html-css-first-pages/quizzes/2").status_code == 404  # an assignment
    assert client.get("/courses/html-css-first-pages/quizzes/9").status_code == 404
    assert client.get("/courses/nope/quizzes/1").status_code == 404


def test_the_quiz_in_french(subscriber):
    client = subscriber(locale="fr")
    html = text(client.get(QUIZ))
    assert str(escape("Quel élément contient le texte d'un paragraphe ?")) in html
    result = text(client.post(QUIZ, data=quiz_form(client), follow_redirects=True))
    assert "Réussi." in result


def test_a_past_attempt_keeps_the_revision_it_answered(subscriber):
    from app.models import QuizQuestion
    from app.services import quizzes

    client = subscriber()
    url = client.post(QUIZ, data=quiz_form(client)).headers["Location"]
    exercise, old = quiz_revision()
    old_prompt = old.questions[0].prompt_en
    quizzes.publish_revision(
        exercise,
        [
            QuizQuestion(
                position=1, kind="number", prompt_en="New?", prompt_fr="Nouveau ?", number_answer=1
            )
        ],
    )
    db.session.commit()
    assert old_prompt in text(client.get(url))
    assert "New?" in text(client.get(QUIZ))


def test_opening_a_quiz_is_the_first_use_of_the_access_the_course_page_is_not(subscriber):
    """Terms §6.1: the first use of a paid feature ends a Solo's withdrawal right; seeing
    that the exercises are open does not."""
    from app.models import Subscription

    client = subscriber()

    def first_access():
        db.session.expire_all()
        return db.session.scalars(select(Subscription.first_access_at)).one()

    client.get("/courses/sql-relational-databases")
    assert first_access() is None
    before = clock.now()
    assert client.get(QUIZ).status_code == 200
    used = first_access()
    assert before <= used <= clock.now()
    client.get(QUIZ)
    assert first_access() == used  # recorded once
