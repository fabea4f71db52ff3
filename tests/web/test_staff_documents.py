import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import DocumentKind, DocumentVersion, ImmutableDocumentError
from app.services import legal_documents
from tests.conftest import sign_in, without_title

NEW = {
    "kind": "terms",
    "label": "2027-01",
    "change_summary_en": "Article 4 now explains referral credits.",
    "change_summary_fr": "L'article 4 explique désormais les crédits de parrainage.",
    "body_en": "## Article 1\n\nNew text.\n\n<script>alert(1)</script>",
    "body_fr": "## Article 1\n\nNouveau texte.",
}


def snapshot(version: DocumentVersion) -> tuple:
    db.session.refresh(version)
    return (
        version.label,
        version.body_en,
        version.body_fr,
        version.change_summary_en,
        version.change_summary_fr,
        version.material,
        version.published_at,
    )


@pytest.mark.parametrize("path", ["/staff/documents", "/staff/documents/new"])
def test_learners_get_403(client, make_user, path):
    learner = make_user()
    sign_in(client, learner.email, learner.password)
    assert client.get(path).status_code == 403
    assert client.post("/staff/documents/new", data={**NEW, "action": "publish"}).status_code == 403


def test_visitors_are_sent_to_sign_in(client):
    response = client.post("/staff/documents/new", data={**NEW, "action": "publish"})
    assert response.status_code == 302 and "/signin" in response.headers["Location"]
    assert db.session.scalars(select(DocumentVersion)).all() == []


def test_new_version_form_starts_from_the_current_text(staff_client, legal_docs):
    html = staff_client.get("/staff/documents/new?kind=code_of_conduct").get_data(as_text=True)
    assert "Article 2. Mentoring sessions" in html
    assert '<input checked class="radios__input" id="kind-1"' in html
    listing = staff_client.get("/staff/documents").get_data(as_text=True)
    assert "2026-11" in listing


def test_preview_shows_the_text_and_publishes_nothing(staff_client, legal_docs):
    response = staff_client.post("/staff/documents/new", data={**NEW, "action": "preview"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<h2 id="preview-title"' in html and "<h2>Article 1</h2>" in html
    assert "<script>alert" not in html and "data-hx-disable" in html
    assert legal_documents.find(DocumentKind.TERMS, "2027-01") is None


def test_htmx_preview_returns_the_editor_only(staff_client, legal_docs):
    response = staff_client.post(
        "/staff/documents/new", data={**NEW, "action": "preview"}, headers={"HX-Request": "true"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert without_title(html).startswith('<div id="document-editor">') and "<html" not in html


def test_invalid_version_is_422_with_messages_and_text_kept(staff_client, legal_docs):
    response = staff_client.post(
        "/staff/documents/new",
        data={**NEW, "label": "2026-11", "change_summary_fr": "", "action": "publish"},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Say in French what changed." in html
    assert "New text." in html
    bad_label = staff_client.post(
        "/staff/documents/new", data={**NEW, "label": "a b/../c", "action": "publish"}
    )
    assert bad_label.status_code == 422
    assert "Use 1 to 20 letters, digits or hyphens" in bad_label.get_data(as_text=True)
    taken = staff_client.post(
        "/staff/documents/new", data={**NEW, "label": "2026-11", "action": "publish"}
    )
    assert "already has a version with this label" in taken.get_data(as_text=True)


def test_publishing_adds_a_version_and_never_alters_the_previous_one(
    staff_client, client, legal_docs
):
    v1 = legal_docs["terms"]
    before = snapshot(v1)
    v1_pdf = client.get("/terms/2026-11.pdf").data
    response = staff_client.post(
        "/staff/documents/new", data={**NEW, "material": "y", "action": "publish"}
    )
    assert response.status_code == 302
    assert snapshot(v1) == before
    assert client.get("/terms/2026-11.pdf").data == v1_pdf
    v2 = legal_documents.find(DocumentKind.TERMS, "2027-01")
    assert v2.material and v2.created_by is not None and v2.id != v1.id
    assert legal_documents.current(DocumentKind.TERMS).id == v2.id
    current = client.get("/terms").get_data(as_text=True)
    assert "New text." in current and "<script>alert" not in current
    old = client.get("/terms/2026-11").get_data(as_text=True)
    assert "This is an earlier version" in old and 'href="/terms"' in old
    versions = client.get("/terms/versions").get_data(as_text=True)
    assert versions.index("2027-01") < versions.index("2026-11")
    assert "Article 4 now explains referral credits." in versions
    # The Code of Conduct is untouched.
    assert legal_documents.current(DocumentKind.CODE_OF_CONDUCT).label == "2026-11"


def test_a_published_version_cannot_be_changed_or_deleted(app, legal_docs):
    v1 = legal_docs["terms"]
    v1.body_en = "Rewritten history."
    with pytest.raises(ImmutableDocumentError):
        db.session.commit()
    db.session.rollback()
    assert "Rewritten history." not in snapshot(v1)[1]
    db.session.delete(v1)
    with pytest.raises(ImmutableDocumentError):
        db.session.commit()
    db.session.rollback()
    assert legal_documents.find(DocumentKind.TERMS, "2026-11") is not None


def test_there_is_no_route_to_edit_a_published_version(staff_client, legal_docs):
    version_id = legal_docs["terms"].id
    for path in (
        f"/staff/documents/{version_id}",
        f"/staff/documents/{version_id}/edit",
        "/terms/2026-11",
    ):
        assert staff_client.post(path, data=NEW).status_code in (404, 405)


def test_service_refuses_a_duplicate_label(app, legal_docs):
    from app.domain.errors import DomainError

    with pytest.raises(DomainError) as error:
        legal_documents.publish(
            legal_documents.NewVersion(DocumentKind.TERMS, "2026-11", "x", "x", "x", "x"),
            render_pdfs=False,
        )
    assert (error.value.field, error.value.message) == ("label", "label_taken")


def test_a_material_version_sets_new_monthly_prices(staff_client, legal_docs, make_path):
    """§1: staff enter the new monthly price of a plan or path when publishing a material
    version; empty fields keep their price."""
    from app.domain.orders import Plan
    from app.models import TermsPrice

    path = make_path()
    form = staff_client.get("/staff/documents/new").get_data(as_text=True)
    assert 'id="price_solo"' in form and f'id="price_path_{path.id}"' in form
    response = staff_client.post(
        "/staff/documents/new",
        data={**NEW, "material": "y", "price_solo": "24,90", "action": "publish"},
    )
    assert response.status_code == 302
    version = legal_documents.find(DocumentKind.TERMS, "2027-01")
    [price] = db.session.scalars(select(TermsPrice)).all()
    assert (price.version_id, price.plan, price.path_id, price.monthly_cents) == (
        version.id,
        Plan.SOLO,
        None,
        2490,
    )


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"material": "y", "price_solo": "free"}, "Enter a monthly price in euros"),
        ({"material": "y", "price_solo": "0"}, "Enter a monthly price in euros"),
        ({"price_solo": "24.90"}, "A new price is a material change"),
    ],
)
def test_a_bad_price_is_422_and_publishes_nothing(staff_client, legal_docs, extra, message):
    from app.models import TermsPrice

    response = staff_client.post("/staff/documents/new", data={**NEW, **extra, "action": "publish"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html and "There is a problem" in html
    assert legal_documents.find(DocumentKind.TERMS, "2027-01") is None
    assert db.session.scalars(select(TermsPrice)).all() == []
