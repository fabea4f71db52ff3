"""Staff keep the half-yearly legal interest rates (Terms §3.2) and are warned when the
current half-year has none."""

from datetime import UTC, date, datetime

from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import InterestRate
from app.services.billing import rates
from tests.conftest import sign_in


def test_only_staff_reach_the_rates(app, client, make_user):
    assert client.get("/staff/interest-rates").status_code == 302
    member = make_user()
    sign_in(client, member.email, member.password)
    assert client.get("/staff/interest-rates").status_code == 403


def test_the_seeded_rates_are_listed_and_a_missing_half_year_is_warned(
    app, staff_client, monkeypatch
):
    """§3.2: H2 2026 is not published yet on 1 July 2026: staff see a warning."""
    rates.seed()
    db.session.commit()
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 6, 30, 10, tzinfo=UTC))
    html = staff_client.get("/staff/interest-rates").get_data(as_text=True)
    assert "2.62 %" in html and "2.76 %" in html and "3.71 %" in html
    assert "has no rate" not in html
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 7, 1, 10, tzinfo=UTC))
    html = staff_client.get("/staff/interest-rates").get_data(as_text=True)
    assert "The current half-year has no rate" in html
    assert "has no rate" in staff_client.get("/staff/").get_data(as_text=True)


def test_staff_enter_a_rate_and_bad_input_is_refused(app, staff_client, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 7, 1, 10, tzinfo=UTC))
    bad = staff_client.post(
        "/staff/interest-rates", data={"starts_on": "2026-07-01", "rate": "abc", "source": ""}
    )
    assert bad.status_code == 422
    assert "Enter a rate between 0 and 100" in bad.get_data(as_text=True)
    weird = staff_client.post(
        "/staff/interest-rates", data={"starts_on": "2026-03-01", "rate": "2", "source": ""}
    )
    assert weird.status_code == 422
    assert db.session.scalars(select(InterestRate)).all() == []
    done = staff_client.post(
        "/staff/interest-rates",
        data={"starts_on": "2026-07-01", "rate": "2,48", "source": "Arrêté, J.O."},
    )
    assert done.status_code == 302
    db.session.expire_all()
    [row] = db.session.scalars(select(InterestRate))
    assert (row.starts_on, row.rate_bp, row.source) == (date(2026, 7, 1), 248, "Arrêté, J.O.")
    assert rates.missing_now(date(2026, 7, 1)) is None
