"""forum full-text search

The index over post bodies and thread titles, by dialect (app/models/forum_search.py
says what each part is). One document per post: its body, and on the opening post
(position 1) its thread's title too, weighted higher; so a thread's title is found as
its first post, and a search for two words finds a thread whose title holds one and
first post the other.

SQLite: an FTS5 table with external content, the view `forum_search_source`. External
rather than contentless: snippet() and highlight() read the text back from the posts
(a contentless table cannot, and contentless_delete needs SQLite 3.43), and the text is
not stored a second time as a table with its own content would. The triggers give FTS5
the old values on every change (which an external-content index needs to take a row
out) from the same expressions as the view.

PostgreSQL: a tsvector column kept by triggers (a generated column cannot read the
thread's title, which lives in another table), with a GIN index. The 'simple'
configuration, no stemming: posts are in English or French and a language's stemmer
is wrong for the other; accents are folded with translate() (unaccent would need an
extension, which needs a superuser to install). The two letter lists below are
app/domain/forum_search.py's FOLD_FROM / FOLD_TO (a test checks they agree).

Revision ID: 9a2c5e7f1b34
Revises: 4f7a1c2e9b10
Create Date: 2026-12-01 16:40:00.000000

"""

from alembic import op

revision = "9a2c5e7f1b34"
down_revision = "4f7a1c2e9b10"
branch_labels = None
depends_on = None

FOLD_FROM = (
    "àáâãäåāăąçćčďèéêëēĕėęěìíîïĩīĭįñńňòóôõöøōŏőùúûüũūŭůűųýÿźżžśšşł"
    "ÀÁÂÃÄÅĀĂĄÇĆČĎÈÉÊËĒĔĖĘĚÌÍÎÏĨĪĬĮÑŃŇÒÓÔÕÖØŌŎŐÙÚÛÜŨŪŬŮŰŲÝŸŹŻŽŚŠŞŁ"
)
FOLD_TO = (
    "aaaaaaaaacccdeeeeeeeeeiiiiiiiinnnooooooooouuuuuuuuuuyyzzzsssl"
    "aaaaaaaaacccdeeeeeeeeeiiiiiiiinnnooooooooouuuuuuuuuuyyzzzsssl"
)

# --- SQLite ---------------------------------------------------------------------------

# The title a post's document holds: its thread's, on the opening post only.
_SQLITE_TITLE = (
    "CASE WHEN {p}.position = 1 THEN coalesce("
    "(SELECT title FROM forum_threads WHERE forum_threads.id = {p}.thread_id), '') "
    "ELSE '' END"
)

SQLITE_UP = [
    f"""CREATE VIEW forum_search_source AS
        SELECT p.id AS id, {_SQLITE_TITLE.format(p="p")} AS title, p.body AS body
        FROM forum_posts AS p""",
    """CREATE VIRTUAL TABLE forum_search USING fts5(
        title, body,
        content='forum_search_source', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
    f"""CREATE TRIGGER forum_search_post_insert AFTER INSERT ON forum_posts BEGIN
        INSERT INTO forum_search (rowid, title, body)
        VALUES (new.id, {_SQLITE_TITLE.format(p="new")}, new.body);
    END""",
    f"""CREATE TRIGGER forum_search_post_update
        AFTER UPDATE OF body, position, thread_id ON forum_posts BEGIN
        INSERT INTO forum_search (forum_search, rowid, title, body)
        VALUES ('delete', old.id, {_SQLITE_TITLE.format(p="old")}, old.body);
        INSERT INTO forum_search (rowid, title, body)
        VALUES (new.id, {_SQLITE_TITLE.format(p="new")}, new.body);
    END""",
    f"""CREATE TRIGGER forum_search_post_delete AFTER DELETE ON forum_posts BEGIN
        INSERT INTO forum_search (forum_search, rowid, title, body)
        VALUES ('delete', old.id, {_SQLITE_TITLE.format(p="old")}, old.body);
    END""",
    # A new title: the opening post's document is taken out with the old one and put
    # back with the new.
    """CREATE TRIGGER forum_search_thread_title AFTER UPDATE OF title ON forum_threads
        WHEN old.title IS NOT new.title BEGIN
        INSERT INTO forum_search (forum_search, rowid, title, body)
        SELECT 'delete', id, old.title, body FROM forum_posts
        WHERE thread_id = new.id AND position = 1;
        INSERT INTO forum_search (rowid, title, body)
        SELECT id, new.title, body FROM forum_posts WHERE thread_id = new.id AND position = 1;
    END""",
    # A thread removed before its posts (the app never does; a cleanup might): its
    # opening post stays indexed, without the title, as the view now shows it.
    """CREATE TRIGGER forum_search_thread_delete AFTER DELETE ON forum_threads BEGIN
        INSERT INTO forum_search (forum_search, rowid, title, body)
        SELECT 'delete', id, old.title, body FROM forum_posts
        WHERE thread_id = old.id AND position = 1;
        INSERT INTO forum_search (rowid, title, body)
        SELECT id, '', body FROM forum_posts WHERE thread_id = old.id AND position = 1;
    END""",
    # The posts written before this migration.
    "INSERT INTO forum_search (forum_search) VALUES ('rebuild')",
]

SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS forum_search_thread_delete",
    "DROP TRIGGER IF EXISTS forum_search_thread_title",
    "DROP TRIGGER IF EXISTS forum_search_post_delete",
    "DROP TRIGGER IF EXISTS forum_search_post_update",
    "DROP TRIGGER IF EXISTS forum_search_post_insert",
    "DROP TABLE IF EXISTS forum_search",
    "DROP VIEW IF EXISTS forum_search_source",
]

# --- PostgreSQL -----------------------------------------------------------------------

POSTGRES_UP = [
    "ALTER TABLE forum_posts ADD COLUMN search_vector tsvector",
    # The document of a post: the title (weight A, only on the opening post) and the
    # body (weight B), lower-cased, accents folded, split into words.
    f"""CREATE FUNCTION forum_search_document(title text, body text) RETURNS tsvector
        LANGUAGE sql IMMUTABLE AS $$
        SELECT setweight(to_tsvector('simple',
                   translate(lower(coalesce(title, '')), '{FOLD_FROM}', '{FOLD_TO}')), 'A')
            || setweight(to_tsvector('simple',
                   translate(lower(coalesce(body, '')), '{FOLD_FROM}', '{FOLD_TO}')), 'B')
    $$""",
    """CREATE FUNCTION forum_search_post_document() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            NEW.search_vector := forum_search_document(
                CASE WHEN NEW.position = 1 THEN
                    (SELECT title FROM forum_threads WHERE id = NEW.thread_id) END,
                NEW.body);
            RETURN NEW;
        END
    $$""",
    """CREATE TRIGGER forum_search_post
        BEFORE INSERT OR UPDATE OF body, position, thread_id ON forum_posts
        FOR EACH ROW EXECUTE FUNCTION forum_search_post_document()""",
    """CREATE FUNCTION forum_search_thread_title() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE forum_posts SET search_vector = forum_search_document(NEW.title, body)
            WHERE thread_id = NEW.id AND position = 1;
            RETURN NULL;
        END
    $$""",
    """CREATE TRIGGER forum_search_thread_title
        AFTER UPDATE OF title ON forum_threads
        FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title)
        EXECUTE FUNCTION forum_search_thread_title()""",
    # The posts written before this migration.
    """UPDATE forum_posts AS p
        SET search_vector = forum_search_document(
            CASE WHEN p.position = 1 THEN t.title END, p.body)
        FROM forum_threads AS t WHERE t.id = p.thread_id""",
    "CREATE INDEX ix_forum_posts_search_vector ON forum_posts USING gin (search_vector)",
]

POSTGRES_DOWN = [
    "DROP INDEX IF EXISTS ix_forum_posts_search_vector",
    "DROP TRIGGER IF EXISTS forum_search_thread_title ON forum_threads",
    "DROP FUNCTION IF EXISTS forum_search_thread_title()",
    "DROP TRIGGER IF EXISTS forum_search_post ON forum_posts",
    "DROP FUNCTION IF EXISTS forum_search_post_document()",
    "DROP FUNCTION IF EXISTS forum_search_document(text, text)",
    "ALTER TABLE forum_posts DROP COLUMN IF EXISTS search_vector",
]


def _run(statements):
    for statement in statements:
        op.execute(statement)


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _run(SQLITE_UP)
    elif dialect == "postgresql":
        _run(POSTGRES_UP)
    else:
        raise NotImplementedError(f"forum search on {dialect}")


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _run(SQLITE_DOWN)
    elif dialect == "postgresql":
        _run(POSTGRES_DOWN)
