"""Hostile text in the forum (SECURITY.md, requests and output; Terms §2.1a and the
Code of Conduct's safety rules): whatever members type in posts and titles comes out
inert — no script, no event handler, no htmx attribute, no javascript: or data: link,
no SVG, no name or title that turns the page's text around."""

import re

import lxml.html
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import ForumThread

PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="#" onclick="alert(1)">x</a>',
    '<div hx-get="/account" hx-trigger="load" data-hx-post="/signout">x</div>',
    "<svg><script>alert(1)</script></svg>",
    '<svg onload="alert(1)"><a xlink:href="javascript:alert(1)">x</a></svg>',
    '<iframe src="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></iframe>',
    "[click me](javascript:alert(1))",
    "[click me](JaVaScRiPt:alert(1))",
    "[click me](data:text/html,<script>alert(1)</script>)",
    "[click me](vbscript:msgbox(1))",
    "![image](javascript:alert(1))",
    '![x](https://example.org/a.png "title" onerror=alert(1))',
    '[x](https://example.org "a\\" onmouseover=\\"alert(1)")',
    "<a href='https://example.org' style='position:fixed'>x</a>",
    "<form action='/signout' method='post'><button>x</button></form>",
    "`<script>alert(1)</script>` and ```\n<script>alert(2)</script>\n```",
    "[ref]: javascript:alert(1)\n\n[ref]",
    '<https://example.org/"onmouseover="alert(1)>',
]


def body_html(page: str) -> list:
    tree = lxml.html.fromstring(page)
    return tree.xpath("//div[contains(@class, 'post__body')]")


def assert_inert(containers) -> None:
    assert containers, "no post body rendered"
    for container in containers:
        assert container.get("data-hx-disable") is not None
        for element in container.iterdescendants():
            assert element.tag not in {"script", "img", "svg", "iframe", "form", "button", "style"}
            for name, value in element.attrib.items():
                assert not name.startswith(("on", "hx-", "data-hx", "style")), (name, value)
                if name in ("href", "src"):
                    assert re.match(r"^(https?:|mailto:)", value), value
            if element.tag == "a":
                assert element.get("rel") == "nofollow ugc noopener"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_hostile_post_comes_out_inert(forum, member, payload):
    subscriber, user = member()
    thread = forum.thread(user)
    subscriber.post(f"/forum/threads/{thread.id}/reply", data={"body": payload})
    page = subscriber.get(f"/forum/threads/{thread.id}").get_data(as_text=True)
    assert_inert(body_html(page))
    assert "<script>alert" not in page


@pytest.mark.parametrize("payload", [p for p in PAYLOADS if "<" in p][:6])
def test_a_hostile_title_is_shown_as_text(forum, member, payload):
    subscriber, _ = member()
    category = forum.category()
    response = subscriber.post(
        f"/forum/{category.slug}/new", data={"title": payload[:150], "body": "fine"}
    )
    assert response.status_code == 302
    thread = db.session.scalar(select(ForumThread))
    for url in (f"/forum/threads/{thread.id}", f"/forum/{category.slug}"):
        page = subscriber.get(url).get_data(as_text=True)
        assert payload[:20] not in page  # escaped, never markup
        assert "&lt;" in page


@pytest.mark.parametrize(
    "title", ["\u202etxt.exe", "Admin\u200b", "\u2066hidden\u2069", "a\ufeffb"]
)
def test_titles_with_invisible_or_direction_characters_are_refused(forum, member, title):
    subscriber, _ = member()
    category = forum.category()
    response = subscriber.post(f"/forum/{category.slug}/new", data={"title": title, "body": "x"})
    assert response.status_code == 422 and "invisible characters" in response.get_data(as_text=True)


def test_a_full_name_with_direction_characters_never_reaches_the_forum(forum, member):
    subscriber, user = member(name="Eve \u202eredaeL\u200b")
    thread = forum.thread(user)
    page = subscriber.get(f"/forum/threads/{thread.id}").get_data(as_text=True)
    main = page[page.index("<main") :]  # the header greets the member by their full name
    assert "\u202e" not in main and "\u200b" not in main
    assert '<bdi class="member-name">Eve-' in main


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_hostile_signature_is_shown_as_plain_text(forum, member, payload):
    """Settings → Forum: a signature is plain text, escaped, in an hx-disable paragraph
    under the member's posts; its invisible characters are removed when saved."""
    subscriber, user = member()
    signature = payload[:200] + "\u202e\u200b"
    response = subscriber.post(
        "/account/forum",
        data={"display_name": "Signed", "signature": signature, "email_choice": "none"},
    )
    assert response.status_code == 302
    thread = forum.thread(user)
    page = subscriber.get(f"/forum/threads/{thread.id}").get_data(as_text=True)
    (line,) = lxml.html.fromstring(page).xpath("//p[contains(@class, 'post__signature')]")
    assert line.get("data-hx-disable") is not None
    assert [element.tag for element in line.iterdescendants()] == ["span", "bdi"]
    assert line.xpath("string(bdi)") == " ".join(payload[:200].split())
    assert "\u202e" not in page[page.index("<main") :]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_hostile_post_with_a_mention_comes_out_inert(forum, member, payload):
    """A post that mentions a member is rendered again with the mention marked: the same
    allow-list applies, plus that one span."""
    mentioned_client, _ = member()
    mentioned_client.post(
        "/account/forum",
        data={"display_name": "Target", "signature": "", "email_choice": "none"},
    )
    subscriber, user = member()
    thread = forum.thread(user)
    subscriber.post(f"/forum/threads/{thread.id}/reply", data={"body": f"@target {payload}"})
    page = subscriber.get(f"/forum/threads/{thread.id}").get_data(as_text=True)
    assert '<span class="mention">@target</span>' in page
    containers = body_html(page)
    assert_inert(containers)
    for element in containers[-1].iterdescendants("span"):
        assert dict(element.attrib) == {"class": "mention"}
