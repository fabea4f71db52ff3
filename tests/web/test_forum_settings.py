"""Settings → Forum (Terms §2.1a; the forum shows a name of the member's choosing, never
their full name): the forum name (unique whatever its case, 3 to 30 letters, digits,
".", "-", "_", invisible characters refused), the signature (plain text under one's
posts, invisible characters removed, 200 characters at most) and the email choice; each
problem next to its field, nothing half saved, with and without htmx."""

import pytest

from app.domain.notifications import EmailChoice
from app.extensions import db
from app.services import forum as forum_service
from tests.conftest import without_title

HX = {"HX-Request": "true"}


def text(response) -> str:
    return response.get_data(as_text=True)


def settings(**changes) -> dict:
    return {"display_name": "Ada", "signature": "", "email_choice": "daily", **changes}


def test_the_tab_shows_the_current_settings(member):
    client, user = member(plan=None)
    page = text(client.get("/account/forum"))
    name = forum_service.profile_of(user).display_name
    assert f'value="{name}"' in page
    assert 'aria-current="page">Forum</a>' in page
    # The default: one email a day.
    assert '<input checked class="radios__input" id="email_choice-1"' in page
    assert client.get("/account/forum").headers["Cache-Control"] == "private, no-store"


def test_saving_changes_name_signature_and_choice(member):
    client, user = member(plan=None)
    response = client.post(
        "/account/forum",
        data=settings(display_name="Ada.L", signature="Learning *Python*", email_choice="none"),
    )
    assert response.status_code == 302
    db.session.expire_all()
    profile = forum_service.profile_of(user)
    assert (profile.display_name, profile.name_key) == ("Ada.L", "ada.l")
    assert profile.signature == "Learning *Python*"
    assert profile.email_choice is EmailChoice.NONE
    assert "Your forum settings have been saved." in text(client.get("/account/forum"))


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "at least 3 characters"),
        ("ab", "at least 3 characters"),
        ("a" * 31, "30 characters or fewer"),
        ("Ada Lovelace", "no spaces"),
        ("Ada\u200b", "invisible characters"),
        ("\u202eadA", "invisible characters"),
        ("_ada", "starting with a letter"),
        ("<b>ada</b>", "Use only letters"),
    ],
)
def test_a_bad_name_is_refused_next_to_its_field(member, name, message):
    client, user = member(plan=None)
    before = forum_service.profile_of(user).display_name
    db.session.commit()
    response = client.post("/account/forum", data=settings(display_name=name, signature="kept?"))
    page = text(response)
    assert response.status_code == 422
    assert 'id="display_name-error"' in page and message in page
    assert "There is a problem" in page and 'href="#display_name"' in page
    db.session.expire_all()
    profile = forum_service.profile_of(user)
    assert profile.display_name == before and profile.signature == ""  # nothing saved


def test_a_name_taken_in_another_case_is_refused(member):
    _, other = member(plan=None)
    profile = forum_service.profile_of(other)
    profile.display_name, profile.name_key = "Ada", "ada"
    db.session.commit()
    client, _ = member(plan=None)
    response = client.post("/account/forum", data=settings(display_name="ADA"))
    assert response.status_code == 422
    assert "already used by another member" in text(response)


def test_ones_own_name_in_another_case_is_fine(member):
    client, _user = member(plan=None)
    client.post("/account/forum", data=settings(display_name="Ada"))
    assert client.post("/account/forum", data=settings(display_name="ADA")).status_code == 302


def test_the_signature_loses_invisible_characters_and_must_be_short(member):
    client, user = member(plan=None)
    client.post("/account/forum", data=settings(signature="Ada\u200b \u202eLovelace\u202c"))
    db.session.expire_all()
    assert forum_service.profile_of(user).signature == "Ada Lovelace"
    response = client.post("/account/forum", data=settings(signature="x" * 201))
    assert response.status_code == 422
    page = text(response)
    assert 'id="signature-error"' in page and "200 characters or fewer" in page


def test_an_unknown_email_choice_is_refused(member):
    client, _ = member(plan=None)
    response = client.post("/account/forum", data=settings(email_choice="hourly"))
    assert response.status_code == 422
    assert "Choose how we tell you" in text(response)


def test_with_htmx_errors_come_back_as_the_form_alone(member):
    client, _ = member(plan=None)
    response = client.post("/account/forum", data=settings(display_name="x"), headers=HX)
    assert response.status_code == 422
    assert without_title(text(response)).startswith('<div id="forum-settings-form">')
    response = client.post("/account/forum", data=settings(display_name="Ada2"), headers=HX)
    assert response.status_code == 204 and response.headers["HX-Redirect"] == "/account/forum"


def test_the_signature_shows_under_the_members_posts(forum, member):
    client, user = member()
    client.post("/account/forum", data=settings(display_name="Ada", signature="Python & SQL"))
    thread = forum.thread(user)
    page = text(client.get(f"/forum/threads/{thread.id}"))
    assert '<p class="post__signature" data-hx-disable>' in page
    assert "<bdi>Python &amp; SQL</bdi>" in page
    assert '<bdi class="member-name">Ada</bdi>' in page


def test_the_settings_are_in_french(member):
    client, _ = member(plan=None, locale="fr")
    page = text(client.get("/account/forum", headers={"Accept-Language": "fr"}))
    assert "Paramètres du forum" in page and "Aucun e-mail" in page
