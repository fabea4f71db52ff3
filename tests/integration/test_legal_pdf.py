"""The PDFs are tagged and accessible (PDF/UA-1 essentials, checked with pikepdf, since
veraPDF cannot be installed here), and their text comes out in reading order (pypdf)."""

import io
import itertools
import re

import pikepdf
import pypdf
import pytest
from flask import current_app

from app.models import PdfVariant
from app.services import legal_documents

CASES = [
    (kind, locale, variant)
    for kind in ("terms", "code_of_conduct")
    for locale in ("en", "fr")
    for variant in PdfVariant
]
TITLES = {
    ("terms", "en"): "Terms of Service",
    ("code_of_conduct", "en"): "Student Code of Conduct",
}
FIRST_HEADINGS = {
    ("terms", "en"): [
        "Definitions",
        "Article 1. How these Terms apply",
        "1.1 Scope and acceptance",
    ],
    ("terms", "fr"): ["Définitions", "Article 1. Application des présentes Conditions"],
    ("code_of_conduct", "en"): ["Article 1. Respect for others", "1.1 In every exchange"],
    ("code_of_conduct", "fr"): ["Article 1. Le respect des autres", "1.1 Dans tous les échanges"],
}
LAST_HEADING = {
    ("terms", "en"): "Annex. Article L444-8 of the French Education Code",
    ("terms", "fr"): "Annexe. Article L444-8 du Code de l'éducation",
    ("code_of_conduct", "en"): "Article 6. Changes to this Code",
    ("code_of_conduct", "fr"): "Article 6. Modification de ce Règlement",
}


@pytest.fixture
def pdf_bytes(legal_docs):
    def get(kind, locale, variant):
        version = legal_docs[kind]
        return legal_documents.pdf_for(version, locale, variant).data

    return get


def structure(node, found):
    """Walk the structure tree depth-first: (structure type, node) in reading order."""
    if isinstance(node, pikepdf.Dictionary):
        if "/S" in node:
            found.append((str(node.S), node))
        kids = node.get("/K")
        if isinstance(kids, pikepdf.Array):
            for kid in kids:
                structure(kid, found)
        elif isinstance(kids, pikepdf.Dictionary):
            structure(kids, found)
    return found


def actual_text(pdf, element) -> str:
    """The text of a structure element, from the marked content it owns."""
    return element.get("/ActualText", "")


@pytest.mark.parametrize(("kind", "locale", "variant"), CASES)
def test_pdf_ua_essentials(pdf_bytes, kind, locale, variant):
    data = pdf_bytes(kind, locale, variant)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        root = pdf.Root
        with pdf.open_metadata() as meta:
            assert meta.get("{http://www.aiim.org/pdfua/ns/id/}part") == "1"
            title = meta.get("{http://purl.org/dc/elements/1.1/}title")
        assert title and "2026-11" in title
        if (kind, locale) in TITLES:
            assert title.startswith(TITLES[(kind, locale)])
        assert str(pdf.docinfo.get("/Title", title)) == title
        assert root.MarkInfo.Marked is True
        assert str(root.Lang) == locale
        assert root.ViewerPreferences.DisplayDocTitle is True

        elements = structure(root.StructTreeRoot, [])
        types = [name for name, _ in elements]
        assert types[0] == "/Document"
        levels = [int(name[2]) for name in types if re.fullmatch(r"/H[1-6]", name)]
        assert levels[0] == 1 and levels.count(1) == 1
        # Headings never skip a level on the way down.
        for before, after in itertools.pairwise(levels):
            assert after <= before + 1, levels
        assert "/L" in types and "/LI" in types and "/LBody" in types
        assert "/Link" in types

        fonts = 0
        for page in pdf.pages:
            for font in page.Resources.get("/Font", {}).values():
                fonts += 1
                descriptors = [font.get("/FontDescriptor")]
                for descendant in font.get("/DescendantFonts", []):
                    descriptors.append(descendant.get("/FontDescriptor"))
                assert any(
                    d is not None and any(k in d for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                    for d in descriptors
                ), f"font {font.get('/BaseFont')} is not embedded"
            for annot in page.get("/Annots", []):
                if annot.Subtype == "/Link":
                    assert str(annot.get("/Contents", "")), "link without Contents"
                    assert "/StructParent" in annot, "link annotation not tagged"
        assert fonts > 0


@pytest.mark.parametrize(
    ("kind", "locale"), [(k, loc) for k in ("terms", "code_of_conduct") for loc in ("en", "fr")]
)
def test_text_comes_out_in_reading_order(pdf_bytes, legal_docs, kind, locale):
    for variant in PdfVariant:
        reader = pypdf.PdfReader(io.BytesIO(pdf_bytes(kind, locale, variant)))
        text = "\n".join(page.extract_text() for page in reader.pages)
        text = re.sub(r"\s+", " ", text)
        positions = []
        body = text[text.index(FIRST_HEADINGS[(kind, locale)][0], 200) :]
        for heading in [*FIRST_HEADINGS[(kind, locale)], LAST_HEADING[(kind, locale)]]:
            assert heading in body, heading
            positions.append(body.index(heading))
        assert positions == sorted(positions)
        if kind == "terms":
            assert ("30 %" if locale == "fr" else "30%") in body[positions[-1] :]
    large = pypdf.PdfReader(io.BytesIO(pdf_bytes(kind, locale, PdfVariant.LARGE_PRINT)))
    standard = pypdf.PdfReader(io.BytesIO(pdf_bytes(kind, locale, PdfVariant.STANDARD)))
    assert len(large.pages) > len(standard.pages)


def test_links_in_the_pdf_point_to_the_public_site(pdf_bytes):
    with pikepdf.open(io.BytesIO(pdf_bytes("terms", "en", PdfVariant.STANDARD))) as pdf:
        uris = {
            str(annot.A.URI)
            for page in pdf.pages
            for annot in page.get("/Annots", [])
            if "/A" in annot and "/URI" in annot.A
        }
    public = current_app.config["PUBLIC_URL"]
    assert f"{public}/contact" in uris and f"{public}/privacy" in uris


def test_large_print_is_18_point_or_more(legal_docs, app):
    from flask import render_template

    from app.services.markdown import render_document

    version = legal_docs["terms"]
    with app.test_request_context():
        html = render_template(
            "legal/document_pdf.html",
            version=version,
            document=render_document(version.body_en),
            locale="en",
            large_print=True,
        )
    sizes = [float(s) for s in re.findall(r"font-size: ([\d.]+)pt", html)]
    assert sizes and min(sizes) >= 18
    assert "color: #000" in html and "background: #fff" in html
