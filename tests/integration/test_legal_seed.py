"""Version 1 of the Terms and the Code of Conduct: loaded by `flask demo-data`, and
covering every provision the software enforces, in both languages."""

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import DocumentKind, DocumentPdf
from app.services import legal_documents
from app.services.markdown import render_document

TERMS_PROVISIONS = {
    "en": [
        "## Definitions",
        "Become Premium Solo",
        "Choose a Learning Path",
        "**Confirm**",
        "Contact Us",
        "Fund Your Learning Path",
        "30 days to cancel",
        "legal representative",
        "euros and include all taxes",
        "one, three and seven days",
        "14 days after the due date",
        "legal interest rate",
        "€40",
        "Invoices",
        "credit note",
        "referral",
        "Opera Mini",
        "Internet Explorer",
        "iOS 12",
        "Equipment",
        "L221-28 (1° and 13°)",
        "reflection period of seven days",
        "30% of the contract price",
        "force majeure",
        "35 hours",
        "Sick leave",
        "## Article 7. Liability",
        "Security Assurance Plan",
        "## Article 8. Intellectual property",
        "## Article 9. Personal data",
        "French law",
        "consumer mediator",
        "first to have written to us",
        "Annex. Article L444-8",
        "It may not include any clause allocating jurisdiction.",
    ],
    "fr": [
        "## Définitions",
        "Devenir Premium Solo",
        "Choisir un parcours",
        "**Confirmer**",
        "Nous contacter",
        "30 jours pour résilier",
        "représentant légal",
        "en euros, toutes taxes comprises",
        "un, trois et sept jours",
        "14 jours après l'échéance",
        "intérêt légal",
        "40 €",
        "Factures",
        "avoir",
        "parrainage",
        "Opera Mini",
        "Internet Explorer",
        "iOS 12",
        "Équipement",
        "L221-28 (1° et 13°)",
        "délai de réflexion de sept jours",
        "30 % du prix du contrat",
        "force majeure",
        "35 heures",
        "arrêt maladie",
        "## Article 7. Responsabilité",
        "Plan d'assurance sécurité",
        "## Article 8. Propriété intellectuelle",
        "## Article 9. Données personnelles",
        "droit français",
        "médiateur de la consommation",
        "nous avoir d'abord écrit",
        "Annexe. Article L444-8",
        "Il ne peut comporter de clause attributive de compétence.",
    ],
}
CONDUCT_PROVISIONS = {
    "en": [
        "forum",
        "private messages",
        "24 hours",
        "warning",
        "sanction",
        "Premium Plus Subscription",
        "Plagiarism",
        "courtesy",
    ],
    "fr": [
        "forum",
        "messagerie privée",
        "24 heures",
        "avertissement",
        "sanction",
        "Abonnement Premium Plus",
        "Plagiat",
        "courtoisie",
    ],
}


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_terms_cover_every_provision(locale):
    text = legal_documents.seed_text("terms-v1", locale)
    missing = [p for p in TERMS_PROVISIONS[locale] if p not in text]
    assert not missing
    assert len(text.split()) > 3000


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_code_of_conduct_covers_behaviour_attendance_and_plagiarism(locale):
    text = legal_documents.seed_text("code-of-conduct-v1", locale)
    assert not [p for p in CONDUCT_PROVISIONS[locale] if p not in text]


@pytest.mark.parametrize("name", ["terms-v1", "code-of-conduct-v1"])
def test_both_languages_have_the_same_structure(name):
    levels = {
        locale: [h.level for h in render_document(legal_documents.seed_text(name, locale)).headings]
        for locale in ("en", "fr")
    }
    assert levels["en"] == levels["fr"] and len(levels["en"]) > 10


def test_demo_data_publishes_version_1_once(runner):
    first = runner.invoke(args=["demo-data"])
    assert first.exit_code == 0, first.output
    assert "Legal documents published: 2." in first.output
    for kind in DocumentKind:
        assert legal_documents.current(kind).label == "2026-11"
    assert db.session.scalar(select(func.count()).select_from(DocumentPdf)) == 8
    again = runner.invoke(args=["demo-data"])
    assert "Legal documents published: 0." in again.output
    assert all(len(legal_documents.versions(kind)) == 1 for kind in DocumentKind)


def test_legal_seed_command_for_production(runner):
    result = runner.invoke(args=["legal", "seed"])
    assert result.exit_code == 0, result.output
    assert "Legal documents published: 2." in result.output
    assert runner.invoke(args=["legal", "seed"]).output.strip() == "Legal documents published: 0."
