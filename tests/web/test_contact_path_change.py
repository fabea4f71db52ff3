"""A change of Learning Path asked from the contact form (§2.2c: "from the Premium tab
or the contact form"): for a signed-in Plus subscriber, the topic "Change my Learning
Path" with the new path creates the same request the Premium tab creates, decided at
/staff/requests, with the same checks (one open request, a path they can move to) and
a message next to the field for each bad choice. Anyone else still sends an inquiry."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app import clock
from app.domain.orders import Plan
from app.domain.requests import RequestKind, RequestStatus
from app.domain.subscriptions import SubscriptionStatus
from app.extensions import db
from app.models import Availability, ContractRequest, Inquiry, LearningPath
from app.seeds.catalog import seed_catalog
from app.services import catalog
from tests.conftest import outbox_for, sign_in

S = SubscriptionStatus


@pytest.fixture
def member(app, make_user, make_subscription):
    """A signed-in member with a subscription on the seeded Web Developer path (Plus, by
    default): (user, subscription, client)."""
    seed_catalog(clock.today())
    db.session.commit()

    def factory(plan=Plan.PLUS, status=S.ACTIVE):
        user = make_user()
        path = catalog.path_by_slug("web-developer") if plan is Plan.PLUS else None
        sub = make_subscription(user, plan, status, path)
        sub.current_period_end = clock.today() + timedelta(days=20)
        db.session.commit()
        client = app.test_client()
        sign_in(client, user.email, user.password)
        return user, sub, client

    return factory


def other_path(sub) -> LearningPath:
    return next(
        p
        for p in catalog.all_paths()
        if p.id != sub.path_id and p.availability is Availability.OPEN
    )


class Visitor:
    name = "Ada Lovelace"
    email = "ada@example.com"


def form(user, **changes) -> dict:
    return {
        "name": user.name,
        "email": user.email,
        "topic": "path_change",
        "new_path": "",
        "order_reference": "",
        "message": "I would rather become a data analyst.",
    } | changes


def requests_made() -> list[ContractRequest]:
    db.session.expire_all()
    return list(db.session.scalars(select(ContractRequest)))


def inquiries_made() -> int:
    return db.session.scalar(select(func.count()).select_from(Inquiry))


def html(response) -> str:
    return response.get_data(as_text=True)


def test_the_form_offers_the_paths_a_plus_subscriber_can_move_to(member):
    _user, sub, client = member()
    page = html(client.get("/contact"))
    assert "Change my Learning Path" in page
    assert 'id="new_path"' in page and 'aria-describedby="new_path-hint"' in page
    assert f'value="{other_path(sub).slug}"' in page
    # Not the path they follow, nor one that cannot be started.
    assert 'value="web-developer"' not in page
    for path in catalog.all_paths():
        if path.availability is not Availability.OPEN:
            assert f'value="{path.slug}"' not in page


@pytest.mark.parametrize("who", ["visitor", "solo"])
def test_no_path_field_for_anyone_else_and_their_message_is_an_inquiry(app, member, who):
    if who == "visitor":
        client = app.test_client()
        data = form(Visitor())
    else:
        user, _sub, client = member(plan=Plan.SOLO)
        data = form(user)
    assert 'id="new_path"' not in html(client.get("/contact"))
    response = client.post("/contact", data=data)
    assert response.headers["Location"].endswith("/contact/received")
    assert inquiries_made() == 1 and requests_made() == []


def test_a_plus_subscriber_asks_and_staff_get_the_same_request_as_from_the_tab(
    member, staff_client
):
    """§2.2c: the request the Premium tab makes, with the message as its reason; emailed."""
    user, sub, client = member()
    target = other_path(sub)

    response = client.post("/contact", data=form(user, new_path=target.slug))

    assert response.status_code == 302 and response.headers["Location"].endswith("/account/premium")
    (made,) = requests_made()
    assert (made.kind, made.status, made.subscription_id, made.new_path_id) == (
        RequestKind.PATH_CHANGE,
        RequestStatus.OPEN,
        sub.id,
        target.id,
    )
    assert made.explanation == "I would rather become a data analyst."
    assert inquiries_made() == 0
    assert any("request" in m.subject.lower() for m in outbox_for(user.email))
    tab = html(client.get("/account/premium"))
    assert "Your request to change Learning Path has been sent to Student Success." in tab
    assert f"/staff/requests/{made.id}" in html(staff_client.get("/staff/requests"))


@pytest.mark.parametrize(
    ("new_path", "message"),
    [
        ("", "Select the Learning Path you would like to move to."),
        ("web-developer", "You cannot move to this Learning Path. Choose one from the list."),
        ("no-such-path", "You cannot move to this Learning Path. Choose one from the list."),
    ],
    ids=["none", "their-own", "unknown"],
)
def test_a_bad_choice_is_said_next_to_the_field_and_nothing_is_made(member, new_path, message):
    user, _sub, client = member()

    response = client.post("/contact", data=form(user, new_path=new_path))

    assert response.status_code == 422
    page = html(response)
    assert 'id="new_path-error"' in page and message in page
    assert "There is a problem" in page
    assert requests_made() == [] and inquiries_made() == 0


def test_a_path_not_open_yet_cannot_be_chosen(member):
    user, sub, client = member()
    upcoming = other_path(sub)
    upcoming.availability = Availability.UPCOMING
    db.session.commit()

    response = client.post("/contact", data=form(user, new_path=upcoming.slug))

    assert response.status_code == 422 and "Choose one from the list." in html(response)
    assert requests_made() == []


def test_one_open_request_at_a_time_whichever_form_asked(member):
    user, sub, client = member()
    target = other_path(sub)
    client.post(
        f"/account/premium/{sub.id}/path-change",
        data={"new_path": target.slug, "explanation": "From the tab."},
    )

    response = client.post("/contact", data=form(user, new_path=target.slug))

    assert response.status_code == 422
    assert "You have already sent this request" in html(response)
    assert 'id="topic-error"' in html(response)
    assert len(requests_made()) == 1


def test_a_subscription_that_cannot_change_path_is_told_why(member):
    """Past due (§3.2): the state machine cannot end it for a path change."""
    user, sub, client = member(status=S.PAST_DUE)

    response = client.post("/contact", data=form(user, new_path=other_path(sub).slug))

    assert response.status_code == 422
    assert "cannot be made for this subscription in its current state" in html(response)
    assert requests_made() == []


def test_the_htmx_form_swaps_its_errors_and_follows_success(member):
    user, sub, client = member()
    bad = client.post("/contact", data=form(user), headers={"HX-Request": "true"})
    assert bad.status_code == 422 and "<html" not in html(bad)
    good = client.post(
        "/contact", data=form(user, new_path=other_path(sub).slug), headers={"HX-Request": "true"}
    )
    assert good.headers["HX-Redirect"].endswith("/account/premium")


def test_in_french_the_choice_and_its_errors_are_in_french(member):
    user, _sub, client = member()
    user.locale = "fr"
    db.session.commit()
    headers = {"Accept-Language": "fr"}
    client.get("/contact", headers=headers)  # the member's language is applied at sign-in

    page = html(client.post("/contact", data=form(user), headers=headers))

    assert "Changer de parcours" in page
    assert "Le parcours vers lequel vous souhaitez passer" in page
    assert "Choisissez le parcours vers lequel vous souhaitez passer." in page
