"""Markdown written by people (staff texts, later forum posts) to safe HTML.

markdown-it parses with raw HTML turned off; nh3 (Ammonia) then keeps only an allow-list of
tags and attributes, so scripts, event handlers, hx-* attributes, javascript: and data: URLs
and SVG tricks cannot survive, whatever the parser lets through."""

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_parser = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")

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
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "ol": {"start"}}


def render_markdown(text: str | None) -> Markup:
    html = _parser.render(text or "")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)  # noqa: S704 (sanitized by nh3 just above)


COURSE_TAGS = ALLOWED_TAGS | {"img", "figure", "figcaption"}
COURSE_ATTRIBUTES = {**ALLOWED_ATTRIBUTES, "img": {"src", "alt", "title", "width", "height"}}


def render_course_markdown(text: str | None) -> Markup:
    """Course chapters: the same allow-list plus images (http(s) or our own paths; the
    Content Security Policy only loads images from this site)."""
    html = _parser.render(text or "")
    clean = nh3.clean(
        html,
        tags=COURSE_TAGS,
        attributes=COURSE_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)  # noqa: S704 (sanitized by nh3 just above)
