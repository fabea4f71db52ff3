"""Searching the forum (Terms §2.1a: the forum is how subscribers help each other, so
what was already answered should be found): what a member types becomes a list of
plain words, and the words become a full-text query that can only mean "posts with all
of these words", whatever the member typed (quotes, operators, NEAR, `*`, `-`, column
filters). Highlights come back from the database between two sentinel characters and
are turned into HTML here, escaping everything else, so no HTML from a post survives.

No Flask and no database here: the service (app/services/forum_search.py) runs the
queries; this module decides what they say."""

import html
import re
from enum import StrEnum

RESULTS_PER_PAGE = 20
# A sentence or two: longer than any real search, short enough to show back in a title.
MAX_QUERY = 200
# Ten words already narrow a forum down to a post; more would only slow the query.
MAX_WORDS = 10
# A longer "word" is a pasted hash or URL: cut, it still finds the posts that hold it.
MAX_WORD = 60

# Accents are folded away on both sides (the indexed text and the query), so "ete"
# finds "été" and "été" finds "ete": French members do not always type them. One
# letter for one letter (PostgreSQL's translate(), in the migration's index, does the
# same with the same two strings: a test checks they agree). Capitals are listed too:
# PostgreSQL's lower() leaves them alone in a database whose locale is plain "C".
# SQLite's FTS5 tokenizer folds accents of its own (remove_diacritics 2).
FOLD_FROM = (
    "àáâãäåāăąçćčďèéêëēĕėęěìíîïĩīĭįñńňòóôõöøōŏőùúûüũūŭůűųýÿźżžśšşł"
    "ÀÁÂÃÄÅĀĂĄÇĆČĎÈÉÊËĒĔĖĘĚÌÍÎÏĨĪĬĮÑŃŇÒÓÔÕÖØŌŎŐÙÚÛÜŨŪŬŮŰŲÝŸŹŻŽŚŠŞŁ"
)
FOLD_TO = (
    "aaaaaaaaacccdeeeeeeeeeiiiiiiiinnnooooooooouuuuuuuuuuyyzzzsssl"
    "aaaaaaaaacccdeeeeeeeeeiiiiiiiinnnooooooooouuuuuuuuuuyyzzzsssl"
)
_FOLD = str.maketrans(FOLD_FROM, FOLD_TO)

# Letters and digits of any script; everything else (punctuation, operators, quotes,
# "*", "-", ":") separates words and is never passed on.
_WORD = re.compile(r"[^\W_]+")

# Between these two characters the database puts a matching word. They are control
# characters, which the site's forms refuse (app/web/forms.Form), so no post holds
# them; a stray one all the same is dropped, never turned into a tag.
MARK_START = "\x02"
MARK_END = "\x03"


class QueryProblem(StrEnum):
    TOO_LONG = "too_long"
    NO_WORDS = "no_words"


def query_problem(query: str | None) -> QueryProblem | None:
    """Why a non-empty search cannot be run: too long, or nothing to look for in it
    (only punctuation). An empty one is not a problem: it shows the form."""
    query = query or ""
    if len(query) > MAX_QUERY:
        return QueryProblem.TOO_LONG
    if query.strip() and not words(query):
        return QueryProblem.NO_WORDS
    return None


def fold(text: str) -> str:
    return text.lower().translate(_FOLD)


def words(query: str | None) -> tuple[str, ...]:
    """The distinct words of a query, lower-cased and without accents, in order, at
    most MAX_WORDS of them (read from the first MAX_QUERY characters only)."""
    found: list[str] = []
    for match in _WORD.finditer((query or "")[:MAX_QUERY]):
        word = fold(match.group())[:MAX_WORD]
        if word not in found:
            found.append(word)
        if len(found) == MAX_WORDS:
            break
    return tuple(found)


def typed_words(query: str | None) -> tuple[str, ...]:
    """The same words as typed, lower-cased with their accents (at most MAX_WORDS):
    what PostgreSQL's ts_headline looks for in a post's own text, where "été" is not
    "ete"."""
    found: list[str] = []
    for match in _WORD.finditer((query or "")[:MAX_QUERY]):
        word = match.group().lower()[:MAX_WORD]
        if word not in found:
            found.append(word)
        if len(found) == MAX_WORDS:
            break
    return tuple(found)


def fts5_match(found: tuple[str, ...]) -> str:
    """An SQLite FTS5 MATCH expression: every word as a quoted string, so FTS5 reads
    none of them as an operator (AND, OR, NOT, NEAR), a column filter or a prefix;
    side by side they mean "all of them"."""
    return " ".join('"' + word.replace('"', '""') + '"' for word in found)


def tsquery_text(found: tuple[str, ...]) -> str:
    """The text for PostgreSQL's plainto_tsquery('simple', ...), which reads no
    operator either: the words separated by spaces, all required."""
    return " ".join(found)


def highlighted_html(text: str | None, found: tuple[str, ...] = ()) -> str:
    """HTML for a snippet or title the database marked with MARK_START / MARK_END: the
    text escaped, each marked word in <mark>. A start without its end (or the other way
    round) is dropped, so the marks are always balanced. Words of `found` the database
    left unmarked are marked too: PostgreSQL's ts_headline reads the post's own text,
    where "été" is not the "ete" that was typed (its index folds accents, ts_headline
    does not)."""
    out: list[str] = []
    inside = False
    for piece in re.split(f"([{MARK_START}{MARK_END}])", text or ""):
        if piece == MARK_START:
            if not inside:
                out.append("<mark>")
                inside = True
        elif piece == MARK_END:
            if inside:
                out.append("</mark>")
                inside = False
        elif piece:
            out.append(html.escape(piece, quote=True) if inside else _marked(piece, found))
    if inside:
        out.append("</mark>")
    # An empty <mark></mark> (the database marked nothing between them) says nothing.
    return "".join(out).replace("<mark></mark>", "")


def _marked(piece: str, found: tuple[str, ...]) -> str:
    """An unmarked piece of text, escaped, with the words of `found` in <mark>."""
    out, last = [], 0
    for match in _WORD.finditer(piece) if found else ():
        if fold(match.group())[:MAX_WORD] in found:
            out.append(html.escape(piece[last : match.start()], quote=True))
            out.append("<mark>" + html.escape(match.group(), quote=True) + "</mark>")
            last = match.end()
    out.append(html.escape(piece[last:], quote=True))
    return "".join(out)


def page_count(total: int) -> int:
    return max((total + RESULTS_PER_PAGE - 1) // RESULTS_PER_PAGE, 1)


def offset(page: int) -> int:
    return (max(page, 1) - 1) * RESULTS_PER_PAGE
