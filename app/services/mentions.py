"""@mentions in forum posts: the names a post's Markdown mentions (in its text, never
inside code, a code block, a link or a quote), and the post's HTML with the mentions of known
members marked. A mention is styled text, not a link: the forum has no page about a
member, and a link to anything private is what a mention must never be."""

from collections.abc import Iterator

from markdown_it.token import Token
from markupsafe import Markup, escape

from app.domain.forum import name_key
from app.domain.notifications import mentions_in
from app.services import markdown
from app.services.markdown import ALLOWED_ATTRIBUTES, POST_LINK_REL, POST_TAGS


def _plain_texts(tokens: list[Token]) -> Iterator[Token]:
    """The text tokens of the inline content outside links and quotes (code spans, code
    blocks and images are tokens of their own, so their text never comes here). A quote
    repeats someone's words: the mentions in it were theirs, and are not made again."""
    quoted = 0
    for token in tokens:
        if token.type == "blockquote_open":
            quoted += 1
        elif token.type == "blockquote_close":
            quoted -= 1
        if token.type != "inline" or not token.children or quoted:
            continue
        in_link = 0
        for child in token.children:
            if child.type == "link_open":
                in_link += 1
            elif child.type == "link_close":
                in_link -= 1
            elif child.type == "text" and not in_link:
                yield child


def mentioned_names(text: str | None) -> list[str]:
    """The names mentioned, as written, in the order they appear."""
    tokens = markdown.parse(text)
    return [m.name for token in _plain_texts(tokens) for m in mentions_in(token.content)]


def _marked(token: Token, known: set[str]) -> list[Token]:
    """The text token cut around the mentions of known members, each mention an inline
    HTML token of our own making (the name escaped)."""
    pieces, cursor = [], 0
    for mention in mentions_in(token.content):
        if name_key(mention.name) not in known:
            continue
        if mention.start > cursor:
            pieces.append(_text(token.content[cursor : mention.start]))
        html = Token("html_inline", "", 0)
        html.content = f'<span class="mention">@{escape(mention.name)}</span>'
        pieces.append(html)
        cursor = mention.end
    if not pieces:
        return [token]
    if cursor < len(token.content):
        pieces.append(_text(token.content[cursor:]))
    return pieces


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def render_with_mentions(text: str | None, known: set[str]) -> Markup:
    """A post to safe HTML (as app.services.markdown.render_post makes it), the mentions
    of the members whose name keys are in `known` marked <span class="mention">. The
    sanitizer keeps that span and that class alone: typed HTML is never parsed (the
    parser's html option is off), so only the spans made here exist."""
    tokens = markdown.parse(text)
    texts = {id(t) for t in _plain_texts(tokens)}
    for token in tokens:
        if token.type == "inline" and token.children:
            token.children = [
                piece
                for child in token.children
                for piece in (_marked(child, known) if id(child) in texts else [child])
            ]
    return markdown.clean_html(
        markdown.render_tokens(tokens),
        POST_TAGS | {"span"},
        ALLOWED_ATTRIBUTES,
        link_rel=POST_LINK_REL,
        tag_attribute_values={"span": {"class": {"mention"}}},
    )
