"""Learning with the keyboard alone, in English and French: take a quiz and hear the
result announced, earn the Certificate of Achievement, download its PDF (pypdf reads the
name and code in it) and open its verification page signed out.

No page.click or page.fill: Tab, typing, Space, arrows and Enter, as in
test_keyboard_flows.py; page.goto only to open a starting page."""

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app import clock
from app.domain.certificates import display_code
from app.extensions import db
from app.seeds.learning import give_solo
from app.services import accounts, certificates
from tests.browser.test_keyboard_flows import french, tab_to
from tests.support.learning import quiz_revision

COURSE = "html-css-first-pages"


def subscribe(live_server, email: str) -> None:
    with live_server.app.test_request_context(base_url=live_server.url):
        give_solo(accounts.find_by_email(email), clock.today(), clock.now())
        db.session.commit()
        db.session.remove()


def the_quiz(live_server):
    """The questions with, for each, the indexes of its right options or its answer."""
    with live_server.app.app_context():
        _exercise, revision = quiz_revision(COURSE)
        questions = [
            (
                q.id,
                q.kind.value,
                [i for i, o in enumerate(q.options) if o.correct],
                q.accepted.splitlines()[0]
                if q.kind == "text"
                else f"{q.number_answer.normalize():f}"
                if q.kind == "number"
                else "",
            )
            for q in revision.questions
        ]
        db.session.remove()
    return questions


def keyboard_sign_in(page, account) -> None:
    page.goto("/signin")
    tab_to(page, "#email")
    page.keyboard.type(account.email)
    tab_to(page, "#password")
    page.keyboard.type(account.password)
    page.keyboard.press("Enter")
    page.wait_for_url("**/account")


def answer_right(page, questions) -> None:
    for qid, kind, right, typed in questions:
        if kind == "single":
            # Tab reaches the group's first radio; the arrows move the choice.
            tab_to(page, f"#q-{qid}-0")
            if right[0] == 0:
                page.keyboard.press("Space")
            for _ in range(right[0]):
                page.keyboard.press("ArrowDown")
            assert page.is_checked(f"#q-{qid}-{right[0]}")
        elif kind == "multiple":
            for index in right:
                tab_to(page, f"#q-{qid}-{index}")
                page.keyboard.press("Space")
                assert page.is_checked(f"#q-{qid}-{index}")
        else:
            tab_to(page, f"#q-{qid}")
            page.keyboard.type(typed)


def t(locale: str, text: str) -> str:
    return french(text) if locale == "fr" else text


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_take_a_quiz_earn_download_and_verify_a_certificate(
    new_context, live_server, make_learner, locale
):
    account = make_learner(locale)
    subscribe(live_server, account.email)
    page = new_context(locale).new_page()
    keyboard_sign_in(page, account)

    page.goto(f"/courses/{COURSE}")
    tab_to(page, f'a[href="/courses/{COURSE}/quizzes/1"]')
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/courses/{COURSE}/quizzes/1")

    answer_right(page, the_quiz(live_server))
    tab_to(page, ".quiz-form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector("#result-summary")
    # htmx swapped the result in and announced it in the page's live region.
    assert page.get_attribute("#flash", "aria-live") == "polite"
    announced = page.inner_text("#flash")
    assert t(locale, "Passed.") in announced
    assert "100" in announced
    assert "/learning/attempts/" in page.url  # the address of the result, pushed by htmx

    tab_to(page, '#certificate-earned a[href="/learning/certificates"]')
    page.keyboard.press("Enter")
    page.wait_for_url("**/learning/certificates")
    assert t(locale, "My certificates") in page.inner_text("h1")

    tab_to(page, 'a[href$="/certificate.pdf"]')
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    data = Path(download.value.path()).read_bytes()
    reader = PdfReader(io.BytesIO(data))
    content = "".join(p.extract_text() for p in reader.pages)
    with live_server.app.app_context():
        (certificate,) = certificates.of_user(accounts.find_by_email(account.email))
        code = certificate.code
        db.session.remove()
    assert account.name in content and display_code(code) in content
    assert reader.trailer["/Root"]["/Lang"] == locale

    verify = page.get_attribute(f'a[href="/certificates/{code}"]', "href")
    signed_out = new_context(locale).new_page()
    signed_out.goto(verify)
    assert t(locale, "This certificate is genuine.") in signed_out.inner_text("main")
    assert account.name in signed_out.inner_text("main")
    assert t(locale, "Sign in") in signed_out.inner_text("header")


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_mark_a_chapter_done_with_the_keyboard(new_context, live_server, make_learner, locale):
    account = make_learner(locale)
    page = new_context(locale).new_page()
    keyboard_sign_in(page, account)
    page.goto(f"/courses/{COURSE}/chapters/1")
    tab_to(page, "#chapter-done button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector("#chapter-done input[name=done][value='0']", state="attached")
    assert t(locale, "Chapter marked as done.") in page.inner_text("#flash")
    page.goto("/learning")
    assert f"/courses/{COURSE}" in page.content()


ASSIGNMENT = "/courses/javascript-fundamentals/assignments/2"


def rubric_ids(live_server) -> list[int]:
    from app.models import Course
    from app.services import assignments

    with live_server.app.app_context():
        course = db.session.scalar(select(Course).where(Course.slug == "javascript-fundamentals"))
        exercise = next(e for e in course.exercises if e.kind == "assignment")
        ids = [c.id for c in assignments.rubric(exercise)]
        db.session.remove()
    return ids


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_submit_an_assignment_and_assess_three_peers(
    new_context, live_server, make_learner, locale
):
    account = make_learner(locale)
    subscribe(live_server, account.email)
    page = new_context(locale).new_page()
    keyboard_sign_in(page, account)
    page.goto(ASSIGNMENT)
    tab_to(page, "#body")
    page.keyboard.type("My list keeps **three** items.")
    # The file field is reached from the keyboard; what Space opens then is the system's
    # own file dialog, which a headless browser does not always raise on time: the file is
    # given to the focused field as that dialog would give it.
    tab_to(page, "#file")
    notes = b"# Notes\n\nThree items, in the order I shop.\n"
    page.locator("#file").set_input_files(
        files=[{"name": "my-notes.md", "mimeType": "text/markdown", "buffer": notes}]
    )
    tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector("#assignment-waiting")
    download_link = page.locator(".submission-files a")
    assert "my-notes.md" in download_link.inner_text()
    # The author downloads it back, by keyboard too.
    tab_to(page, ".submission-files a")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename == "my-notes.md"
    assert Path(download.value.path()).read_bytes() == notes
    criteria = rubric_ids(live_server)
    for round_ in range(3):
        tab_to(page, f'a[href="{ASSIGNMENT}/assess"]')
        page.keyboard.press("Enter")
        page.wait_for_url(f"**{ASSIGNMENT}/assess")
        if round_ == 0:
            # The demo's oldest work has a file: downloaded under a name that does not
            # tell whose it is.
            tab_to(page, ".submission-files a")
            with page.expect_download() as download:
                page.keyboard.press("Enter")
            assert download.value.suggested_filename.startswith("submission-")
        for criterion in criteria:
            # The first level has focus; two presses of the down arrow choose the best.
            tab_to(page, f"#c-{criterion}-0")
            page.keyboard.press("ArrowDown")
            page.keyboard.press("ArrowDown")
            assert page.is_checked(f"#c-{criterion}-2")
        tab_to(page, "#comment")
        page.keyboard.type("Clear and working.")
        tab_to(page, ".assess-form button[type=submit]")
        page.keyboard.press("Enter")
        page.wait_for_url(f"**{ASSIGNMENT}")
        assert t(locale, "Thank you: your assessment is recorded.") in page.inner_text("#flash")
    waiting = page.inner_text("#assignment-waiting")
    assert "3" in waiting.split(":")[-1]  # assessments given: 3 of 3
