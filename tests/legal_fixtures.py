"""Fixtures for the legal-document tests: the published v1 texts, with PDFs rendered once
per session (a 12-page tagged PDF takes about a second; the database is emptied after
every test, the rendered bytes are not)."""

import hashlib

import pytest

from app.extensions import db
from app.services import legal_documents

_real_render_pdf = legal_documents.render_pdf


@pytest.fixture(scope="session", autouse=True)
def rendered_pdfs():
    """Memoise the PDF renderer by everything the PDF shows, the app's render key (its
    PUBLIC_URL, template, translations) included, for every test, so that `flask
    demo-data` in the CLI tests reuses them too; returns the real calls."""
    memo: dict[tuple, bytes] = {}
    calls: list[tuple] = []

    def render(version, locale, variant):
        key = (
            version.kind,
            version.label,
            hashlib.sha256(version.body(locale).encode()).hexdigest(),
            version.published_at.date(),
            locale,
            variant,
            legal_documents.render_key(locale),
        )
        if key not in memo:
            calls.append(key)
            memo[key] = _real_render_pdf(version, locale, variant)
        return memo[key]

    patcher = pytest.MonkeyPatch()
    patcher.setattr(legal_documents, "render_pdf", render)
    yield calls
    patcher.undo()


@pytest.fixture
def legal_docs(app, rendered_pdfs):
    """Terms v1 and Code of Conduct v1 published, PDFs cached, as `flask demo-data` does."""
    terms, conduct = legal_documents.seed()
    db.session.commit()
    return {"terms": terms, "code_of_conduct": conduct}
