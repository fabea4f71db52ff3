from html.parser import HTMLParser

import pytest

from app.services.markdown import render_markdown


def test_markdown_basics():
    html = render_markdown("## Title\n\nSome **bold** and a [link](https://example.org).")
    assert "<h2>Title</h2>" in html
    assert "<strong>bold</strong>" in html
    assert '<a href="https://example.org" rel="noopener noreferrer nofollow">link</a>' in html


@pytest.mark.parametrize(
    "attack",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        '<a href="/x" hx-get="/account/email" hx-trigger="load">x</a>',
        '<svg><animate onbegin="alert(1)" attributeName="x"/></svg>',
        '<div hx-post="/signout" hx-trigger="load"></div>',
        '<iframe src="https://evil.example"></iframe>',
        "[x](JaVaScRiPt:alert(1))",
        '<a href="https://ok.example" onclick="alert(1)">x</a>',
    ],
)
def test_dangerous_input_comes_out_inert(attack):
    """Whatever is left is text or allow-listed markup: no active tag, attribute or URL."""
    elements = parse(str(render_markdown(attack)))
    for tag, attributes in elements:
        assert tag in {"p", "a"}, (tag, attributes)
        for name, value in attributes:
            assert name in {"href", "rel", "title"}, (tag, name)
            if name == "href":
                assert value.startswith(("https://", "http://", "/")), value


class Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))


def parse(html: str):
    collector = Collector()
    collector.feed(html)
    return collector.elements


def test_a_table_line_before_a_table_becomes_its_caption():
    html = str(render_markdown("Table: Who gets *what*\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n"))
    assert html.startswith("<table>\n<caption>Who gets <em>what</em></caption>")
    alone = str(render_markdown("Table: no table follows\n\nJust text."))
    assert "<caption>" not in alone and "Table: no table follows" in alone


# --- forum posts (Terms §2.1a; SECURITY.md: user Markdown through an allow-list) --------


def test_2_1a_post_links_are_marked_as_members_links():
    from app.services.markdown import render_post

    html = str(render_post("[site](https://example.org) and `x < y`\n\n```\n<b>code</b>\n```"))
    assert '<a href="https://example.org" rel="nofollow ugc noopener">site</a>' in html
    assert "<code>x &lt; y</code>" in html
    assert "<pre><code>&lt;b&gt;code&lt;/b&gt;\n</code></pre>" in html


def test_2_1a_post_headings_and_images_are_not_kept():
    from app.services.markdown import render_post

    html = str(render_post("# Big\n\n![alt](https://example.org/x.png)"))
    assert "<h1>" not in html and "<img" not in html and "Big" in html
