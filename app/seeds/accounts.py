"""The demo accounts `flask demo-data` creates (the README lists them)."""

from dataclasses import dataclass
from datetime import date

from app.models import Role
from app.services import accounts


@dataclass(frozen=True)
class DemoPerson:
    email: str
    name: str
    password: str
    role: Role
    age: int
    locale: str


PEOPLE = (
    DemoPerson(
        "learner@atelier.example", "Camille Martin", "demo-learner-2026", Role.LEARNER, 29, "fr"
    ),
    DemoPerson("minor@atelier.example", "Léo Bernard", "demo-minor-2026", Role.LEARNER, 17, "fr"),
    DemoPerson("mentor@atelier.example", "Sam Taylor", "demo-mentor-2026", Role.MENTOR, 41, "en"),
    DemoPerson("staff@atelier.example", "Nadia Haddad", "demo-staff-2026", Role.STAFF, 35, "en"),
)


def years_ago(years: int, today: date) -> date:
    return today.replace(year=today.year - years, day=min(today.day, 28))


def seed_accounts(today: date) -> tuple[DemoPerson, ...]:
    """Create the demo accounts that do not exist yet (existing ones are left alone)."""
    for person in PEOPLE:
        if accounts.find_by_email(person.email) is None:
            accounts.register(
                accounts.NewAccount(
                    person.name,
                    person.email,
                    person.password,
                    years_ago(person.age, today),
                    "FR",
                    False,
                    person.locale,
                ),
                role=person.role,
                verified=True,
            )
    return PEOPLE
