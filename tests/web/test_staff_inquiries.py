import pytest

from app.extensions import db
from app.models import InquiryKind, Role
from app.services import inquiries
from tests.conftest import current_code, enable_two_factor, outbox_for, sign_in


def new_inquiry(**overrides):
    values = dict(
        kind=InquiryKind.CONTACT,
        topic="billing",
        name="Ana",
        email="Ana@Example.org",
        message="Where is my invoice?\n<script>alert(1)</script>",
        locale="fr",
    )
    inquiry = inquiries.submit(inquiries.NewInquiry(**{**values, **overrides}))
    db.session.commit()
    return inquiry


def test_submitting_acknowledges_by_email_in_the_sender_language(app):
    inquiry = new_inquiry()
    (message,) = outbox_for("ana@example.org")
    assert inquiry.reference in message.subject
    assert message.locale == "fr"


@pytest.mark.parametrize("path", ["/staff/", "/staff/inquiries", "/staff/inquiries/1"])
def test_learners_and_mentors_get_403_on_staff_pages(app, client, make_user, path):
    new_inquiry()
    learner = make_user()
    sign_in(client, learner.email, learner.password)
    assert client.get(path).status_code == 403
    client.post("/signout")
    mentor = make_user(role=Role.MENTOR)
    secret = enable_two_factor(mentor)
    sign_in(client, mentor.email, mentor.password)
    client.post("/signin/code", data={"code": current_code(secret)})
    assert client.get(path).status_code == 403


def test_visitors_are_sent_to_sign_in(client):
    response = client.get("/staff/inquiries")
    assert response.status_code == 302 and "/signin" in response.headers["Location"]


def test_staff_answer_an_inquiry(staff_client):
    inquiry = new_inquiry()
    page = staff_client.get("/staff/inquiries").get_data(as_text=True)
    assert inquiry.reference in page
    detail = staff_client.get(f"/staff/inquiries/{inquiry.id}").get_data(as_text=True)
    assert "&lt;script&gt;" in detail and "<script>alert" not in detail
    assert "data-hx-disable" in detail
    empty = staff_client.post(f"/staff/inquiries/{inquiry.id}", data={"reply": ""})
    assert empty.status_code == 422 and "Write your answer." in empty.get_data(as_text=True)
    staff_client.post(f"/staff/inquiries/{inquiry.id}", data={"reply": "Sent it again."})
    answer = outbox_for("ana@example.org")[-1]
    assert "Sent it again." in answer.text_body
    assert f">{inquiry.reference}</a>" not in staff_client.get("/staff/inquiries").get_data(
        as_text=True
    )
    answered = staff_client.get("/staff/inquiries?status=answered").get_data(as_text=True)
    assert inquiry.reference in answered


def test_unknown_inquiry_is_404(staff_client):
    assert staff_client.get("/staff/inquiries/999").status_code == 404


def test_staff_read_the_words_the_sender_chose_not_codes(staff_client):
    contact = new_inquiry()
    path = new_inquiry(kind=InquiryKind.PATH, topic="funding", subject_ref="path:web-developer")
    formats = new_inquiry(kind=InquiryKind.ACCESSIBLE_FORMAT, topic="braille")
    queue = staff_client.get("/staff/inquiries").get_data(as_text=True)
    for words in (
        "Payment, invoice or refund",
        "Student Success contact form",
        "Funding my training",
        "Contact Us on a Learning Path",
        "Braille transcription",
        "Document in another format",
    ):
        assert words in queue
    assert "contact —" not in queue and "path —" not in queue
    detail = staff_client.get(f"/staff/inquiries/{path.id}").get_data(as_text=True)
    assert "Funding my training" in detail and "Français" in detail  # written in French
    staff_client.post("/language", data={"locale": "fr"})
    french = staff_client.get(f"/staff/inquiries/{contact.id}").get_data(as_text=True)
    assert "Paiement, facture ou remboursement" in french
    assert formats.topic == "braille"  # the code is what is stored
