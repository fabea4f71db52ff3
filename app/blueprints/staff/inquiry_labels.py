"""What staff read for an inquiry's source and topic: the words the sender chose from,
in the staff member's language, instead of the codes stored (the labels live with each
form, where the sender picked them)."""

from flask_babel import lazy_gettext as _l

from app.blueprints.catalog.forms import INQUIRY_TYPES
from app.blueprints.legal.forms import ACCESSIBLE_FORMATS, CONTACT_TOPICS
from app.models import Inquiry, InquiryKind
from app.web.i18n import LOCALE_NAMES

KINDS = {
    InquiryKind.CONTACT: _l("Student Success contact form"),
    InquiryKind.PATH: _l("Contact Us on a Learning Path"),
    InquiryKind.ACCESSIBLE_FORMAT: _l("Document in another format"),
}
TOPICS = {
    InquiryKind.CONTACT: dict(CONTACT_TOPICS),
    InquiryKind.PATH: dict(INQUIRY_TYPES),
    InquiryKind.ACCESSIBLE_FORMAT: dict(ACCESSIBLE_FORMATS),
}


def source(inquiry: Inquiry) -> str:
    return str(KINDS.get(inquiry.kind, inquiry.kind))


def topic(inquiry: Inquiry) -> str:
    """A code no longer offered (a list changed since) is shown as stored."""
    return str(TOPICS.get(inquiry.kind, {}).get(inquiry.topic, inquiry.topic))


def language(inquiry: Inquiry) -> str:
    return LOCALE_NAMES.get(inquiry.locale, inquiry.locale)
