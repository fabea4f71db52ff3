"""Files attached to assignment work (Terms §2.1a): type told from the bytes, size
limit, names that never reach the file system, SVG refused; downloads for the author,
the peers shown the work (anonymously) and staff only, as attachments that cannot run
in the site's origin."""

import io

import pytest
from sqlalchemy import func, select

from app import clock
from app.domain.orders import Plan
from app.domain.subscriptions import SubscriptionStatus
from app.extensions import db
from app.models import AssessmentOffer, Submission, SubmissionFile
from app.services import assignments, uploads
from tests.conftest import sign_in
from tests.web.test_assignments import ASSESS, PAGE, exercise, text

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'


@pytest.fixture
def learner(learning_demo, make_user, make_subscription):
    def make(status=SubscriptionStatus.ACTIVE, name=None):
        user = make_user(name=name) if name else make_user()
        if status is not None:
            make_subscription(user, Plan.SOLO, status)
        client = learning_demo.test_client()
        sign_in(client, user.email, user.password)
        client.user = user
        return client

    return make


@pytest.fixture
def folder(app, tmp_path):
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    return tmp_path / "uploads"


def send(client, data=PDF, name="essay.pdf", body="My essay, attached.", link=""):
    return client.post(
        PAGE,
        data={"body": body, "link": link, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def files() -> list[SubmissionFile]:
    db.session.expire_all()
    return list(db.session.scalars(select(SubmissionFile).order_by(SubmissionFile.id)))


def stored(folder) -> list:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def download(client, file_id: int):
    return client.get(f"/learning/submission-files/{file_id}")


def test_a_file_is_kept_under_a_random_name_and_the_author_downloads_it(learner, folder):
    author = learner()
    assert send(author).status_code == 302
    [kept] = files()
    assert kept.display_name == "essay.pdf" and kept.kind == "pdf" and kept.size == len(PDF)
    assert stored(folder) == [kept.stored_name] and len(kept.stored_name) == 32
    assert (folder / kept.stored_name).read_bytes() == PDF
    page = text(author.get(PAGE))
    assert "Download essay.pdf" in page and f"/learning/submission-files/{kept.id}" in page
    response = download(author, kept.id)
    assert response.status_code == 200 and response.data == PDF
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == "attachment; filename=essay.pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "sandbox"
    assert response.headers["Cache-Control"] == "private, no-store"


def test_a_file_alone_is_enough(learner, folder):
    assert send(learner(), body="").status_code == 302
    assert len(files()) == 1


def test_a_submitted_file_never_changes(learner, folder):
    author = learner()
    send(author)
    assert send(author, data=PNG, name="other.png").status_code == 302
    [kept] = files()
    assert kept.display_name == "essay.pdf" and len(stored(folder)) == 1


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"MZ\x90\x00binary", "tool.exe", "Choose a PDF, PNG, JPEG"),
        (b"<html><script>alert(1)</script></html>", "page.html", "Choose a PDF, PNG, JPEG"),
        (SVG, "drawing.svg", "SVG images are not accepted"),
        # An SVG with a script, renamed: its bytes give it away.
        (SVG, "drawing.png", "SVG images are not accepted"),
        (b"plain words", "photo.png", "is not what its name says"),
        (PNG, "essay.pdf", "is not what its name says"),
        (b"", "empty.pdf", "The file you chose is empty."),
        (b"a" * 1001, "long.txt", "The file must be 1 KB or smaller."),
    ],
)
def test_bad_files_are_refused_next_to_the_field_and_nothing_is_kept(
    learner, folder, app, data, name, message
):
    app.config["ASSIGNMENT_MAX_FILE_BYTES"] = 1000
    response = send(learner(), data=data, name=name, body="Text I typed")
    page = text(response)
    assert response.status_code == 422 and message in page
    assert 'id="file-error"' in page and 'href="#file"' in page
    assert "Text I typed" in page  # what was typed is kept
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Submission.id))) == 0
    assert files() == [] and stored(folder) == []


def test_a_request_over_the_limit_gets_the_field_error_not_a_413_page(learner, folder, app):
    app.config["ASSIGNMENT_MAX_FILE_BYTES"] = 1000
    response = send(learner(), data=b"a" * 400_000, name="huge.txt")
    page = text(response)
    assert response.status_code == 413
    assert "The file must be 1 KB or smaller." in page and 'id="file-error"' in page
    assert "Submit your work" in page
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Submission.id))) == 0 and stored(folder) == []


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("/etc/cron.d/job.txt", "job.txt"),
        ("na\x00me.txt", "name.txt"),
        ("日本語.txt", "file.txt"),
        ("x" * 500 + ".txt", "x" * 96 + ".txt"),
    ],
)
def test_names_with_paths_are_cleaned_and_never_reach_the_disk(learner, folder, name, shown):
    assert send(learner(), data=b"some notes", name=name).status_code == 302
    [kept] = files()
    assert kept.display_name == shown
    # The only file written is the random one, inside the folder.
    assert stored(folder) == [kept.stored_name]
    assert all(p.parent == folder for p in folder.parent.rglob("*") if p.is_file())


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("..\\..\\windows\\x.txt", "x.txt"),
        ("C:\\Users\\Jane Doe\\notes.txt", "notes.txt"),
        ("/etc/passwd.md", "passwd.md"),
        ("../../.bashrc.txt", "bashrc.txt"),
        ("a b\x00c.pdf", "a_bc.pdf"),
    ],
)
def test_names_as_the_browser_sent_them_are_cleaned(app, raw, shown):
    assert uploads.display_name(raw) == shown


@pytest.mark.parametrize("name", ["../.txt", "../../etc/passwd", ".."])
def test_names_that_leave_no_kind_are_refused(learner, folder, name):
    response = send(learner(), data=b"some notes", name=name)
    assert response.status_code == 422 and "Choose a PDF, PNG, JPEG" in text(response)
    assert files() == [] and stored(folder) == []


def test_a_rolled_back_submission_leaves_no_file(learner, folder, app):
    user = learner().user
    assignments.submit(user, exercise(), "x", "", clock.now(), ("a.txt", b"hi"))
    db.session.flush()
    assert len(stored(folder)) == 1
    db.session.rollback()
    assert stored(folder) == []


def test_who_may_download(learner, folder, staff_client):
    author = learner(name="Jane Author")
    send(author, name="jane-author-essay.pdf")
    [kept] = files()
    peer, stranger = learner(), learner()
    # A peer gets it once the work is shown to them for assessment, under a name that
    # does not tell whose it is.
    assert download(peer, kept.id).status_code == 404
    page = text(peer.get(ASSESS))
    assert f"/learning/submission-files/{kept.id}" in page and "jane-author" not in page
    response = download(peer, kept.id)
    assert response.status_code == 200 and response.data == PDF
    disposition = response.headers["Content-Disposition"]
    assert "jane" not in disposition.lower()
    assert disposition == f"attachment; filename=submission-{kept.submission_id}-{kept.id}.pdf"
    assert db.session.scalar(select(func.count(AssessmentOffer.id))) == 1
    # Staff get it with its name (linked from the grading page); anyone else gets 404.
    grading = text(staff_client.get(f"/staff/assignments/submissions/{kept.submission_id}"))
    assert f"/learning/submission-files/{kept.id}" in grading
    response = download(staff_client, kept.id)
    assert response.status_code == 200
    assert "jane-author-essay.pdf" in response.headers["Content-Disposition"]
    assert download(stranger, kept.id).status_code == 404
    assert download(learner(status=None), kept.id).status_code == 404
    assert download(author, kept.id + 1000).status_code == 404
    # A visitor is asked to sign in.
    assert download(author.application.test_client(), kept.id).status_code == 302
