"""Markdown written by people (staff texts, later forum posts) to safe HTML.

markdown-it parses with raw HTML turned off; nh3 (Ammonia) then keeps only an allow-list of
tags and attributes, so scripts, event handlers, hx-* attributes, javascript: and data: URLs
and SVG tricks cannot survive, whatever the parser lets through."""

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup


def table_captions(state) -> None:
    """A paragraph "Table: …" right before a table becomes that table's <caption> (the
    Pandoc convention), so a data table can be named for screen readers (WCAG 1.3.1)."""
    tokens = state.tokens
    index = 0
    while index + 3 < len(tokens):
        opening, inline, _closing, table = tokens[index : index + 4]
        if (
            opening.type == "paragraph_open"
            and table.type == "table_open"
            and inline.content.startswith(CAPTION_PREFIX)
        ):
            inline.content = inline.content[len(CAPTION_PREFIX) :].strip()
            caption_open = Token("caption_open", "caption", 1, block=True)
            caption_close = Token("caption_close", "caption", -1, block=True)
            tokens[index : index + 4] = [table, caption_open, inline, caption_close]
        index += 1


CAPTION_PREFIX = "Table:"
_parser = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
# Before the inline rule, which then parses the caption's text like any other.
_parser.core.ruler.before("inline", "table_captions", table_captions)

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "table",
    "caption",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "ol": {"start"}}


# The same text always gives the same HTML, and parsing then sanitising is a good part
# of a Learning Path page (a dozen texts): each process keeps the latest results, by
# text, so a page shown again renders none of them again. A changed text is a new key.
RENDERED_TEXTS = 1024


def clean_html(
    html: str,
    tags,
    attributes,
    *,
    link_rel: str = "noopener noreferrer nofollow",
    tag_attribute_values: dict | None = None,
) -> Markup:
    """The one place rendered HTML is made safe: nh3 keeps the allow-list only, links to
    http(s) and mailto, with `link_rel`."""
    clean = nh3.clean(
        html,
        tags=tags,
        attributes=attributes,
        tag_attribute_values=tag_attribute_values,
        url_schemes={"http", "https", "mailto"},
        link_rel=link_rel,
    )
    return Markup(clean)  # noqa: S704 (sanitized by nh3 just above)


@lru_cache(maxsize=RENDERED_TEXTS)
def render_markdown(text: str | None) -> Markup:
    html = _parser.render(text or "")
    return clean_html(html, ALLOWED_TAGS, ALLOWED_ATTRIBUTES)


# --- Long documents: headings with anchors and a table of contents ------------------

DOCUMENT_ATTRIBUTES = {
    **ALLOWED_ATTRIBUTES,
    **{tag: {"id"} for tag in ("h2", "h3", "h4")},
}
# Ids the page layout already uses: a heading never takes one of them.
RESERVED_IDS = frozenset({"main", "flash", "language-label", "error-summary-title", "contents"})


@dataclass(frozen=True)
class Heading:
    level: int
    id: str
    text: str


@dataclass
class TocEntry:
    heading: Heading
    children: list["TocEntry"] = field(default_factory=list)


@dataclass(frozen=True)
class RenderedDocument:
    html: Markup
    headings: tuple[Heading, ...]

    @property
    def toc(self) -> list[TocEntry]:
        return build_toc(self.headings)


def slugify(text: str) -> str:
    """ "Article 2.1 — Prix & paiement" -> "article-2-1-prix-paiement"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:60].rstrip("-") or "section"


def unique_ids(texts: list[str]) -> list[str]:
    seen: set[str] = set(RESERVED_IDS)
    ids = []
    for text in texts:
        base = slugify(text)
        candidate, n = base, 2
        while candidate in seen:
            candidate, n = f"{base}-{n}", n + 1
        seen.add(candidate)
        ids.append(candidate)
    return ids


def build_toc(headings, levels=(2, 3)) -> list[TocEntry]:
    """Nest the headings of `levels`: each deeper heading goes under the last shallower one."""
    top, deep = levels[0], levels[-1]
    toc: list[TocEntry] = []
    for heading in headings:
        if heading.level == top or (heading.level <= deep and not toc):
            toc.append(TocEntry(heading))
        elif top < heading.level <= deep:
            toc[-1].children.append(TocEntry(heading))
    return toc


def render_document(text: str | None) -> RenderedDocument:
    """Markdown to sanitized HTML where every h2-h4 has a stable id, plus its headings."""
    tokens = _parser.parse(text or "")
    found = [
        (index, tokens[index + 1].content)
        for index, token in enumerate(tokens)
        if token.type == "heading_open" and token.tag in ("h2", "h3", "h4")
    ]
    ids = unique_ids([plain for _, plain in found])
    headings = []
    for (index, content), anchor in zip(found, ids, strict=True):
        tokens[index].attrSet("id", anchor)
        plain = "".join(
            child.content for child in (tokens[index + 1].children or []) if child.content
        )
        headings.append(Heading(int(tokens[index].tag[1]), anchor, plain or content))
    html = _parser.renderer.render(tokens, _parser.options, {})
    return RenderedDocument(clean_html(html, ALLOWED_TAGS, DOCUMENT_ATTRIBUTES), tuple(headings))


COURSE_TAGS = ALLOWED_TAGS | {"img", "figure", "figcaption"}
COURSE_ATTRIBUTES = {**ALLOWED_ATTRIBUTES, "img": {"src", "alt", "title", "width", "height"}}


@lru_cache(maxsize=RENDERED_TEXTS)
def render_course_markdown(text: str | None) -> Markup:
    """Course chapters: the same allow-list plus images (http(s) or our own paths; the
    Content Security Policy only loads images from this site)."""
    html = _parser.render(text or "")
    return clean_html(html, COURSE_TAGS, COURSE_ATTRIBUTES)


# --- Forum posts and private messages -----------------------------------------------

# What members write: the same allow-list, headings kept small (a post is not a page).
POST_TAGS = ALLOWED_TAGS - {"h2", "h3"}
# "ugc": search engines are told the links are the members', not ours.
POST_LINK_REL = "nofollow ugc noopener"


def parse(text: str | None) -> list:
    """The parser's tokens, for a renderer that changes some before `render_tokens`."""
    return _parser.parse(text or "")


def render_tokens(tokens: list) -> str:
    """Tokens back to HTML, not yet cleaned (`clean_html` does)."""
    return _parser.renderer.render(tokens, _parser.options, {})


def render_post(text: str | None) -> Markup:
    """A forum post or private message to safe HTML, made once when it is written."""
    html = _parser.render(text or "")
    return clean_html(html, POST_TAGS, ALLOWED_ATTRIBUTES, link_rel=POST_LINK_REL)
