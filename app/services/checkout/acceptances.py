"""The documents an order accepts, the box each is ticked with, and the record of who
accepted which version: a document is recorded only when its own box was ticked."""

from collections.abc import Collection

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import clock
from app.domain.orders import Plan
from app.extensions import db
from app.models import Acceptance, AcceptanceSubject, AcceptedBy, DocumentKind, Order
from app.services import legal_documents


def documents_for(order: Order) -> dict[AcceptanceSubject, object]:
    """The exact versions the buyer accepts at Review (and the representative later)."""
    terms = legal_documents.current(DocumentKind.TERMS)
    found = {AcceptanceSubject.TERMS: terms}
    if order.plan is Plan.PLUS:
        found[AcceptanceSubject.CODE_OF_CONDUCT] = legal_documents.current(
            DocumentKind.CODE_OF_CONDUCT
        )
    else:
        found[AcceptanceSubject.IMMEDIATE_ACCESS] = terms
    return found


# The box of each document, on the Review page and on the representative's page alike.
BOXES = {
    AcceptanceSubject.TERMS: "accept_terms",
    AcceptanceSubject.CODE_OF_CONDUCT: "accept_code",
    AcceptanceSubject.IMMEDIATE_ACCESS: "immediate_access",
}


def _missing_message(subject: AcceptanceSubject, by: AcceptedBy, learner: str) -> str:
    if by is AcceptedBy.LEARNER:
        return {
            AcceptanceSubject.TERMS: _l("Tick the box to accept the Terms of Service."),
            AcceptanceSubject.CODE_OF_CONDUCT: _l(
                "Tick the box to accept the Student Code of Conduct."
            ),
            AcceptanceSubject.IMMEDIATE_ACCESS: _l(
                "Tick the box to ask for immediate access, or you cannot subscribe online."
            ),
        }[subject]
    return {
        AcceptanceSubject.TERMS: _l(
            "Tick the box to accept the Terms of Service on %(name)s's behalf.", name=learner
        ),
        AcceptanceSubject.CODE_OF_CONDUCT: _l(
            "Tick the box to accept the Student Code of Conduct on %(name)s's behalf.",
            name=learner,
        ),
        AcceptanceSubject.IMMEDIATE_ACCESS: _l(
            "Tick the box to ask for immediate access on %(name)s's behalf, or the order "
            "cannot go ahead online.",
            name=learner,
        ),
    }[subject]


def unticked(order: Order, ticked: Collection[str], by: AcceptedBy) -> list[tuple[str, str]]:
    """(box, message) for each of the order's documents whose box was left unticked."""
    return [
        (BOXES[subject], _missing_message(subject, by, order.user.name))
        for subject in documents_for(order)
        if BOXES[subject] not in ticked
    ]


def versions_token(order: Order) -> str:
    return ",".join(
        f"{subject.value}={version.label if version else ''}"
        for subject, version in sorted(documents_for(order).items())
    )


def record_acceptances(
    order: Order,
    by: AcceptedBy,
    ticked: Collection[str],
    ip: str | None,
    user_agent: str | None,
    name: str | None = None,
) -> None:
    """Record the documents whose box is in `ticked` (the callers refuse an answer with
    a box missing, so that is all of them), in the versions shown."""
    now = clock.now()
    # A second Confirm after a decline keeps the first record of the same version.
    already = {
        (subject, version_id)
        for subject, version_id in db.session.execute(
            select(Acceptance.subject, Acceptance.document_version_id).where(
                Acceptance.order_id == order.id, Acceptance.accepted_by == by
            )
        )
    }
    for subject, version in documents_for(order).items():
        if version is None or BOXES[subject] not in ticked or (subject, version.id) in already:
            continue
        db.session.add(
            Acceptance(
                user_id=order.user_id,
                order_id=order.id,
                subject=subject,
                document_version_id=version.id,
                accepted_by=by,
                representative_name=name,
                accepted_at=now,
                ip=ip,
                user_agent=(user_agent or "")[:500] or None,
            )
        )
    db.session.flush()
