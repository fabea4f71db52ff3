"""Staff authoring of an assignment's rubric (Terms §2.1a): criteria with levels and
points in both languages, published as a new revision; work submitted before keeps the
rubric it is assessed with; bad rubrics get the field's error and change nothing."""

import pytest
from sqlalchemy import func, select

from app.domain.orders import Plan
from app.domain.subscriptions import SubscriptionStatus
from app.extensions import db
from app.models import RubricCriterion, Submission
from app.services import assignments
from tests.conftest import sign_in
from tests.support.learning import course

SLUG = "javascript-fundamentals"
EXERCISES = f"/staff/courses/{SLUG}/exercises"
EDIT = f"{EXERCISES}/2/rubric"
PAGE = f"/courses/{SLUG}/assignments/2"
NEW = """* Works as asked | Fait ce qui est demandé
0 | Not yet | Pas encore
5 | Yes | Oui
"""


def text(response) -> str:
    return response.get_data(as_text=True)


def exercise():
    db.session.expire_all()
    return next(e for e in course(SLUG).exercises if e.kind == "assignment")


def criteria_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(RubricCriterion.id)))


@pytest.fixture
def subscriber(learning_demo, make_user, make_subscription):
    def make():
        user = make_user()
        make_subscription(user, Plan.SOLO, SubscriptionStatus.ACTIVE)
        client = learning_demo.test_client()
        sign_in(client, user.email, user.password)
        client.user = user
        return client

    return make


def test_the_rubric_is_shown_as_text_and_linked_from_the_exercises(learning_demo, staff_client):
    assert f'href="{EDIT}"' in text(staff_client.get(EXERCISES))
    page = text(staff_client.get(EDIT))
    current = assignments.rubric(exercise())
    assert f"* {current[0].title_en} | {current[0].title_fr}" in page
    assert "Learners get revision 1." in page


def test_publishing_makes_a_revision_and_past_work_keeps_its_rubric(
    learning_demo, staff_client, subscriber
):
    before, after = subscriber(), subscriber()
    before.post(PAGE, data={"body": "Submitted under the first rubric"})
    old = assignments.rubric(exercise())
    response = staff_client.post(EDIT, data={"rubric": NEW})
    assert response.status_code == 302
    assert "Revision 2 of the rubric is published." in text(staff_client.get(EXERCISES))
    assert exercise().published_revision == 2
    new = assignments.rubric(exercise())
    assert [c.title_en for c in new] == ["Works as asked"]
    assert [lv.points for lv in new[0].levels] == [0, 5]
    # The same text again: no new revision.
    staff_client.post(EDIT, data={"rubric": NEW})
    assert exercise().published_revision == 2
    # New work gets the new rubric; work submitted before keeps the old one, to its
    # assessors too.
    after.post(PAGE, data={"body": "Submitted under the second rubric"})
    rows = {s.body: s for s in db.session.scalars(select(Submission))}
    first = rows["Submitted under the first rubric"]
    second = rows["Submitted under the second rubric"]
    assert (first.rubric_revision, second.rubric_revision) == (1, 2)
    assert [c.id for c in assignments.rubric_for(first, exercise())] == [c.id for c in old]
    assert old[0].title_en in text(before.get(PAGE))
    assert "Works as asked" in text(after.get(PAGE))
    # An assessor of the old work is given the old rubric's levels, and they count.
    data = {"submission": str(first.id), "comment": "Fine."}
    for criterion in old:
        data[assignments.field_name(criterion)] = str(criterion.levels[-1].id)
    assert after.post(f"{PAGE}/assess", data=data).status_code == 302
    # The new rubric's levels are foreign to the old work: a tampered form.
    data = {"submission": str(first.id), "comment": "Fine."}
    data[assignments.field_name(new[0])] = str(new[0].levels[-1].id)
    assert subscriber().post(f"{PAGE}/assess", data=data).status_code == 400


@pytest.mark.parametrize(
    ("rubric", "message"),
    [
        ("", "Write at least one criterion"),
        ("0 | No | Non\n", "Line 1 comes before any criterion"),
        (
            "* Only English\n0 | a | b\n1 | c | d\n",
            "Line 1: write the criterion in English and French",
        ),
        (
            "* A | B\n0 | No\n1 | Yes | Oui\n",
            "Line 2: write a level as its points, then its English and French",
        ),
        (
            "* A | B\n0.5 | No | Non\n1 | Yes | Oui\n",
            "Line 2: the points are a whole number from 0 to 100.",
        ),
        (
            "* A | B\n1 | No | Non\n1 | Yes | Oui\n",
            "Line 3: this criterion already has a level with these points",
        ),
        ("* A | B\n1 | Yes | Oui\n", "The criterion at line 1 needs two levels or more."),
        ("* A | B\n0 | a\x00 | b\n1 | c | d\n", "invisible control character"),
    ],
)
def test_bad_rubrics_get_the_field_error_and_change_nothing(
    learning_demo, staff_client, rubric, message
):
    count = criteria_count()
    response = staff_client.post(EDIT, data={"rubric": rubric})
    page = text(response)
    assert response.status_code == 422 and message in page
    assert 'id="rubric-error"' in page and 'href="#rubric"' in page
    assert "<title>Error:" in page
    assert criteria_count() == count and exercise().published_revision == 1


def test_only_staff_and_only_assignments(learning_demo, staff_client, subscriber):
    learner = subscriber()
    assert learner.get(EDIT).status_code == 403
    assert learner.post(EDIT, data={"rubric": NEW}).status_code == 403
    assert exercise().published_revision == 1
    assert staff_client.get(f"{EXERCISES}/1/rubric").status_code == 404  # a quiz
    assert staff_client.get(f"{EXERCISES}/99/rubric").status_code == 404
    assert staff_client.get("/staff/courses/no-such-course/exercises/2/rubric").status_code == 404
