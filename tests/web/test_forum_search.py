"""The forum's search page, /forum/search?q= (Terms §2.1a: the forum where subscribers
help each other): a GET form with its label and errors, results with their thread,
category, author, date and link, the count in the title and announced with htmx,
pagination, caching, what outsiders may not see, and a cost in queries that does not
grow with the number of matches."""

import re

from app.domain.orders import Plan
from app.extensions import db
from tests.integration.test_forum_search import add_posts
from tests.web.test_forum import counting_queries

HX = {"HX-Request": "true"}


def text(response) -> str:
    return response.get_data(as_text=True)


def test_the_index_and_category_pages_have_a_search_box(client, forum, make_user):
    thread = forum.thread(make_user())
    for url in ("/forum/", f"/forum/{thread.category.slug}"):
        page = text(client.get(url))
        assert 'role="search"' in page and 'action="/forum/search"' in page
        assert '<label class="label" for="forum-search-q">Search the forum</label>' in page


def test_without_words_the_page_is_the_form(client):
    response = client.get("/forum/search")
    page = text(response)
    assert response.status_code == 200
    assert '<label class="label" for="q">' in page and 'type="search"' in page
    assert 'method="get"' in page and "results for" not in page and "No results" not in page


def test_results_show_the_thread_category_author_date_and_link(client, forum, make_user):
    author = make_user()
    thread = forum.thread(author, title="Loops in Python", body="How do loops work?")
    add_posts(thread, author, [f"filler {n}" for n in range(30)] + ["loops again"])
    response = client.get("/forum/search?q=loops")
    page = text(response)
    assert response.status_code == 200
    assert "<title>Search the forum: loops (2 results) — Atelier</title>" in page
    assert "2 results for “loops”" in page
    assert "<mark>Loops</mark> in Python" in page and "How do <mark>loops</mark> work" in page
    assert thread.category.title_en in page and "User-" in page
    assert re.search(r'<time datetime="[^"]+">\d+ December 2026 at \d\d:\d\d</time>', page)
    assert f'href="/forum/threads/{thread.id}?page=2#post-' in page  # reply 31: page 2
    assert f'href="/forum/threads/{thread.id}#post-' in page  # the opening post: page 1


def test_no_results_says_so(client, forum, make_user):
    forum.thread(make_user())
    page = text(client.get("/forum/search?q=zebra"))
    assert "No results for “zebra”." in page
    assert "(0 results)" in page


def test_the_page_is_in_french(client, forum, make_user):
    forum.thread(make_user(), body="Une boucle en été")
    page = text(client.get("/forum/search?q=ete", headers={"Accept-Language": "fr"}))
    assert "Rechercher dans le forum" in page and "1 résultat" in page
    assert "<mark>été</mark>" in page


def test_html_in_a_post_is_shown_as_text(client, forum, make_user):
    forum.thread(
        make_user(),
        title="<i>x</i> loops",
        body='<script>alert(1)</script> loops <a href="javascript:y">',
    )
    main = text(client.get("/forum/search?q=loops")).split("<main")[1]
    assert "<script" not in main and "<i>" not in main and 'href="javascript' not in main
    assert "&lt;i&gt;x&lt;/i&gt; <mark>loops</mark>" in main
    if db.engine.dialect.name == "sqlite":
        assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>loops</mark>" in main
    else:  # ts_headline leaves the markup out of a snippet altogether
        assert '<p class="search-result__snippet" data-hx-disable><bdi><mark>loops</mark>' in main


def test_bad_searches_answer_422_with_the_error_next_to_the_field(client):
    for query, message in (
        ("x" * 1_000, "Your search must be 200 characters or fewer."),
        ("!!! ...", "Enter at least one word to search for"),
    ):
        response = client.get("/forum/search", query_string={"q": query})
        page = text(response)
        assert response.status_code == 422, query
        assert "There is a problem" in page and 'id="q-error"' in page and message in page
        assert 'aria-invalid="true"' in page and "<title>Error: Search the forum" in page
    # Control characters (the highlight's sentinels among them) never reach the search:
    # app.web.request takes them out of every query value.
    assert client.get("/forum/search", query_string={"q": "a\x00\x02b"}).status_code == 200


def test_results_come_twenty_a_page_with_links_to_the_others(client, forum, make_user):
    author = make_user()
    thread = forum.thread(author, title="Busy", body="first")
    add_posts(thread, author, [f"needle {n}" for n in range(45)])
    first = text(client.get("/forum/search?q=needle"))
    assert first.count('class="card search-result"') == 20
    assert 'aria-label="Pages of results"' in first
    assert 'href="/forum/search?q=needle" aria-current="page"' in first
    assert 'rel="next" href="/forum/search?page=2&amp;q=needle"' in first
    third = text(client.get("/forum/search?q=needle&page=3"))
    assert third.count('class="card search-result"') == 5 and 'start="41"' in third
    assert "(45 results, page 3 of 3)" in third
    past = client.get("/forum/search?q=needle&page=9")
    assert past.status_code == 200
    assert "There are no results on this page." in text(past)
    assert client.get("/forum/search?q=needle&page=abc").status_code == 200


def test_the_page_is_never_kept_by_a_shared_cache(client, forum, member, make_user):
    forum.thread(make_user(), body="loops")
    subscriber, _ = member()
    for who in (client, subscriber):
        response = who.get("/forum/search?q=loops")
        assert response.headers["Cache-Control"] == "private, no-store"
        assert "ETag" not in response.headers


def test_outsiders_do_not_find_a_learning_path_category(client, forum, member, make_path):
    path = make_path()
    insider, user = member(Plan.PLUS, path=path)
    forum.thread(user, forum.category(path=path), title="Capstone plans", body="jury")
    solo, _ = member(Plan.SOLO)
    for outsider in (client, solo):
        page = text(outsider.get("/forum/search?q=jury"))
        assert "No results for “jury”." in page and "Capstone" not in page
    assert "<mark>jury</mark>" in text(insider.get("/forum/search?q=jury"))


def test_htmx_gets_the_results_the_form_and_the_announcement(client, forum, make_user):
    forum.thread(make_user(), body="loops")
    response = client.get("/forum/search?q=loops", headers=HX)
    body = text(response)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    assert body.startswith("<title>Search the forum: loops (1 result) — Atelier</title>")
    assert '<div id="search-results">' in body and "<mark>loops</mark>" in body
    assert '<div id="search-form" data-hx-swap-oob="true">' in body
    assert '<div data-hx-swap-oob="innerHTML:#flash"><p class="flash">1 result for “loops”' in body
    assert "<html" not in body and 'id="search-submit"' in body


def test_htmx_with_an_error_gets_the_form_with_its_errors_and_no_results(client):
    response = client.get("/forum/search?q=%21%21", headers=HX)
    body = text(response)
    assert response.status_code == 422
    assert "data-error-summary" in body and 'id="q-error"' in body
    assert '<div id="search-results">\n\n</div>' in body.replace("\n\n\n", "\n\n")


def test_a_search_costs_the_same_queries_for_10_and_1000_matches(client, forum, member, make_user):
    subscriber, _ = member()
    author = make_user()
    few = forum.thread(author, title="Few", body="start")
    add_posts(few, author, [f"apple {n}" for n in range(10)])
    many = forum.thread(author, title="Many", body="start")
    add_posts(many, author, [f"banana {n}" for n in range(1_000)])
    counts = {}
    for word, total in (("apple", 10), ("banana", 1_000)):
        subscriber.get(f"/forum/search?q={word}")  # warm the caches
        with counting_queries() as statements:
            response = subscriber.get(f"/forum/search?q={word}")
        assert f"{total} results for “{word}”" in text(response)
        counts[word] = len(statements)
    assert counts["apple"] == counts["banana"], counts
