"""Command-line tools: `flask users create`, `flask demo-data`, `flask orders purge`."""

from datetime import date

import click
from flask import Flask
from flask.cli import AppGroup

from app.catalog_seed import seed_catalog
from app.domain.errors import DomainError
from app.domain.orders import Cleanup
from app.domain.passwords import password_problem
from app.models import Role
from app.models.types import utcnow
from app.promotions_seed import seed_promotions
from app.services import accounts, legal_documents, order_cleanup

users_cli = AppGroup("users", help="Manage accounts.")
orders_cli = AppGroup("orders", help="Look after orders.")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.LEARNER.value)
@click.option("--born", "born", default="1990-01-01", help="Date of birth, YYYY-MM-DD.")
@click.option("--country", default="FR")
@click.option("--locale", type=click.Choice(["en", "fr"]), default="en")
def create_user(email, name, password, role, born, country, locale):
    """Create an account whose email is already verified."""
    problem = password_problem(password, email)
    if problem:
        raise click.BadParameter(f"password refused: {problem}", param_hint="--password")
    try:
        user = accounts.register(
            accounts.NewAccount(
                name, email, password, date.fromisoformat(born), country.upper(), False, locale
            ),
            role=Role(role),
            verified=True,
        )
    except DomainError as error:
        raise click.ClickException(str(error.message)) from error
    click.echo(f"Created {role} {user.email} (id {user.id}).")


def _years_ago(years: int, today: date) -> date:
    return today.replace(year=today.year - years, day=min(today.day, 28))


@click.command("demo-data")
def demo_data():
    """Create the demo accounts (again harmless: existing ones are left alone)."""
    today = date.today()
    people = [
        ("learner@atelier.example", "Camille Martin", "demo-learner-2026", Role.LEARNER, 29, "fr"),
        ("minor@atelier.example", "Léo Bernard", "demo-minor-2026", Role.LEARNER, 17, "fr"),
        ("mentor@atelier.example", "Sam Taylor", "demo-mentor-2026", Role.MENTOR, 41, "en"),
        ("staff@atelier.example", "Nadia Haddad", "demo-staff-2026", Role.STAFF, 35, "en"),
    ]
    click.echo("Demo accounts (email / password / role):")
    for email, name, password, role, age, locale in people:
        if accounts.find_by_email(email) is None:
            accounts.register(
                accounts.NewAccount(
                    name, email, password, _years_ago(age, today), "FR", False, locale
                ),
                role=role,
                verified=True,
            )
        click.echo(f"  {email:28} {password:20} {role.value}")
    click.echo("Staff and mentors set up two-factor sign-in at their first sign-in.")
    click.echo(f"Legal documents published: {len(legal_documents.seed())}.")
    click.echo(
        "Catalog: added {courses} courses, {paths} paths, {prices} prices, {rates} rates.".format(
            **seed_catalog(date.today())
        )
    )
    click.echo(f"Promo codes added: {seed_promotions(utcnow())}.")


@orders_cli.command("purge")
def purge_orders():
    """Delete or cancel the draft orders abandoned for 30 days (run it daily)."""
    done = order_cleanup.purge_abandoned(utcnow())
    click.echo(
        f"Abandoned draft orders: {done[Cleanup.DELETE]} deleted, "
        f"{done[Cleanup.CANCEL]} cancelled (a payment attempt or an acceptance is on record)."
    )


def register(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(orders_cli)
    app.cli.add_command(demo_data)
