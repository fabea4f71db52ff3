"""The date of birth is three labelled boxes, day, month and year (the GOV.UK date
input), wherever it is asked (issue 12, point 7): no browser date picker whose order
contradicts the hint, and an error that names the box it is about, in both languages."""

import re

import lxml.html
import pytest

from app.extensions import db
from app.models import User
from tests.support.forms import typed_date

REGISTER = {
    "name": "Camille Martin",
    "email": "camille@example.org",
    "password": "correct horse battery",
    "country": "FR",
    "legal_protection": "no",
}


def boxes(html: str) -> dict:
    page = lxml.html.fromstring(html)
    (group,) = page.xpath('//fieldset[@id="date_of_birth"]')
    return {
        "group": group,
        "legend": group.xpath("./legend")[0].text_content().strip(),
        "labels": [label.text_content().strip() for label in group.xpath(".//label")],
        "inputs": {i.get("name"): i for i in group.xpath(".//input")},
        "summary": [a.get("href") for a in page.xpath('//*[@class="error-summary"]//a')],
    }


@pytest.mark.parametrize(
    ("language", "legend", "labels", "hint"),
    [
        ("en", "Date of birth", ["Day", "Month", "Year"], "For example 27 3 2007."),
        ("fr", "Date de naissance", ["Jour", "Mois", "Année"], "Par exemple 27 3 2007."),
    ],
)
@pytest.mark.parametrize("address", ["/register", "/account/profile"])
def test_three_labelled_boxes_under_one_legend(
    client, make_user, address, language, legend, labels, hint
):
    if address != "/register":
        user = make_user()
        client.post("/signin", data={"email": user.email, "password": user.password})
        user.locale = language
        db.session.commit()
    html = client.get(address, headers={"Accept-Language": language}).get_data(as_text=True)
    found = boxes(html)
    assert (found["legend"], found["labels"]) == (legend, labels)
    assert found["group"].get("role") == "group"
    assert hint in found["group"].text_content()
    assert 'type="date"' not in html  # the picker whose order said mm/dd/yyyy
    for part in ("day", "month", "year"):
        box = found["inputs"][f"date_of_birth-{part}"]
        assert box.get("id") == f"date_of_birth-{part}"
        assert (box.get("inputmode"), box.get("autocomplete")) == ("numeric", f"bday-{part}")


@pytest.mark.parametrize(
    ("typed", "language", "message", "marked"),
    [
        (("27", "", "2007"), "en", "Date of birth must include a month.", ["month"]),
        (("", "", "2007"), "en", "Date of birth must include a day and a month.", ["day", "month"]),
        (("32", "3", "2007"), "en", "The day of your date of birth must be a number", ["day"]),
        (("27", "13", "2007"), "en", "The month of your date of birth must be", ["month"]),
        (("27", "3", "07"), "en", "The year of your date of birth must have 4 digits", ["year"]),
        (("30", "2", "2007"), "en", "Date of birth must be a real date", ["day", "month", "year"]),
        (("", "", ""), "en", "Enter your date of birth.", ["day", "month", "year"]),
        (("27", "", "2007"), "fr", "La date de naissance doit comporter un mois.", ["month"]),
        (("27", "3", "07"), "fr", "L'année de votre date de naissance doit comporter", ["year"]),
        (("32", "3", "2007"), "fr", "Le jour de votre date de naissance doit être", ["day"]),
    ],
)
def test_the_error_names_the_box_and_marks_only_it(client, typed, language, message, marked):
    response = client.post(
        "/register",
        data={**REGISTER, **typed_date(*typed)},
        headers={"Accept-Language": language},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    found = boxes(html)
    error = found["group"].xpath('.//*[@id="date_of_birth-error"]')[0].text_content()
    assert message in error
    assert "date_of_birth-error" in found["group"].get("aria-describedby")
    wrong = [
        name[len("date_of_birth-") :]
        for name, box in found["inputs"].items()
        if box.get("aria-invalid")
    ]
    assert wrong == marked
    # The summary's link takes the keyboard to the first box in error.
    assert f"#date_of_birth-{marked[0]}" in found["summary"]
    # What was typed comes back, box by box.
    for part, value in zip(("day", "month", "year"), typed, strict=True):
        assert found["inputs"][f"date_of_birth-{part}"].get("value") == value
    assert db.session.query(User).count() == 0


@pytest.mark.parametrize("month", ["3", "03", "March", "mars", "Mar."])
def test_the_month_may_be_typed_as_a_number_or_a_name(client, month):
    response = client.post("/register", data={**REGISTER, **typed_date("27", month, "1990")})
    assert response.status_code == 302, re.findall(
        r'field-error">(.*?)</p>', response.get_data(as_text=True)
    )
    assert db.session.query(User).one().date_of_birth.isoformat() == "1990-03-27"


def test_the_profile_shows_the_saved_date_in_its_boxes(client, make_user):
    user = make_user()
    client.post("/signin", data={"email": user.email, "password": user.password})
    found = boxes(client.get("/account/profile").get_data(as_text=True))
    born = user.date_of_birth
    shown = {name: box.get("value") for name, box in found["inputs"].items()}
    assert shown == {
        "date_of_birth-day": str(born.day),
        "date_of_birth-month": str(born.month),
        "date_of_birth-year": str(born.year),
    }
