"""Requests to Student Success from Settings → Premium: a change of Learning Path
(§2.2c) and a termination for an accident or force majeure (§6.2), decided in writing at
/staff/requests. An approved path change ends the old subscription at no cost and sends
the subscriber to a new checkout; an approved force majeure terminates at no cost."""

import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from app import clock
from app.domain.orders import Plan
from app.domain.requests import RequestStatus
from app.domain.subscriptions import Reason, SubscriptionStatus
from app.extensions import db
from app.models import ContractRequest, Subscription, SubscriptionEvent
from app.seeds.catalog import seed_catalog
from app.services import catalog
from tests.conftest import outbox_for, sign_in

S = SubscriptionStatus
TAB = "/account/premium"
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"


@pytest.fixture
def plus(app, make_user, make_subscription):
    """A signed-in Plus subscriber on the seeded Web Developer path, active."""
    seed_catalog(clock.today())
    db.session.commit()

    def factory(status=S.ACTIVE, plan=Plan.PLUS):
        user = make_user()
        path = catalog.path_by_slug("web-developer") if plan is Plan.PLUS else None
        sub = make_subscription(user, plan, status, path)
        sub.current_period_end = clock.today() + timedelta(days=20)
        db.session.commit()
        client = app.test_client()
        sign_in(client, user.email, user.password)
        return user, sub, client

    return factory


def other_path_slug(sub) -> str:
    return next(
        p.slug
        for p in catalog.all_paths()
        if p.id != sub.path_id and p.availability.value == "open"
    )


def only_request() -> ContractRequest:
    db.session.expire_all()
    return db.session.scalar(select(ContractRequest))


def html(response) -> str:
    return response.get_data(as_text=True)


def test_the_tab_offers_both_requests_to_plus_only(plus):
    _user, sub, client = plus()
    page = html(client.get(TAB))
    assert f"{TAB}/{sub.id}/path-change" in page and f"{TAB}/{sub.id}/force-majeure" in page
    _user, solo, solo_client = plus(plan=Plan.SOLO)
    page = html(solo_client.get(TAB))
    assert "path-change" not in page and "force-majeure" not in page
    response = solo_client.get(f"{TAB}/{solo.id}/path-change", follow_redirects=True)
    assert "This request is for Premium Plus subscriptions." in html(response)


def test_a_path_change_request_needs_a_path_and_a_reason(plus):
    _user, sub, client = plus()
    response = client.post(f"{TAB}/{sub.id}/path-change", data={"new_path": "", "explanation": ""})
    assert response.status_code == 422
    page = html(response)
    assert "Select the Learning Path you would like to follow." in page
    assert "Say why you would like to change path." in page
    assert only_request() is None


def test_path_change_asked_then_approved_ends_the_old_one_and_opens_a_checkout(plus, staff_client):
    user, sub, client = plus()
    slug = other_path_slug(sub)
    response = client.post(
        f"{TAB}/{sub.id}/path-change", data={"new_path": slug, "explanation": "I prefer data."}
    )
    assert response.status_code == 302
    request = only_request()
    assert request.status is RequestStatus.OPEN and request.new_path.slug == slug
    assert [m for m in outbox_for(user.email) if "received your request" in m.subject]
    # Asking twice: one request.
    again = client.get(f"{TAB}/{sub.id}/path-change", follow_redirects=True)
    assert "You have already sent this request" in html(again)

    answer = staff_client.get("/staff/requests")
    assert answer.status == "200 OK"  # the queue's filter is not mistaken for the status
    queue = html(answer)
    assert f"/staff/requests/{request.id}" in queue
    response = staff_client.post(
        f"/staff/requests/{request.id}",
        data={"decision": "approve", "message": "Agreed: good luck with the new path."},
    )
    assert response.status_code == 302
    request = only_request()
    assert request.status is RequestStatus.APPROVED and request.decision_message
    old = db.session.get(Subscription, sub.id)
    assert old.status is S.ENDED
    last = db.session.scalars(
        select(SubscriptionEvent)
        .where(SubscriptionEvent.subscription_id == sub.id)
        .order_by(SubscriptionEvent.id.desc())
    ).first()
    assert (last.reason, last.amount_cents) == (Reason.PATH_CHANGED, 0)
    [answer] = [m for m in outbox_for(user.email) if "answer to your request" in m.subject]
    assert f"/checkout/path/{slug}" in answer.text_body and "Agreed: good luck" in answer.text_body
    # The new checkout, with the same formalities, starts from the path's own page.
    page = html(client.get(TAB))
    assert f'href="/checkout/path/{slug}"' in page and "Agreed: good luck" in page
    # A second decision is refused.
    staff_client.post(
        f"/staff/requests/{request.id}", data={"decision": "refuse", "message": "No."}
    )
    assert only_request().status is RequestStatus.APPROVED


def test_a_refused_request_changes_nothing_but_is_answered(plus, staff_client):
    _user, sub, client = plus()
    client.post(
        f"{TAB}/{sub.id}/path-change",
        data={"new_path": other_path_slug(sub), "explanation": "Why not."},
    )
    request = only_request()
    response = staff_client.post(
        f"/staff/requests/{request.id}", data={"decision": "refuse", "message": "Not now."}
    )
    assert response.status_code == 302
    assert db.session.get(Subscription, sub.id).status is S.ACTIVE
    assert only_request().status is RequestStatus.REFUSED


def test_the_decision_needs_a_choice_and_a_message(plus, staff_client):
    _user, sub, client = plus()
    client.post(f"{TAB}/{sub.id}/force-majeure", data={"explanation": "A broken arm."})
    request = only_request()
    response = staff_client.post(f"/staff/requests/{request.id}", data={})
    assert response.status_code == 422
    assert "Select a decision." in html(response) and "Write the message" in html(response)


def test_force_majeure_with_a_document_approved_costs_nothing(plus, staff_client):
    _user, sub, client = plus()
    response = client.post(
        f"{TAB}/{sub.id}/force-majeure",
        data={"explanation": "An accident.", "document": (io.BytesIO(PDF), "certificate.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    request = only_request()
    assert (request.document_type, request.document_size) == ("application/pdf", len(PDF))
    download = staff_client.get(f"/staff/requests/{request.id}/document")
    assert download.data == PDF and download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    staff_client.post(
        f"/staff/requests/{request.id}", data={"decision": "approve", "message": "Approved."}
    )
    sub = db.session.get(Subscription, sub.id)
    assert sub.status is S.TERMINATED
    last = db.session.scalars(
        select(SubscriptionEvent)
        .where(SubscriptionEvent.subscription_id == sub.id)
        .order_by(SubscriptionEvent.id.desc())
    ).first()
    assert (last.reason, last.amount_cents) == (Reason.FORCE_MAJEURE, 0)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<script>alert(1)</script>", "The file must be a PDF, a JPEG or a PNG."),
        (b"%PDF-" + b"0" * 200, "The file must be 5 MB or smaller."),
    ],
)
def test_a_bad_document_is_refused_next_to_its_field(plus, monkeypatch, data, message):
    # The limit made small, so that the test sends no 5 MB (the rule's own table tests it).
    monkeypatch.setattr("app.domain.requests.MAX_DOCUMENT_BYTES", 100)
    monkeypatch.setattr("app.blueprints.account.premium_requests.MAX_DOCUMENT_BYTES", 100)
    _user, sub, client = plus()
    response = client.post(
        f"{TAB}/{sub.id}/force-majeure",
        data={"explanation": "An accident.", "document": (io.BytesIO(data), "proof.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert message in html(response) and 'id="document-error"' in html(response)
    assert only_request() is None


@pytest.mark.parametrize("action", ["path-change", "force-majeure"])
def test_another_member_s_subscription_is_not_found(plus, action):
    _owner, sub, _client = plus()
    _other, _theirs, intruder = plus()
    assert intruder.get(f"{TAB}/{sub.id}/{action}").status_code == 404
    assert intruder.post(f"{TAB}/{sub.id}/{action}", data={"explanation": "x"}).status_code == 404
    assert only_request() is None


def test_learners_cannot_see_the_staff_requests(plus):
    _user, sub, client = plus()
    client.post(f"{TAB}/{sub.id}/force-majeure", data={"explanation": "An accident."})
    request = only_request()
    for url in (
        "/staff/requests",
        f"/staff/requests/{request.id}",
        f"/staff/requests/{request.id}/document",
    ):
        assert client.get(url).status_code == 403
    assert (
        client.post(
            f"/staff/requests/{request.id}", data={"decision": "approve", "message": "x"}
        ).status_code
        == 403
    )
    assert db.session.get(Subscription, sub.id).status is S.ACTIVE
