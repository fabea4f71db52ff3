"""Terms §2.1a (peer-assessed assignments: the learner's work may be files): which files
are taken, told from their bytes and their name together, and the names kept."""

import io
import zipfile

import pytest

from app.domain.uploads import FileKind, UploadProblem, check, extension_of, shown_name

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01" + b"\x00" * 20
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
SVG_PROLOG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="x()"/>'
MAX = 1000


def a_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("index.html", "<p>hello</p>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("essay.pdf", PDF, FileKind.PDF),
        ("ESSAY.PDF", PDF, FileKind.PDF),
        ("diagram.png", PNG, FileKind.PNG),
        ("photo.jpg", JPEG, FileKind.JPEG),
        ("photo.jpeg", JPEG, FileKind.JPEG),
        ("notes.txt", "Café, naïve: UTF-8 text\n\tindented".encode(), FileKind.TEXT),
        ("README.md", b"# My page\n\n- one\n- two\n", FileKind.MARKDOWN),
        ("site.zip", a_zip(), FileKind.ZIP),
        # Markdown may speak of SVG; it is only an SVG when it is one.
        ("svg.md", b"# Drawing\nAn <svg> element draws.", FileKind.MARKDOWN),
        # Refused: empty, too big, unknown kinds, no extension.
        ("empty.pdf", b"", UploadProblem.EMPTY),
        ("big.txt", b"a" * (MAX + 1), UploadProblem.TOO_BIG),
        ("at-the-limit.txt", b"a" * MAX, FileKind.TEXT),
        ("tool.exe", b"MZ\x90\x00", UploadProblem.TYPE),
        ("page.html", b"<html><script>x</script></html>", UploadProblem.TYPE),
        ("passwd", b"root:x:0:0", UploadProblem.TYPE),
        (".pdf", PDF, UploadProblem.TYPE),
        # SVG, whatever its name: it can carry script.
        ("drawing.svg", SVG, UploadProblem.SVG),
        ("drawing.png", SVG, UploadProblem.SVG),
        ("drawing.txt", SVG_PROLOG, UploadProblem.SVG),
        # The content must be what the name says.
        ("essay.pdf", PNG, UploadProblem.MISMATCH),
        ("diagram.png", b"just text", UploadProblem.MISMATCH),
        ("notes.txt", PDF.replace(b"\n", b"\x00"), UploadProblem.MISMATCH),
        ("notes.txt", b"\xff\xfe not utf-8", UploadProblem.MISMATCH),
        ("site.zip", PDF, UploadProblem.MISMATCH),
    ],
)
def test_what_is_taken(name, data, expected):
    assert check(name, data, MAX) == expected


@pytest.mark.parametrize(
    ("name", "extension"),
    [
        ("essay.PDF", "pdf"),
        ("../../etc/passwd", ""),
        ("..\\..\\x.png", "png"),
        ("/abs/path/to/work.zip", "zip"),
        ("C:\\Users\\me\\notes.txt", "txt"),
        ("archive.tar.gz", "gz"),
        ("noext", ""),
        ("..", ""),
    ],
)
def test_the_extension_is_the_last_parts(name, extension):
    assert extension_of(name) == extension


@pytest.mark.parametrize(
    ("cleaned", "extension", "shown"),
    [
        ("essay.pdf", "pdf", "essay.pdf"),
        ("pdf", "pdf", "file.pdf"),  # a name of letters secure_filename could not keep
        ("", "png", "file.png"),
        ("__.txt", "txt", "file.txt"),
        ("a" * 300 + ".md", "md", "a" * 97 + ".md"),
    ],
)
def test_names_shown_keep_their_extension_and_a_length(cleaned, extension, shown):
    assert shown_name(cleaned, extension) == shown
    assert len(shown_name(cleaned, extension)) <= 100
