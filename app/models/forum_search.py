"""The forum's full-text index, which lives beside the models rather than in them: it is
made by the migration 9a2c5e7f1b34 by dialect, and kept in step with the posts and
thread titles by triggers, so the application never writes it.

- SQLite: an FTS5 table `forum_search` (and the shadow tables FTS5 makes for it) over
  the view `forum_search_source`: one row per post, its body, and its thread's title
  on the opening post (so a title matches as the thread's first post).
- PostgreSQL: a tsvector column `forum_posts.search_vector`, the same document, with a
  GIN index.

Neither is in the models' metadata (the column has no SQLite counterpart, the virtual
table none in SQLAlchemy), so `include_object` keeps autogenerate (`flask db migrate`,
and the test that models and migrations agree) from offering to drop them."""

FTS_TABLE = "forum_search"
SOURCE_VIEW = "forum_search_source"
VECTOR_COLUMN = "search_vector"
VECTOR_INDEX = "ix_forum_posts_search_vector"
# PostgreSQL's text search configuration: no stemming, which would be English's or
# French's and wrong for half the posts; words are lower-cased and (through
# translate(), see app.domain.forum_search) lose their accents.
PG_CONFIG = "simple"


def _is_fts_table(name: str | None) -> bool:
    return name == FTS_TABLE or (name or "").startswith(FTS_TABLE + "_")


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """For Alembic's autogenerate: leave the search index out of the comparison."""
    if type_ == "table" and _is_fts_table(name):
        return False
    if type_ == "column" and name == VECTOR_COLUMN and obj.table.name == "forum_posts":
        return False
    return not (type_ == "index" and name == VECTOR_INDEX)
