"""The legal representative sees and ticks exactly what is recorded in their name: the
Terms, the Code of Conduct for Plus, and for Solo the request for immediate access with
the waiver of the withdrawal right (Terms §1, §6.1). One box per document."""

import re
from datetime import date

import pytest
from sqlalchemy import select

from app.domain.orders import OrderStatus
from app.extensions import db
from app.models import (
    Acceptance,
    AcceptanceSubject,
    AcceptedBy,
    DocumentKind,
    RepresentativeConsent,
)
from app.services import legal_documents
from tests.checkout.test_consent import consent_link, minor_until_review, seventeen_today
from tests.checkout_fixtures import hidden
from tests.conftest import sign_in

SOLO_BOXES = {"accept_terms", "immediate_access"}
PLUS_BOXES = {"accept_terms", "accept_code"}
SUBJECTS = {
    "accept_terms": AcceptanceSubject.TERMS,
    "accept_code": AcceptanceSubject.CODE_OF_CONDUCT,
    "immediate_access": AcceptanceSubject.IMMEDIATE_ACCESS,
}


@pytest.fixture
def minor(shop, client, make_user):
    user = make_user(born=date.fromisoformat(seventeen_today()))
    sign_in(client, user.email, user.password)
    return user


def waiting_for_the_parent(client, plan: str) -> str:
    buyer = minor_until_review(client, plan=plan)
    ticks = ("accept_terms", "immediate_access") if plan == "solo" else PLUS_BOXES
    assert buyer.confirm(ticks=tuple(ticks)).status_code == 302
    assert buyer.order.status is OrderStatus.AWAITING_CONSENT
    return consent_link(buyer.order.reference)


def checkboxes(html: str) -> set[str]:
    return set(re.findall(r'<input[^>]*type="checkbox"[^>]*name="([^"]+)"', html)) | set(
        re.findall(r'<input[^>]*name="([^"]+)"[^>]*type="checkbox"', html)
    )


def answer(parent, link: str, *ticks: str, decision="accept"):
    page = parent.get(link).get_data(as_text=True)
    data = {"name": "Pat Parent", "decision": decision, "versions": hidden(page, "versions")}
    data.update(dict.fromkeys(ticks, "y"))
    return parent.post(link, data=data)


def by_representative() -> set[AcceptanceSubject]:
    db.session.expire_all()
    return set(
        db.session.scalars(
            select(Acceptance.subject).where(Acceptance.accepted_by == AcceptedBy.REPRESENTATIVE)
        )
    )


@pytest.mark.parametrize("plan, boxes", [("solo", SOLO_BOXES), ("plus", PLUS_BOXES)])
def test_the_consent_page_has_one_box_per_document_recorded(minor, client, app, plan, boxes):
    link = waiting_for_the_parent(client, plan)
    html = app.test_client().get(link).get_data(as_text=True)
    assert checkboxes(html) == boxes
    terms = legal_documents.current(DocumentKind.TERMS)
    assert f"Terms of Service, version {terms.label}" in html
    if plan == "solo":
        # The waiver itself, in words, next to its box (Terms §6.1).
        assert "immediate access" in html and "14 days" in html and "section 6.1" in html
        assert "Student Code of Conduct, version" not in html
    else:
        assert "Student Code of Conduct, version" in html
        assert "section 6.1" not in html


@pytest.mark.parametrize("plan, boxes", [("solo", SOLO_BOXES), ("plus", PLUS_BOXES)])
def test_each_missing_box_is_named_and_nothing_is_recorded(minor, client, app, plan, boxes):
    link = waiting_for_the_parent(client, plan)
    parent = app.test_client()
    for ticked in (set(), {"accept_terms"}, boxes - {"accept_terms"}):
        response = answer(parent, link, *ticked)
        assert response.status_code == 422, ticked
        page = response.get_data(as_text=True)
        summary = page[page.index("There is a problem") :]
        for missing in boxes - ticked:
            assert f'href="#{missing}"' in summary, (ticked, missing)
        for done in ticked:
            assert f'href="#{done}"' not in summary, (ticked, done)
        # What was ticked stays ticked for the second try.
        for done in ticked:
            assert re.search(rf'id="{done}"[^>]*checked|checked[^>]*id="{done}"', page), done
    assert by_representative() == set()
    assert db.session.scalar(select(RepresentativeConsent)) is None


@pytest.mark.parametrize("plan, boxes", [("solo", SOLO_BOXES), ("plus", PLUS_BOXES)])
def test_what_is_recorded_is_exactly_what_was_ticked(minor, client, app, plan, boxes):
    link = waiting_for_the_parent(client, plan)
    assert answer(app.test_client(), link, *boxes).status_code == 302
    assert by_representative() == {SUBJECTS[box] for box in boxes}
    rows = db.session.scalars(
        select(Acceptance).where(Acceptance.accepted_by == AcceptedBy.REPRESENTATIVE)
    )
    kind = {AcceptanceSubject.CODE_OF_CONDUCT: DocumentKind.CODE_OF_CONDUCT}
    for row in rows:
        assert row.representative_name == "Pat Parent"
        shown = legal_documents.current(kind.get(row.subject, DocumentKind.TERMS))
        assert row.document_version_id == shown.id


def test_refusing_needs_no_box(minor, client, app):
    link = waiting_for_the_parent(client, "solo")
    assert answer(app.test_client(), link, decision="refuse").status_code == 302
    assert by_representative() == set()
    assert db.session.scalar(select(RepresentativeConsent)).decision.value == "refused"


def test_a_version_published_while_the_page_was_open_is_shown_before_it_is_recorded(
    minor, client, app
):
    link = waiting_for_the_parent(client, "solo")
    parent = app.test_client()
    page = parent.get(link).get_data(as_text=True)
    shown = hidden(page, "versions")
    legal_documents.publish(
        legal_documents.NewVersion(DocumentKind.TERMS, "2099-01", "New", "Nouveau", "x", "x"),
        render_pdfs=False,
    )
    db.session.commit()
    data = {"name": "Pat Parent", "decision": "accept", "versions": shown}
    data.update(dict.fromkeys(SOLO_BOXES, "y"))
    response = parent.post(link, data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "The documents changed" in html and "version 2099-01" in html
    assert by_representative() == set()
    # Ticked again against the new version: recorded with it.
    assert answer(parent, link, *SOLO_BOXES).status_code == 302
    terms = db.session.scalar(
        select(Acceptance).where(
            Acceptance.accepted_by == AcceptedBy.REPRESENTATIVE,
            Acceptance.subject == AcceptanceSubject.TERMS,
        )
    )
    assert terms.document_version.label == "2099-01"
