"""Requests a Plus subscriber makes to Student Success about their contract, decided in
writing by staff: a change of Learning Path (§2.2c) and a termination for an accident or
force majeure (§6.2, Annex 1: Education Code L444-8), with the document that may back
the latter."""

from enum import StrEnum

from app.domain.orders import Plan
from app.domain.subscriptions import MOVES, Reason, SubscriptionStatus


class RequestKind(StrEnum):
    PATH_CHANGE = "path_change"
    FORCE_MAJEURE = "force_majeure"


class RequestStatus(StrEnum):
    OPEN = "open"
    APPROVED = "approved"
    REFUSED = "refused"


class AskRefusal(StrEnum):
    WRONG_PLAN = "wrong_plan"
    NOT_NOW = "not_now"
    ALREADY_ASKED = "already_asked"


# What an approval does to the subscription: the move it makes, and its reason.
APPROVAL = {
    RequestKind.PATH_CHANGE: Reason.PATH_CHANGED,
    RequestKind.FORCE_MAJEURE: Reason.FORCE_MAJEURE,
}


def ask_refusal(
    kind: RequestKind, plan: Plan, status: SubscriptionStatus, open_request: bool
) -> AskRefusal | None:
    """A request can be made for a Plus subscription that its approval could end (the
    statuses its move starts from), one of each kind at a time."""
    move = MOVES[APPROVAL[kind]]
    if plan not in move.plans:
        return AskRefusal.WRONG_PLAN
    if status not in move.sources:
        return AskRefusal.NOT_NOW
    if open_request:
        return AskRefusal.ALREADY_ASKED
    return None


# The document backing a force majeure request: a PDF or a photo, at most 5 MB. The
# type is read from the file's first bytes, never from its name or the browser's word.
MAX_DOCUMENT_BYTES = 5_000_000
SIGNATURES = {
    b"%PDF-": "application/pdf",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
}


class DocumentProblem(StrEnum):
    EMPTY = "empty"
    TOO_LARGE = "too_large"
    WRONG_TYPE = "wrong_type"


def document_type(data: bytes) -> str | None:
    for signature, media_type in SIGNATURES.items():
        if data.startswith(signature):
            return media_type
    return None


def document_problem(data: bytes) -> DocumentProblem | None:
    if not data:
        return DocumentProblem.EMPTY
    if len(data) > MAX_DOCUMENT_BYTES:
        return DocumentProblem.TOO_LARGE
    if document_type(data) is None:
        return DocumentProblem.WRONG_TYPE
    return None
