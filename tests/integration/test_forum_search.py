"""Forum search on SQLite (FTS5) and PostgreSQL (tsvector + GIN), through the service
(Terms §2.1a: the forum where subscribers help each other): ranked, highlighted without
letting any HTML through, paginated, kept in step with posts and titles by the
migration's triggers, and never showing what the member may not read (hidden or
deleted posts, hidden threads, a Learning Path's category to outsiders)."""

from datetime import timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_login import AnonymousUserMixin
from flask_migrate import downgrade, upgrade
from sqlalchemy import insert, inspect, select, text, update

from app import clock
from app.domain import forum_search as rules
from app.domain.orders import Plan
from app.extensions import db
from app.models import ForumPost, ForumThread
from app.models.forum_search import include_object
from app.services import forum as forum_service
from app.services.forum_search import search
from tests.support.subscriptions import subscription

VISITOR = AnonymousUserMixin()


def bodies(results) -> list[str]:
    return [str(hit.snippet) for hit in results.hits]


def add_posts(thread, author, texts):
    """Replies written in bulk (as tests/support/forum.py does), so the triggers run."""
    start = clock.now() - timedelta(hours=1)
    first = thread.post_count + 1
    db.session.execute(
        insert(ForumPost),
        [
            {
                "thread_id": thread.id,
                "position": first + n,
                "author_id": author.id,
                "body": body,
                "html": f"<p>{body}</p>",
                "created_at": start + timedelta(seconds=n),
            }
            for n, body in enumerate(texts)
        ],
    )
    db.session.execute(
        update(ForumThread)
        .where(ForumThread.id == thread.id)
        .values(post_count=thread.post_count + len(texts))
    )
    db.session.commit()


def test_a_word_finds_posts_and_titles_with_the_thread_category_author_and_date(forum, make_user):
    author = make_user()
    thread = forum.thread(author, title="Loops in Python", body="How do I repeat things?")
    add_posts(thread, author, ["A for loops example", "Nothing to see"])
    results = search(VISITOR, "loops")
    assert results.total == 2
    title_hit = next(hit for hit in results.hits if hit.position == 1)
    assert str(title_hit.title) == "<mark>Loops</mark> in Python"
    reply_hit = next(hit for hit in results.hits if hit.position == 2)
    assert "<mark>loops</mark>" in str(reply_hit.snippet)
    assert str(reply_hit.title) == "Loops in Python"  # the thread, not what matched
    assert reply_hit.category.id == thread.category_id
    assert reply_hit.author == forum_service.profile_of(author).display_name
    assert reply_hit.created_at.tzinfo is not None


def test_a_title_match_shows_the_start_of_its_post(forum, make_user):
    forum.thread(make_user(), title="Flexbox gaps", body="My columns overlap on small screens.")
    (hit,) = search(VISITOR, "flexbox").hits
    assert str(hit.title) == "<mark>Flexbox</mark> gaps"
    assert str(hit.snippet).startswith("My columns overlap on small screens")


def test_every_word_is_required_across_title_and_body(forum, make_user):
    author = make_user()
    forum.thread(author, title="Loops in Python", body="How do they work?")
    forum.thread(author, title="Loops in Rust", body="Other question")
    assert search(VISITOR, "python work").total == 1
    assert search(VISITOR, "loops rust").total == 1
    assert search(VISITOR, "python rust").total == 0


def test_a_title_match_ranks_before_a_passing_mention(forum, make_user):
    author = make_user()
    category = forum.category()
    mention = forum.thread(author, category, title="Something else", body="also about css grid")
    add_posts(mention, author, ["unrelated words here"] * 3)
    named = forum.thread(author, category, title="CSS grid", body="How to place items?")
    results = search(VISITOR, "css grid")
    assert [hit.thread_id for hit in results.hits] == [named.id, mention.id]


@pytest.mark.parametrize(
    ("written", "typed"),
    [("L'été arrive", "ete"), ("Cafe au lait", "café"), ("ÉCOLE", "école")],
)
def test_accents_and_capitals_do_not_matter(forum, make_user, written, typed):
    forum.thread(make_user(), title="Words", body=written)
    results = search(VISITOR, typed)
    assert results.total == 1
    assert "<mark>" in str(results.hits[0].snippet)


def test_no_html_from_a_post_survives_the_highlighting(forum, make_user):
    body = 'loops <script>alert(1)</script> <img src=x onerror="alert(2)"> &amp; <mark>x</mark>'
    forum.thread(make_user(), title="<b>Bold</b> loops", body=body)
    (hit,) = search(VISITOR, "loops").hits
    shown = str(hit.snippet) + str(hit.title)
    assert "<script" not in shown and "<img" not in shown and "<b>" not in shown
    assert shown.count("<mark>") == shown.count("</mark>") >= 2
    assert "<mark>x</mark>" not in shown
    assert "&lt;b&gt;Bold&lt;/b&gt; <mark>loops</mark>" in str(hit.title)


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '"unbalanced quote',
        "loops OR python",
        "NEAR(loops python)",
        "loops NOT python",
        "title:loops",
        "body:loops",
        "{title body}: loops",
        "loops*",
        "*",
        "-loops",
        "loops -python",
        "loops AND",
        "(loops",
        "^loops",
        "loops & python | !x <-> y:*",
        "'; DROP TABLE forum_posts; --",
        "loops" + " x" * 500,
        "a" * 1_000,
        "!!! ??? ...",
        "\u202eloops",
    ],
)
def test_any_query_is_searched_safely_as_plain_words(forum, make_user, query):
    forum.thread(make_user(), title="Loops in Python", body="loops python body")
    results = search(VISITOR, query)  # no error, whatever it holds
    assert results.total in (0, 1)
    assert db.session.scalar(select(ForumPost.id)) is not None  # nothing dropped
    if set(rules.words(query)) <= {"loops", "python", "body", "in"} and rules.words(query):
        assert results.total == 1


def test_results_come_twenty_a_page_and_a_page_past_the_end_is_empty(forum, make_user):
    author = make_user()
    thread = forum.thread(author, title="Busy", body="first")
    add_posts(thread, author, [f"needle number {n}" for n in range(45)])
    first, last, past = (search(VISITOR, "needle", page) for page in (1, 3, 4))
    assert first.total == 45 and first.pages == 3 and len(first.hits) == 20
    assert len(last.hits) == 5
    assert past.hits == [] and past.total == 45
    seen = {hit.post_id for page in (1, 2, 3) for hit in search(VISITOR, "needle", page).hits}
    assert len(seen) == 45


# --- what the member may read -----------------------------------------------------------


def test_hidden_posts_never_appear(forum, make_user):
    author = make_user()
    thread = forum.thread(author, title="Topic", body="secret words")
    post = db.session.scalar(select(ForumPost).where(ForumPost.thread_id == thread.id))
    post.hidden_at = clock.now()
    db.session.commit()
    assert search(VISITOR, "secret").total == 0
    assert search(make_user(), "secret").total == 0


def test_deleted_posts_leave_nothing_to_find(forum, make_user):
    author = make_user()
    thread = forum.thread(author, title="Topic", body="regret words")
    post = db.session.scalar(select(ForumPost).where(ForumPost.thread_id == thread.id))
    forum_service.delete(post)
    db.session.commit()
    assert search(author, "regret").total == 0
    # The tombstone is out of the index too, not only filtered out.
    post.deleted_at = None
    db.session.commit()
    assert search(author, "regret").total == 0


def test_a_hidden_thread_never_appears(forum, make_user):
    author = make_user()
    thread = forum.thread(author, title="Hidden topic", body="whisper")
    add_posts(thread, author, ["whisper again"])
    thread.hidden = True
    db.session.commit()
    assert search(VISITOR, "whisper").total == 0
    assert search(author, "hidden").total == 0


def test_a_learning_path_category_is_searched_by_its_members_only(forum, make_user, make_path):
    path, other = make_path(), make_path()
    insider = make_user()
    subscription(insider, Plan.PLUS, path=path)
    elsewhere = make_user()
    subscription(elsewhere, Plan.PLUS, path=other)
    solo = make_user()
    subscription(solo, Plan.SOLO)
    forum.thread(insider, forum.category(path=path), title="Path talk", body="capstone")
    for outsider in (VISITOR, solo, elsewhere):
        assert search(outsider, "capstone").total == 0
    assert search(insider, "capstone").total == 1


# --- the index follows the posts --------------------------------------------------------


def test_an_edited_post_is_found_by_its_new_words_only(forum, make_user):
    author = make_user()
    thread = forum.thread(author, title="Topic", body="before words")
    post = db.session.scalar(select(ForumPost).where(ForumPost.thread_id == thread.id))
    forum_service.edit(post, "after words")
    db.session.commit()
    assert search(VISITOR, "before").total == 0
    assert search(VISITOR, "after").total == 1


def test_a_renamed_thread_is_found_by_its_new_title(forum, make_user):
    thread = forum.thread(make_user(), title="Old name", body="text")
    thread.title = "Fresh name"
    db.session.commit()
    assert search(VISITOR, "old").total == 0
    (hit,) = search(VISITOR, "fresh").hits
    assert hit.position == 1


def test_a_reply_made_through_the_service_is_found(forum, make_user):
    author = make_user()
    thread = forum.thread(author)
    forum_service.reply(author, thread, "a brand new answer", token=None)
    db.session.commit()
    (hit,) = search(VISITOR, "brand").hits
    assert hit.position == 2


def test_removed_rows_leave_the_index(forum, make_user):
    author = make_user()
    thread = forum.thread(author, title="Gone soon", body="ephemeral")
    db.session.execute(ForumPost.__table__.delete())
    db.session.execute(ForumThread.__table__.delete().where(ForumThread.id == thread.id))
    db.session.commit()
    assert search(VISITOR, "ephemeral").total == 0
    if db.engine.dialect.name == "sqlite":
        check = "INSERT INTO forum_search (forum_search, rank) VALUES ('integrity-check', 1)"
        db.session.execute(text(check))  # raises if the index and the posts disagree


# --- the migration ------------------------------------------------------------------------


def test_the_migration_indexes_the_posts_written_before_it_and_downgrades(forum, make_user):
    # Posts written, then the index taken away with its migration (and every later one,
    # so nothing of today's models can be used meanwhile): the upgrade rebuilds it from
    # the rows it finds.
    author = make_user()
    thread = forum.thread(author, title="Written before", body="ancient")
    add_posts(thread, author, ["older reply"])
    db.session.commit()
    db.session.close()
    downgrade(revision="4f7a1c2e9b10")
    try:
        with db.engine.connect() as connection:
            assert "forum_search" not in inspect(connection).get_table_names()
            assert "search_vector" not in {
                c["name"] for c in inspect(connection).get_columns("forum_posts")
            }
    finally:
        upgrade()
    assert search(VISITOR, "ancient").total == 1
    assert search(VISITOR, "older").total == 1
    assert search(VISITOR, "written").hits[0].position == 1


def test_autogenerate_leaves_the_index_alone_only_thanks_to_the_filter(app):
    """`flask db migrate` would offer to drop the index (it is in no model); env.py's
    include_object (app/models/forum_search.py) keeps it out of the comparison."""
    with db.engine.connect() as connection:
        plain = MigrationContext.configure(connection, opts={"compare_type": True})
        dropped = {_name(change) for change in compare_metadata(plain, db.metadata)}
        filtered = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": include_object}
        )
        assert compare_metadata(filtered, db.metadata) == []
    if db.engine.dialect.name == "sqlite":
        assert "forum_search" in dropped and all(n.startswith("forum_search") for n in dropped)
    else:
        assert dropped == {"ix_forum_posts_search_vector", "search_vector"}


def _name(change) -> str:
    kind, *rest = change
    if kind == "remove_column":
        return rest[-1].name
    return rest[0].name


def test_the_search_reads_the_full_text_index(app):
    """The words are looked up in the index: FTS5's, or the GIN index for the search's
    own condition (sequential scans forbidden: on a handful of rows PostgreSQL would
    rather read the table)."""
    from app.services import forum_search as service

    params = {"no": False, "categories": [1], "words": "loops", "match": '"loops"'}
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL enable_seqscan = off"))
        assert "p.search_vector @@ plainto_tsquery('simple', :words)" in service._PG_MATCHES
        sql = text(
            "EXPLAIN SELECT p.id FROM forum_posts AS p"
            " WHERE p.search_vector @@ plainto_tsquery('simple', :words)"
        )
        expected = "Bitmap Index Scan on ix_forum_posts_search_vector"
    else:
        sql = service._statement("EXPLAIN QUERY PLAN " + service.SQLITE_COUNT)
        expected = "VIRTUAL TABLE INDEX"
    plan = " ".join(str(row) for row in db.session.execute(sql, params))
    assert expected in plan, plan
    db.session.rollback()
