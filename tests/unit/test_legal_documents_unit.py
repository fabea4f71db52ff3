import pytest

from app.domain.file_size import file_size
from app.services.markdown import Heading, build_toc, render_document, slugify, unique_ids


@pytest.mark.parametrize(
    ("size", "en", "fr"),
    [
        (0, "0 bytes", "0 octets"),
        (999, "999 bytes", "999 octets"),
        (1000, "1 KB", "1 Ko"),
        (1001, "2 KB", "2 Ko"),
        (120_000, "120 KB", "120 Ko"),
        (119_200, "120 KB", "120 Ko"),
        (999_999, "1.0 MB", "1,0 Mo"),
        (2_345_678, "2.3 MB", "2,3 Mo"),
    ],
)
def test_file_size_in_both_languages(size, en, fr):
    assert file_size(size, "en") == en
    assert file_size(size, "fr") == fr


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Article 1. How these Terms apply", "article-1-how-these-terms-apply"),
        ("6.2 Premium Plus", "6-2-premium-plus"),
        (
            "Annexe. Article L444-8 du Code de l'éducation",
            "annexe-article-l444-8-du-code-de-l-education",
        ),
        ("Prix & paiement — TTC", "prix-paiement-ttc"),
        ("!!!", "section"),
    ],
)
def test_slugify(text, slug):
    assert slugify(text) == slug


def test_ids_are_unique_and_avoid_the_layout_ids():
    assert unique_ids(["Intro", "Intro", "Main", "Contents", "Intro"]) == [
        "intro",
        "intro-2",
        "main-2",
        "contents-2",
        "intro-3",
    ]


def test_toc_nests_sections_under_articles():
    headings = [
        Heading(3, "orphan", "Orphan"),
        Heading(2, "a1", "Article 1"),
        Heading(3, "a1-1", "1.1"),
        Heading(4, "a1-1-a", "a."),
        Heading(3, "a1-2", "1.2"),
        Heading(2, "a2", "Article 2"),
    ]
    toc = build_toc(headings)
    assert [entry.heading.id for entry in toc] == ["orphan", "a1", "a2"]
    assert [child.heading.id for child in toc[1].children] == ["a1-1", "a1-2"]
    assert toc[2].children == []


def test_render_document_adds_ids_and_keeps_sanitising():
    document = render_document(
        "## Article *1*\n\nText <script>alert(1)</script>\n\n### 1.1 Sub\n\n"
        '[x](javascript:alert(1))\n\n## <img src=x onerror="alert(1)">'
    )
    html = str(document.html)
    assert '<h2 id="article-1">Article <em>1</em></h2>' in html
    assert '<h3 id="1-1-sub">1.1 Sub</h3>' in html
    assert "<script" not in html and "<img" not in html and 'href="javascript' not in html
    assert "&lt;script&gt;" in html
    assert [h.text for h in document.headings][:2] == ["Article 1", "1.1 Sub"]
    assert [e.heading.id for e in document.toc][:1] == ["article-1"]


def test_markdown_filter_for_other_callers_has_no_ids():
    from app.services.markdown import render_markdown

    assert "<h2>Title</h2>" in render_markdown("## Title")
