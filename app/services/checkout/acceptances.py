"""The documents an order accepts, and the record of who accepted which version."""

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


def versions_token(order: Order) -> str:
    return ",".join(
        f"{subject.value}={version.label if version else ''}"
        for subject, version in sorted(documents_for(order).items())
    )


def record_acceptances(
    order: Order,
    by: AcceptedBy,
    ip: str | None,
    user_agent: str | None,
    name: str | None = None,
) -> None:
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
        if version is None or (subject, version.id) in already:
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
