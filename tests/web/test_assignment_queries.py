"""Performance (issue 14): the assignment page and the assessing page cost the same
number of SQL queries whatever the number of submissions, files, assessments and
members (Terms §2.1a, peer-assessed assignments)."""

import pytest
from sqlalchemy import event, insert

from app.domain.orders import Plan
from app.domain.subscriptions import SubscriptionStatus
from app.extensions import db
from app.models import Assessment, AssessmentScore, Submission, SubmissionFile
from app.services import assignments
from tests.conftest import sign_in
from tests.web.test_assignment_files import PDF, send
from tests.web.test_assignments import ASSESS, PAGE, exercise


@pytest.fixture
def count_queries(app):
    counter = {"n": 0}

    def before_cursor_execute(*args):
        counter["n"] += 1

    event.listen(db.engine, "before_cursor_execute", before_cursor_execute)

    def measure(client, url):
        client.get(url)  # the first showing records the offer; measured: a page as seen again
        counter["n"] = 0
        response = client.get(url)
        assert response.status_code == 200, url
        return counter["n"]

    yield measure
    event.remove(db.engine, "before_cursor_execute", before_cursor_execute)


def grow(author_submission: Submission, peers) -> None:
    """Peers' work (each with a file), and as many assessments of the author's work."""
    found = exercise()
    rubric = assignments.rubric(found)
    rows = db.session.execute(
        insert(Submission).returning(Submission.id),
        [
            {"exercise_id": found.id, "user_id": p.id, "body": f"Work {p.id}", "rubric_revision": 1}
            for p in peers
        ],
    ).scalars()
    db.session.execute(
        insert(SubmissionFile),
        [
            {
                "submission_id": s,
                "display_name": "work.pdf",
                "stored_name": f"{s:032x}",
                "kind": "pdf",
                "size": len(PDF),
                "sha256": "0" * 64,
            }
            for s in rows
        ],
    )
    for peer in peers:
        db.session.add(
            Assessment(
                submission_id=author_submission.id,
                assessor_id=peer.id,
                exercise_id=found.id,
                comment="Fine.",
                scores=[
                    AssessmentScore(
                        criterion_id=c.id, level_id=c.levels[0].id, points=c.levels[0].points
                    )
                    for c in rubric
                ],
            )
        )
    db.session.commit()


def test_queries_per_page_do_not_grow(
    learning_demo, make_user, make_subscription, count_queries, app, tmp_path
):
    app.config["UPLOAD_FOLDER"] = str(tmp_path)
    author = make_user()
    make_subscription(author, Plan.SOLO, SubscriptionStatus.ACTIVE)
    client = learning_demo.test_client()
    sign_in(client, author.email, author.password)
    send(client)
    own = assignments.submission_of(author, exercise())
    grow(own, [make_user() for _ in range(2)])
    small = {url: count_queries(client, url) for url in (PAGE, ASSESS)}
    grow(own, [make_user() for _ in range(40)])
    large = {url: count_queries(client, url) for url in (PAGE, ASSESS)}
    assert small == large, (small, large)
