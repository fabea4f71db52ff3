"""Searching the forum with the database's own full-text index (made by the migration
9a2c5e7f1b34, see app/models/forum_search.py): SQLite's FTS5 ranked by bm25(), or
PostgreSQL's tsvector ranked by ts_rank_cd(), highlighted by snippet() / ts_headline().

Only what the member may read comes back: posts neither deleted nor hidden, in threads
not hidden, in the categories app.access lets them read (asked here of every category,
so a Learning Path's stays out for outsiders). The same queries whatever the number of
matches: the categories (and what app.access asks about the member), the count and the
page, which joins the thread and the author's name and highlights its own rows only."""

from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup
from sqlalchemy import bindparam, select, text

from app.access import Forum, can
from app.domain import forum_search as rules
from app.extensions import db
from app.models import ForumCategory
from app.models.forum_search import PG_CONFIG
from app.models.types import UTCDateTime


@dataclass(frozen=True)
class Hit:
    post_id: int
    thread_id: int
    position: int
    category: ForumCategory
    title: Markup
    snippet: Markup
    author: str | None
    created_at: datetime


@dataclass(frozen=True)
class Results:
    query: str
    words: tuple[str, ...]
    hits: list[Hit]
    total: int
    page: int
    pages: int


# Title matches count five times a body's: a thread named after the words is the answer.
_SQLITE_WEIGHTS = "5.0, 1.0"
# About two lines of a post around the words.
_SNIPPET_WORDS = 32

_READABLE = """
    p.deleted_at IS NULL AND p.hidden_at IS NULL
    AND t.hidden = :no AND t.category_id IN :categories"""

_SQLITE_MATCHES = f"""
    FROM forum_search
    JOIN forum_posts AS p ON p.id = forum_search.rowid
    JOIN forum_threads AS t ON t.id = p.thread_id
    LEFT JOIN forum_profiles AS fp ON fp.user_id = p.author_id
    WHERE forum_search MATCH :match AND {_READABLE}"""

SQLITE_COUNT = f"SELECT count(*) {_SQLITE_MATCHES}"

# snippet() and highlight() only run for the rows kept by LIMIT.
SQLITE_PAGE = f"""
    SELECT p.id, p.thread_id, p.position, p.created_at, t.category_id, t.title,
        CASE WHEN p.position = 1
            THEN highlight(forum_search, 0, :start, :end) END AS marked_title,
        snippet(forum_search, 1, :start, :end, '…', {_SNIPPET_WORDS}) AS marked_body,
        fp.display_name
    {_SQLITE_MATCHES}
    ORDER BY bm25(forum_search, {_SQLITE_WEIGHTS}), p.id DESC
    LIMIT :limit OFFSET :offset"""

# plainto_tsquery reads no operator: the words, all required.
_PG_MATCHES = f"""
    FROM forum_posts AS p
    JOIN forum_threads AS t ON t.id = p.thread_id
    WHERE p.search_vector @@ plainto_tsquery('{PG_CONFIG}', :words) AND {_READABLE}"""

POSTGRES_COUNT = f"SELECT count(*) {_PG_MATCHES}"

# The page is cut first (the inner query, which its LIMIT keeps from being merged into
# the outer one), then only its rows are highlighted: ts_headline reads a whole post.
# The headline's query also holds the words as typed, accents kept, since ts_headline
# parses the post's own text (the index holds it with accents folded).
POSTGRES_PAGE = f"""
    SELECT page.id, page.thread_id, page.position, page.created_at, page.category_id,
        page.title,
        CASE WHEN page.position = 1
            THEN ts_headline('{PG_CONFIG}', page.title, marks.query, :title_options)
        END AS marked_title,
        ts_headline('{PG_CONFIG}', page.body, marks.query, :body_options) AS marked_body,
        fp.display_name
    FROM (
        SELECT p.id, p.thread_id, p.position, p.created_at, p.author_id, p.body,
            t.category_id, t.title,
            ts_rank_cd(p.search_vector, plainto_tsquery('{PG_CONFIG}', :words)) AS rank
        {_PG_MATCHES}
        ORDER BY rank DESC, p.id DESC
        LIMIT :limit OFFSET :offset
    ) AS page
    CROSS JOIN (SELECT plainto_tsquery('{PG_CONFIG}', :words)
        || plainto_tsquery('{PG_CONFIG}', :typed) AS query) AS marks
    LEFT JOIN forum_profiles AS fp ON fp.user_id = page.author_id
    ORDER BY page.rank DESC, page.id DESC"""  # noqa: S608 (constants; values are bound)

_MARKS = f"StartSel={rules.MARK_START}, StopSel={rules.MARK_END}"
_PG_OPTIONS = {
    "title_options": f"{_MARKS}, HighlightAll=true",
    "body_options": (
        f"{_MARKS}, MaxWords={_SNIPPET_WORDS}, MinWords=12, ShortWord=1, "
        'MaxFragments=2, FragmentDelimiter=" … "'
    ),
}


def readable_categories(user) -> list[ForumCategory]:
    """The categories `user` may read, as app.access says (one query for all)."""
    found = db.session.scalars(select(ForumCategory).order_by(ForumCategory.id))
    return [category for category in found if can(user, Forum.READ, category)]


def search(user, query: str, page: int = 1) -> Results:
    """Page `page` of the posts `user` may read that hold every word of `query`, best
    first. No words, or a page past the end: no hits, never an error."""
    found = rules.words(query)
    categories = {c.id: c for c in readable_categories(user)} if found else {}
    if not categories:
        return Results(query, found, [], 0, page, 1)
    params: dict = {"no": False, "categories": list(categories)}
    if db.engine.dialect.name == "postgresql":
        params |= {"words": rules.tsquery_text(found), "typed": " ".join(rules.typed_words(query))}
        count_sql, page_sql, marks = POSTGRES_COUNT, POSTGRES_PAGE, _PG_OPTIONS
    else:
        params["match"] = rules.fts5_match(found)
        count_sql, page_sql = SQLITE_COUNT, SQLITE_PAGE
        marks = {"start": rules.MARK_START, "end": rules.MARK_END}
    total = db.session.execute(_statement(count_sql), params).scalar_one()
    rows = []
    if rules.offset(page) < total:
        cut = {"limit": rules.RESULTS_PER_PAGE, "offset": rules.offset(page)}
        # created_at read as the models read it: UTC, aware (SQLite gives it as text).
        page_statement = _statement(page_sql).columns(created_at=UTCDateTime)
        rows = db.session.execute(page_statement, params | marks | cut).all()
    hits = [_hit(row, categories, found) for row in rows]
    return Results(query, found, hits, total, page, rules.page_count(total))


def _statement(sql: str):
    return text(sql).bindparams(bindparam("categories", expanding=True))


def _hit(row, categories: dict[int, ForumCategory], found: tuple[str, ...]) -> Hit:
    # A reply's heading is its thread's title, which did not match: nothing marked.
    marks = found if row.position == 1 else ()
    return Hit(
        post_id=row.id,
        thread_id=row.thread_id,
        position=row.position,
        category=categories[row.category_id],
        # Escaped whole by highlighted_html, which adds only <mark> and </mark>.
        title=Markup(rules.highlighted_html(row.marked_title or row.title, marks)),  # noqa: S704
        snippet=Markup(rules.highlighted_html(row.marked_body, found)),  # noqa: S704
        author=row.display_name,
        created_at=row.created_at,
    )
