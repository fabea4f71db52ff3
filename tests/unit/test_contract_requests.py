"""Who may ask Student Success for a change of Learning Path (§2.2c) or a termination for
force majeure (§6.2, Annex 1 L444-8), and the document that may back the latter."""

import pytest

from app.domain.orders import Plan
from app.domain.requests import (
    MAX_DOCUMENT_BYTES,
    AskRefusal,
    DocumentProblem,
    RequestKind,
    ask_refusal,
    document_problem,
    document_type,
)
from app.domain.subscriptions import SubscriptionStatus as S

PATH, FORCE = RequestKind.PATH_CHANGE, RequestKind.FORCE_MAJEURE


@pytest.mark.parametrize(
    "article, kind, plan, status, open_request, expected",
    [
        ("§2.2c", PATH, Plan.PLUS, S.ACTIVE, False, None),
        ("§2.2c in reflection", PATH, Plan.PLUS, S.REFLECTION, False, None),
        ("§2.2c cancelling", PATH, Plan.PLUS, S.CANCELLING, False, None),
        ("§2.2c balance first", PATH, Plan.PLUS, S.PAST_DUE, False, AskRefusal.NOT_NOW),
        ("§2.2c one at a time", PATH, Plan.PLUS, S.ACTIVE, True, AskRefusal.ALREADY_ASKED),
        ("§2.2c Solo has no path", PATH, Plan.SOLO, S.ACTIVE, False, AskRefusal.WRONG_PLAN),
        ("§6.2 force majeure", FORCE, Plan.PLUS, S.ACTIVE, False, None),
        ("§6.2 past due too", FORCE, Plan.PLUS, S.PAST_DUE, False, None),
        ("§6.2 reflection: withdraw", FORCE, Plan.PLUS, S.REFLECTION, False, AskRefusal.NOT_NOW),
        ("§6.2 over", FORCE, Plan.PLUS, S.TERMINATED, False, AskRefusal.NOT_NOW),
        ("§6.2 Plus only", FORCE, Plan.SOLO, S.ACTIVE, False, AskRefusal.WRONG_PLAN),
        ("§6.2 one at a time", FORCE, Plan.PLUS, S.ACTIVE, True, AskRefusal.ALREADY_ASKED),
    ],
)
def test_who_may_ask(article, kind, plan, status, open_request, expected):
    assert ask_refusal(kind, plan, status, open_request) is expected


@pytest.mark.parametrize(
    "article, data, media_type, problem",
    [
        ("§6.2 a PDF", b"%PDF-1.7\n...", "application/pdf", None),
        ("§6.2 a PNG", b"\x89PNG\r\n\x1a\n....", "image/png", None),
        ("§6.2 a JPEG", b"\xff\xd8\xff\xe0....", "image/jpeg", None),
        ("§6.2 a script named .pdf", b"<script>alert(1)</script>", None, DocumentProblem.WRONG_TYPE),
        ("§6.2 empty", b"", None, DocumentProblem.EMPTY),
        ("§6.2 5 MB", b"%PDF-" + b"0" * (MAX_DOCUMENT_BYTES - 5), "application/pdf", None),
        ("§6.2 too large", b"%PDF-" + b"0" * MAX_DOCUMENT_BYTES, "application/pdf", DocumentProblem.TOO_LARGE),
    ],
)  # fmt: skip
def test_the_document(article, data, media_type, problem):
    assert document_type(data) == media_type
    assert document_problem(data) is problem
