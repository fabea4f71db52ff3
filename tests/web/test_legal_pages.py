import re

import pytest

from app.extensions import db
from app.models import DocumentKind, Inquiry, InquiryKind, PdfVariant
from app.services import legal_documents
from tests.conftest import outbox_for, sign_in, without_title

PAGES = [
    "/terms",
    "/terms/versions",
    "/terms/2026-11",
    "/code-of-conduct",
    "/code-of-conduct/versions",
    "/code-of-conduct/2026-11",
    "/legal-information",
    "/privacy",
    "/security",
    "/accessibility",
    "/mediation",
    "/help/read-aloud",
    "/help/browsers",
    "/contact",
    "/accessible-format",
]
HEADINGS = {
    ("/terms", "en"): "Terms of Service",
    ("/privacy", "en"): "Personal data protection policy",
    ("/privacy", "fr"): "Politique de protection des données personnelles",
    ("/help/read-aloud", "en"): "Have the Terms read aloud",
    ("/help/read-aloud", "fr"): "Faire lire les conditions à voix haute",
    ("/mediation", "fr"): "Médiation",
}
HREF = re.compile(r'href="(/[^"#]*)')


def get(client, path, locale="en", **kwargs):
    return client.get(path, headers={"Accept-Language": locale}, **kwargs)


@pytest.mark.parametrize("locale", ["en", "fr"])
@pytest.mark.parametrize("path", PAGES)
def test_every_legal_page_answers_in_both_languages(client, legal_docs, path, locale):
    response = get(client, path, locale)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'<html lang="{locale}">' in html
    assert html.count("<h1") == 1
    if (path, locale) in HEADINGS:
        assert f">{HEADINGS[(path, locale)]}</h1>" in html


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_no_internal_link_is_dead(client, legal_docs, locale):
    """Every link on the legal pages (footer, texts, forms) leads somewhere."""
    seen, broken = set(), []
    for page in PAGES:
        html = get(client, page, locale).get_data(as_text=True)
        for href in HREF.findall(html):
            href = href.replace("&amp;", "&")
            if href in seen or href.startswith(("/static/", "/staff")):
                continue
            seen.add(href)
            status = get(client, href, locale).status_code
            if status != 200:
                broken.append((page, href, status))
    assert not broken
    assert {"/terms", "/privacy", "/contact", "/mediation", "/legal-information"} <= seen


def test_the_coming_soon_page_is_gone(client, legal_docs):
    html = get(client, "/").get_data(as_text=True)
    footer = html[html.index("<footer") :]
    for path in ("/terms", "/code-of-conduct", "/legal-information", "/privacy"):
        assert f'href="{path}"' in footer
    for path in ("/security", "/accessibility", "/mediation", "/help/browsers", "/contact"):
        assert f'href="{path}"' in footer
    assert "coming soon" not in html.lower()


def test_terms_page_has_contents_anchors_and_downloads(client, legal_docs):
    html = get(client, "/terms").get_data(as_text=True)
    assert '<nav class="toc" aria-labelledby="contents">' in html
    for anchor in re.findall(r'<a href="#([^"]+)">', html):
        assert f'id="{anchor}"' in html
    assert '<h2 id="article-6-withdrawal-and-reflection-period">' in html
    assert '<h3 id="6-2-premium-plus">' in html
    assert "Article L444-8" in html
    size = legal_documents.pdf_sizes(legal_docs["terms"], "en")[PdfVariant.STANDARD]
    assert f"(PDF, {-(-size // 1000)} KB)" in html
    fr = get(client, "/terms", "fr").get_data(as_text=True)
    # Every language's files on every language's page, each in its own language.
    for page in (html, fr):
        for lang in ("en", "fr"):
            for path in ("/terms/2026-11.pdf", "/terms/2026-11/large-print.pdf"):
                link = re.search(rf'<a href="{path}\?lang={lang}"[^>]*>', page).group(0)
                assert f'hreflang="{lang}"' in link and f'lang="{lang}"' in link
    assert "Version en gros caractères" in html and "Large-print version" in fr
    assert html.index('lang="en">Standard version') < html.index('lang="fr">Version standard')
    size_fr = legal_documents.pdf_sizes(legal_docs["terms"], "fr")[PdfVariant.STANDARD]
    assert f"{-(-size_fr // 1000)} Ko" in fr
    assert "Annexe. Article L444-8 du Code de l'éducation" in fr


def test_unknown_version_is_404(client, legal_docs):
    assert get(client, "/terms/1999-01").status_code == 404
    assert get(client, "/terms/1999-01.pdf").status_code == 404
    assert get(client, "/code-of-conduct/nope/large-print.pdf").status_code == 404


def test_without_any_version_the_page_is_404_not_an_error(client):
    assert get(client, "/terms").status_code == 404
    assert get(client, "/terms/versions").status_code == 200


@pytest.mark.parametrize(
    ("path", "filename"),
    [
        ("/terms/2026-11.pdf", "terms-2026-11-en.pdf"),
        ("/terms/2026-11.pdf?lang=fr", "terms-2026-11-fr.pdf"),
        ("/terms/2026-11/large-print.pdf", "terms-2026-11-en-large-print.pdf"),
        ("/code-of-conduct/2026-11.pdf", "code-of-conduct-2026-11-en.pdf"),
        (
            "/code-of-conduct/2026-11/large-print.pdf?lang=fr",
            "code-of-conduct-2026-11-fr-large-print.pdf",
        ),
    ],
)
def test_pdf_download_headers(client, legal_docs, path, filename):
    response = get(client, path)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert int(response.headers["Content-Length"]) == len(response.data)
    assert response.data.startswith(b"%PDF-")


def test_pdf_language_follows_the_page_language(client, legal_docs):
    english = get(client, "/terms/2026-11.pdf").data
    french = get(client, "/terms/2026-11.pdf", "fr").data
    assert english != french
    assert get(client, "/terms/2026-11.pdf?lang=xx", "fr").data == french


def test_a_cached_pdf_is_served_without_rendering_again(client, legal_docs, monkeypatch):
    calls = []
    monkeypatch.setattr(
        legal_documents, "render_pdf", lambda *args: calls.append(args) or b"%PDF-new"
    )
    for _ in range(3):
        assert get(client, "/terms/2026-11.pdf").data != b"%PDF-new"
    assert calls == []


def test_a_missing_pdf_is_rendered_once_then_kept(client, app, rendered_pdfs, monkeypatch):
    version = legal_documents.publish(
        legal_documents.NewVersion(
            DocumentKind.TERMS, "2027-01", "## One\n\nText.", "## Un\n\nTexte.", "New.", "Nouveau."
        ),
        render_pdfs=False,
    )
    db.session.commit()
    calls = []
    monkeypatch.setattr(
        legal_documents, "render_pdf", lambda *args: calls.append(args[0].id) or b"%PDF-1.7 fake"
    )
    assert "(PDF)" in get(client, "/terms").get_data(as_text=True)
    first = get(client, "/terms/2027-01.pdf")
    second = get(client, "/terms/2027-01.pdf")
    assert first.data == second.data == b"%PDF-1.7 fake"
    assert calls == [version.id]
    assert "(PDF, 13 bytes)" in get(client, "/terms").get_data(as_text=True)


def test_publishing_renders_every_pdf_so_sizes_are_known(app, legal_docs):
    for version in legal_docs.values():
        for locale in ("en", "fr"):
            assert set(legal_documents.pdf_sizes(version, locale)) == set(PdfVariant)


# --- Contact Student Success ---------------------------------------------------------

CONTACT = {
    "name": "Inès Roux",
    "email": " Ines@Example.org ",
    "topic": "billing",
    "order_reference": "A-2026-0042",
    "message": "My invoice shows the wrong address.",
}


def test_contact_form_stores_acknowledges_and_confirms(client, app):
    response = client.post("/contact", data=CONTACT, headers={"Accept-Language": "fr"})
    assert response.status_code == 302 and response.headers["Location"].endswith(
        "/contact/received"
    )
    inquiry = app.extensions["sqlalchemy"].session.query(Inquiry).one()
    assert inquiry.kind is InquiryKind.CONTACT
    assert (inquiry.topic, inquiry.email, inquiry.order_reference, inquiry.locale) == (
        "billing",
        "ines@example.org",
        "A-2026-0042",
        "fr",
    )
    (ack,) = outbox_for("ines@example.org")
    assert inquiry.reference in ack.subject
    page = client.get("/contact/received").get_data(as_text=True)
    assert inquiry.reference in page


def test_contact_form_errors_keep_what_was_typed(client):
    response = client.post("/contact", data={**CONTACT, "topic": "", "message": " ", "email": "x"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "<title>Error: " in html
    assert 'href="#topic"' in html and 'id="topic-error"' in html
    assert "Select what your message is about." in html
    assert "Enter your message." in html
    assert "Enter an email address in the correct format" in html
    assert 'value="Inès Roux"' in html and 'value="A-2026-0042"' in html


def test_contact_form_rejects_unknown_topic_and_long_reference(client):
    response = client.post(
        "/contact", data={**CONTACT, "topic": "hacking", "order_reference": "x" * 41}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "The reference must be 40 characters or fewer." in html
    assert 'id="topic-error"' in html


def test_contact_form_htmx_error_returns_the_form_only(client):
    response = client.post("/contact", data={}, headers={"HX-Request": "true"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert without_title(html).startswith('<div id="contact-form">') and "<html" not in html
    assert "HX-Request" in response.headers["Vary"]


def test_contact_form_htmx_success_redirects(client):
    response = client.post("/contact", data=CONTACT, headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response.headers["HX-Redirect"].endswith("/contact/received")


def test_contact_form_is_prefilled_for_signed_in_users(client, make_user):
    user = make_user()
    sign_in(client, user.email, user.password)
    html = client.get("/contact").get_data(as_text=True)
    assert f'value="{user.email}"' in html and f'value="{user.name}"' in html
    client.post("/contact", data={**CONTACT, "email": user.email})
    assert outbox_for(user.email)


def test_received_page_without_a_message_goes_back_to_the_form(client):
    response = client.get("/contact/received")
    assert response.status_code == 302 and response.headers["Location"].endswith("/contact")


def test_contact_form_needs_csrf(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    response = client.post("/contact", data=CONTACT)
    assert response.status_code == 400


def test_contact_form_is_rate_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_CONTACT="2 per minute")
    client = app.test_client()
    statuses = [client.post("/contact", data={}).status_code for _ in range(3)]
    assert statuses == [422, 422, 429]


# --- Another accessible format -------------------------------------------------------


def test_accessible_format_request_goes_to_the_staff_queue(client, app, legal_docs):
    page = client.get("/accessible-format?document=code_of_conduct").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*value="code_of_conduct"', page)
    response = client.post(
        "/accessible-format",
        data={
            "document": "terms",
            "format": "braille",
            "details": "Grade 2, please.",
            "name": "Paul",
            "email": "paul@example.org",
        },
    )
    assert response.status_code == 302
    inquiry = app.extensions["sqlalchemy"].session.query(Inquiry).one()
    assert inquiry.kind is InquiryKind.ACCESSIBLE_FORMAT
    assert inquiry.topic == "braille" and inquiry.subject_ref == "terms:2026-11"
    assert "Braille transcription" in inquiry.message and "Grade 2" in inquiry.message
    assert outbox_for("paul@example.org")


def test_accessible_format_other_needs_a_description(client, legal_docs):
    response = client.post(
        "/accessible-format",
        data={"document": "terms", "format": "other", "name": "Paul", "email": "p@example.org"},
    )
    assert response.status_code == 422
    assert "Describe the format you need." in response.get_data(as_text=True)
    empty = client.post("/accessible-format", data={}).get_data(as_text=True)
    assert "Select the document you need." in empty and "Select the format you need." in empty
    assert 'href="#document-0"' in empty


# --- Legal information from the settings ---------------------------------------------


def test_legal_information_comes_from_settings(make_app):
    app = make_app(LEGAL_COMPANY_NAME="Exemple SAS", LEGAL_SIREN="123 456 789")
    html = app.test_client().get("/legal-information").get_data(as_text=True)
    assert "Exemple SAS" in html and "123 456 789" in html


def test_mediator_comes_from_settings(make_app):
    app = make_app(MEDIATOR_NAME="Médiateur Test", MEDIATOR_WEBSITE="https://mediateur.test")
    html = app.test_client().get("/mediation").get_data(as_text=True)
    assert "Médiateur Test" in html and 'href="https://mediateur.test"' in html


def test_privacy_page_points_to_student_success_not_to_missing_settings(client):
    html = get(client, "/privacy").get_data(as_text=True)
    assert 'href="/contact"' in html
    assert "/account/export" not in html and "/account/delete" not in html


def test_a_pdf_is_rendered_again_when_what_renders_it_changes(client, app, legal_docs, monkeypatch):
    """The French PDF rendered with a translation that was missing (English headings
    under lang=fr) must not be served for ever: cached PDFs are keyed by the template,
    the translations and the renderer, not only by version and language."""
    calls = []
    monkeypatch.setattr(
        legal_documents, "render_pdf", lambda *args: calls.append(args[1:]) or b"%PDF-1.7 new"
    )
    for _ in range(2):
        assert get(client, "/terms/2026-11.pdf").data != b"%PDF-1.7 new"
    assert calls == []
    # A fixed translation, a new template: another key.
    monkeypatch.setitem(app.extensions, "legal_pdf_render_keys", {"en": "x" * 32, "fr": "y" * 32})
    first = get(client, "/terms/2026-11.pdf")
    second = get(client, "/terms/2026-11.pdf")
    assert first.data == second.data == b"%PDF-1.7 new"
    assert calls == [("en", PdfVariant.STANDARD)]


def test_the_render_key_follows_what_renders_the_pdf(app, monkeypatch):
    with app.test_request_context():
        before = legal_documents.render_key("fr")
        app.extensions["legal_pdf_render_keys"].clear()
        assert legal_documents.render_key("fr") == before  # the same files: the same key
        app.extensions["legal_pdf_render_keys"].clear()
        monkeypatch.setitem(app.config, "PLATFORM_NAME", "Another name")
        assert legal_documents.render_key("fr") != before


@pytest.mark.parametrize(
    ("locale", "caption"),
    [("en", "The personal data we keep"), ("fr", "Les données personnelles que nous conservons")],
)
def test_the_privacy_data_table_has_a_caption(client, locale, caption):
    html = get(client, "/privacy", locale).get_data(as_text=True)
    assert f"<caption>{caption}" in html
