"""Certificates of Achievement (Terms Definitions, §2.1a; §10): issued once, a tagged PDF
kept once rendered, a public verification page, LinkedIn's add-to-profile link, and
revocation by staff."""

import io
from urllib.parse import parse_qs, urlsplit

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.domain.certificates import display_code
from app.domain.orders import Plan
from app.domain.subscriptions import SubscriptionStatus
from app.extensions import db
from app.models import Certificate, CertificatePdf
from tests.conftest import sign_in
from tests.support.learning import QUIZ, course, quiz_form

S = SubscriptionStatus


@pytest.fixture
def earner(learning_demo, make_user, make_subscription):
    """A Solo subscriber who passed the course's only quiz."""

    def make(locale="en", name="Ada Lovelace"):
        user = make_user(locale=locale, name=name)
        make_subscription(user, Plan.SOLO, S.ACTIVE)
        client = learning_demo.test_client()
        sign_in(client, user.email, user.password)
        client.post(QUIZ, data=quiz_form(client))
        client.user = user
        return client

    return make


def text(response) -> str:
    return response.get_data(as_text=True)


def the_certificate() -> Certificate:
    db.session.expire_all()
    (found,) = db.session.scalars(select(Certificate)).all()
    return found


def test_issued_once_with_what_it_states(earner):
    client = earner()
    cert = the_certificate()
    assert cert.learner_name == "Ada Lovelace" and cert.grade == 100
    assert cert.course_title_en == course().title_en
    client.post(QUIZ, data=quiz_form(client))  # passing again issues nothing new
    assert the_certificate().id == cert.id


def test_not_issued_below_the_required_grade(learning_demo, make_user, make_subscription):
    user = make_user()
    make_subscription(user, Plan.SOLO, S.ACTIVE)
    client = learning_demo.test_client()
    sign_in(client, user.email, user.password)
    client.post(QUIZ, data=quiz_form(client, right=False))
    assert db.session.scalar(select(Certificate.id)) is None
    assert "You have no certificate yet." in text(client.get("/learning/certificates"))


def test_my_certificates_lists_it_with_a_linkedin_link(earner):
    client = earner()
    cert = the_certificate()
    html = text(client.get("/learning/certificates"))
    assert display_code(cert.code) in html
    assert f'href="/learning/certificates/{cert.code}/certificate.pdf"' in html
    assert f'href="/certificates/{cert.code}"' in html
    link = next(part for part in html.split('"') if part.startswith("https://www.linkedin.com/"))
    query = {k: v[0] for k, v in parse_qs(urlsplit(link.replace("&amp;", "&")).query).items()}
    assert query["name"] == cert.course_title_en and query["organizationName"] == "Atelier"
    assert query["certUrl"] == f"http://atelier.test/certificates/{cert.code}"
    assert query["certId"] == display_code(cert.code)
    assert query["issueYear"] == str(cert.issued_at.year)


def test_the_pdf_is_tagged_and_states_name_and_code(earner):
    client = earner()
    cert = the_certificate()
    response = client.get(f"/learning/certificates/{cert.code}/certificate.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "no-store" in response.headers["Cache-Control"]
    assert (
        f'filename="certificate-{display_code(cert.code)}.pdf"'
        in response.headers["Content-Disposition"]
    )
    reader = PdfReader(io.BytesIO(response.data))
    content = "".join(page.extract_text() for page in reader.pages)
    assert "Ada Lovelace" in content and display_code(cert.code) in content
    assert f"/certificates/{cert.code}" in content
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "en" and "/StructTreeRoot" in catalog
    assert catalog["/MarkInfo"]["/Marked"]
    assert reader.metadata.title.startswith("Certificate of Achievement")
    # Kept: the second download is the same bytes, rendered once.
    again = client.get(f"/learning/certificates/{cert.code}/certificate.pdf")
    assert again.data == response.data
    assert len(db.session.scalars(select(CertificatePdf)).all()) == 1


def test_another_members_pdf_is_404(earner, learning_demo, make_user):
    earner()
    cert = the_certificate()
    other = make_user()
    client = learning_demo.test_client()
    sign_in(client, other.email, other.password)
    assert client.get(f"/learning/certificates/{cert.code}/certificate.pdf").status_code == 404
    anonymous = learning_demo.test_client()
    assert anonymous.get(f"/learning/certificates/{cert.code}/certificate.pdf").status_code == 302


def test_the_verification_page_is_public(earner, learning_demo):
    earner()
    cert = the_certificate()
    visitor = learning_demo.test_client()
    page = visitor.get(f"/certificates/{cert.code}")
    html = text(page)
    assert page.status_code == 200 and 'id="certificate-valid"' in html
    assert "Ada Lovelace" in html and cert.course_title_en in html and "100%" in html
    # The code as printed (with dashes, lower case) finds it too.
    assert visitor.get(f"/certificates/{display_code(cert.code).lower()}").status_code == 200


@pytest.mark.parametrize("code", ["ZZZZ-ZZZZ-ZZZZ", "nonsense", "ABCD-EFGH-JKU0"])
def test_an_unknown_code_says_so(learning_demo, client, code):
    page = client.get(f"/certificates/{code}")
    assert page.status_code == 404 and "We issued no certificate with this code." in text(page)


def test_staff_revoke_with_a_reason(earner, staff_client, learning_demo):
    earner()
    cert = the_certificate()
    listing = text(staff_client.get("/staff/certificates"))
    assert display_code(cert.code) in listing
    found = text(staff_client.get(f"/staff/certificates?code={display_code(cert.code)}"))
    assert f"/staff/certificates/{cert.code}/revoke" in found
    empty = staff_client.post(f"/staff/certificates/{cert.code}/revoke", data={"reason": " "})
    assert empty.status_code == 422 and "Enter the reason" in text(empty)
    assert the_certificate().revoked_at is None
    done = staff_client.post(
        f"/staff/certificates/{cert.code}/revoke", data={"reason": "Answers shared in a forum."}
    )
    assert done.status_code == 302
    revoked = the_certificate()
    assert revoked.revoked_at and revoked.revoked_reason == "Answers shared in a forum."
    public = text(learning_demo.test_client().get(f"/certificates/{cert.code}"))
    assert 'id="certificate-revoked"' in public and "Answers shared" not in public
    again = staff_client.post(f"/staff/certificates/{cert.code}/revoke", data={"reason": "x"})
    assert again.status_code == 200 and the_certificate().revoked_reason.endswith("forum.")


def test_learners_cannot_revoke(earner):
    client = earner()
    cert = the_certificate()
    assert client.get("/staff/certificates").status_code == 403
    assert (
        client.post(f"/staff/certificates/{cert.code}/revoke", data={"reason": "x"}).status_code
        == 403
    )
    assert the_certificate().revoked_at is None


def test_in_french(earner):
    client = earner(locale="fr")
    cert = the_certificate()
    html = text(client.get("/learning/certificates"))
    assert "Mes certificats" in html
    pdf = PdfReader(
        io.BytesIO(client.get(f"/learning/certificates/{cert.code}/certificate.pdf").data)
    )
    assert pdf.trailer["/Root"]["/Lang"] == "fr"
    assert "Certificat" in pdf.pages[0].extract_text()
