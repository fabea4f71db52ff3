"""Peer-assessed assignments (Terms §2.1a): submitting work, assessing peers anonymously
with the rubric, grades from the medians once enough were given and received, reports
of abusive assessments and staff's queue; every refusal leaves nothing stored."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app import clock
from app.domain.orders import Plan
from app.domain.subscriptions import SubscriptionStatus
from app.extensions import db
from app.models import Assessment, Certificate, Exercise, Submission
from app.services import assignments
from tests.conftest import sign_in
from tests.support.learning import course

S = SubscriptionStatus
SLUG = "javascript-fundamentals"
PAGE = f"/courses/{SLUG}/assignments/2"
ASSESS = f"{PAGE}/assess"


@pytest.fixture
def learner(learning_demo, make_user, make_subscription):
    def make(status=S.ACTIVE, name=None):
        user = make_user(name=name) if name else make_user()
        if status is not None:
            make_subscription(user, Plan.SOLO, status)
        client = learning_demo.test_client()
        sign_in(client, user.email, user.password)
        client.user = user
        return client

    return make


def text(response) -> str:
    return response.get_data(as_text=True)


def exercise() -> Exercise:
    return next(e for e in course(SLUG).exercises if e.kind == "assignment")


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(model.id)))


def submit(client, body="My **work**", link=""):
    return client.post(PAGE, data={"body": body, "link": link})


def full_marks(work_id: int) -> dict:
    data = {"submission": str(work_id), "comment": "Clear and complete."}
    for criterion in assignments.rubric(exercise()):
        best = max(criterion.levels, key=lambda lv: lv.points)
        data[assignments.field_name(criterion)] = str(best.id)
    return data


def assess_next(client, marks=full_marks):
    page = text(client.get(ASSESS))
    work_id = int(page.split('name="submission" type="hidden" value="')[1].split('"')[0])
    return client.post(ASSESS, data=marks(work_id)), work_id


def test_submit_once_and_see_the_status(learner):
    client = learner()
    page = text(client.get(PAGE))
    assert "Submit your work" in page and "The rubric" in page
    assert submit(client).status_code == 302
    assert submit(client, body="again").status_code == 302  # a second send keeps the first
    assert count(Submission) == 1
    page = text(client.get(PAGE))
    assert "<strong>work</strong>" in page and "Assessments received: 0 of 3" in page


@pytest.mark.parametrize(
    ("body", "link", "message"),
    [
        ("", "", "Write your work here, attach a file, or give a link."),
        ("x", "javascript:alert(1)", "Enter a web address starting with https://"),
        ("x", "ftp://example.org", "Enter a web address starting with https://"),
        ("a\x00b", "", "invisible control character"),
        ("x" * 20_001, "", "20,000 characters or fewer"),
    ],
)
def test_bad_submissions_are_422_and_nothing_is_stored(learner, body, link, message):
    response = submit(learner(), body, link)
    assert response.status_code == 422 and message in text(response)
    assert count(Submission) == 0


def test_markdown_is_sanitized(learner):
    client = learner()
    submit(
        client,
        body="<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>",
    )
    page = text(client.get(PAGE))
    assert "<script>alert" not in page and "<img src=x" not in page
    assert 'href="javascript:' not in page
    assert "data-hx-disable" in page


@pytest.mark.parametrize("status", [None, S.PAST_DUE, S.ENDED])
def test_those_who_may_not_are_refused(learner, status):
    client = learner(status=status)
    assert client.get(PAGE).status_code == 403
    assert submit(client).status_code == 403
    assert client.get(ASSESS).status_code == 403
    assert count(Submission) == 0


def test_visitors_are_sent_to_sign_in(learning_demo, client):
    assert client.get(PAGE).status_code == 302
    assert client.post(PAGE, data={"body": "x"}).status_code == 302
    assert count(Submission) == 0


def test_assess_three_peers_then_the_grade_is_the_median(learner):
    peers = [learner(name=f"Peer Person {i}") for i in range(4)]
    for peer in peers:
        submit(peer, body=f"Work of someone {peers.index(peer)}")
    author = peers[0]
    # The work is shown without the author's name.
    page = text(author.get(ASSESS)).split("<main")[1]
    assert "Peer Person" not in page and "Work of someone" in page
    for _ in range(3):
        response, _id = assess_next(author)
        assert response.status_code == 302
    assert "There is no work to assess right now" in text(author.get(ASSESS))
    # The others assess the author's work.
    own = db.session.scalar(select(Submission).where(Submission.user_id == author.user.id))
    for other in peers[1:]:
        response = other.post(ASSESS, data=full_marks(own.id))
        assert response.status_code == 302
    db.session.expire_all()
    own = db.session.get(Submission, own.id)
    assert own.grade == 100
    page = text(author.get(PAGE)).split("<main")[1]
    assert "Your grade: 100%, the pass mark is 70%." in page
    assert "Peer Person" not in page.split("The assessments of your work")[1]


def test_no_grade_until_the_author_assessed_enough(learner):
    peers = [learner() for _ in range(4)]
    for peer in peers:
        submit(peer)
    own = db.session.scalar(select(Submission).where(Submission.user_id == peers[0].user.id))
    for other in peers[1:]:
        other.post(ASSESS, data=full_marks(own.id))
    db.session.expire_all()
    assert db.session.get(Submission, own.id).grade is None
    assess_next(peers[0])
    assess_next(peers[0])
    db.session.expire_all()
    assert db.session.get(Submission, own.id).grade is None
    assess_next(peers[0])
    db.session.expire_all()
    assert db.session.get(Submission, own.id).grade == 100


def test_own_work_twice_and_tampered_forms_are_refused(learner):
    author, other = learner(), learner()
    submit(author)
    submit(other)
    own = db.session.scalar(select(Submission).where(Submission.user_id == author.user.id))
    theirs = db.session.scalar(select(Submission).where(Submission.user_id == other.user.id))
    assert author.post(ASSESS, data=full_marks(own.id)).status_code == 403
    assert author.post(ASSESS, data=full_marks(theirs.id)).status_code == 302
    again = author.post(ASSESS, data=full_marks(theirs.id), follow_redirects=True)
    assert "You have already assessed this work." in text(again)
    assert count(Assessment) == 1
    bad = full_marks(theirs.id) | {"submission": "x"}
    assert other.post(ASSESS, data=bad).status_code == 400
    levels = full_marks(own.id)
    name = next(k for k in levels if k.startswith("c-"))
    assert other.post(ASSESS, data=levels | {name: "999999"}).status_code == 400  # off the rubric
    assert other.post(ASSESS, data=levels | {"c-999999": "1"}).status_code == 400
    assert count(Assessment) == 1


def test_missing_levels_and_comment_are_422(learner):
    author, other = learner(), learner()
    submit(other)
    theirs = db.session.scalar(select(Submission).where(Submission.user_id == other.user.id))
    response = author.post(ASSESS, data={"submission": str(theirs.id), "comment": ""})
    html = text(response)
    assert response.status_code == 422 and "Choose a level for criterion 1." in html
    assert "Write a comment for the author." in html and "<title>Error:" in html
    assert count(Assessment) == 0


def test_report_an_abusive_assessment_and_staff_decide(learner, staff_client):
    peers = [learner() for _ in range(4)]
    for peer in peers:
        submit(peer)
    author = peers[0]
    for _ in range(3):
        assess_next(author)
    own = db.session.scalar(select(Submission).where(Submission.user_id == author.user.id))
    for other in peers[1:]:
        other.post(ASSESS, data=full_marks(own.id))
    db.session.expire_all()
    assert db.session.get(Submission, own.id).grade == 100
    abusive = db.session.scalar(select(Assessment).where(Assessment.submission_id == own.id))
    # Nobody else can report it.
    assert peers[1].post(f"/learning/assessments/{abusive.id}/report").status_code == 404
    assert (
        author.post(
            f"/learning/assessments/{abusive.id}/report", data={"reason": "Insults"}
        ).status_code
        == 302
    )
    db.session.expire_all()
    assert db.session.get(Submission, own.id).grade is None  # 2 counting assessments left
    queue = text(staff_client.get("/staff/assignments"))
    assert "Insults" in queue and f"/staff/assignments/assessments/{abusive.id}/resolve" in queue
    staff_client.post(
        f"/staff/assignments/assessments/{abusive.id}/resolve", data={"decision": "keep"}
    )
    db.session.expire_all()
    assert db.session.get(Submission, own.id).grade == 100
    author.post(f"/learning/assessments/{abusive.id}/report")
    staff_client.post(
        f"/staff/assignments/assessments/{abusive.id}/resolve", data={"decision": "remove"}
    )
    db.session.expire_all()
    assert db.session.get(Assessment, abusive.id).removed_at is not None
    assert db.session.get(Submission, own.id).grade is None
    assert (
        staff_client.post(
            f"/staff/assignments/assessments/{abusive.id}/resolve", data={"decision": "x"}
        ).status_code
        == 400
    )


def test_after_seven_days_staff_grade(learner, staff_client, monkeypatch):
    author = learner()
    submit(author)
    own = db.session.scalar(select(Submission).where(Submission.user_id == author.user.id))
    assert f"/staff/assignments/submissions/{own.id}" not in text(
        staff_client.get("/staff/assignments")
    )
    later = clock.now() + timedelta(days=7, minutes=1)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert f"/staff/assignments/submissions/{own.id}" in text(
        staff_client.get("/staff/assignments")
    )
    empty = staff_client.post(f"/staff/assignments/submissions/{own.id}", data={})
    assert empty.status_code == 422
    data = {k: v for k, v in full_marks(own.id).items() if k.startswith("c-")}
    assert (
        staff_client.post(f"/staff/assignments/submissions/{own.id}", data=data).status_code == 302
    )
    db.session.expire_all()
    graded = db.session.get(Submission, own.id)
    assert graded.grade == 100 and graded.staff_grader_id is not None
    assert "Graded by Student Success." in text(author.get(PAGE))
    assert author.get("/staff/assignments").status_code == 403


def test_the_certificate_needs_the_quiz_and_the_assignment(learner, staff_client, monkeypatch):
    from tests.support.learning import quiz_form

    author = learner()
    quiz = f"/courses/{SLUG}/quizzes/1"
    assert author.post(quiz, data=quiz_form(author, url=quiz, slug=SLUG)).status_code == 302
    assert count(Certificate) == 0  # the assignment is not passed yet
    submit(author)
    own = db.session.scalar(select(Submission).where(Submission.user_id == author.user.id))
    later = clock.now() + timedelta(days=8)
    monkeypatch.setattr(clock, "now", lambda: later)
    data = {k: v for k, v in full_marks(own.id).items() if k.startswith("c-")}
    staff_client.post(f"/staff/assignments/submissions/{own.id}", data=data)
    assert count(Certificate) == 1


def test_course_page_lists_the_assignment(learner):
    page = text(learner().get(f"/courses/{SLUG}"))
    assert f'href="{PAGE}"' in page and "not graded yet" in page
