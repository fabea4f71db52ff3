"""Command-line tools: `flask users create`, `flask demo-data`, `flask orders purge`,
`flask legal seed`, `flask mail deliver`, `flask billing run`, `flask forum digest`.
Each command is one transaction: committed when it ends, rolled back if it fails; mail
delivery alone runs its own short transactions, around (never across) its exchanges
with the mail server."""

from datetime import UTC, date, datetime
from functools import wraps

import click
from flask import Flask
from flask.cli import AppGroup

from app import clock
from app.domain.errors import DomainError
from app.domain.orders import Cleanup
from app.domain.passwords import password_problem
from app.extensions import db
from app.models import Role
from app.seeds.accounts import seed_accounts
from app.seeds.assignments import seed_peer_work
from app.seeds.catalog import seed_catalog
from app.seeds.forum import seed_forum
from app.seeds.learning import seed_demo_learner
from app.seeds.promotions import seed_promotions
from app.services import accounts, legal_documents, mail_delivery, order_cleanup

users_cli = AppGroup("users", help="Manage accounts.")
orders_cli = AppGroup("orders", help="Look after orders.")
# Production has no demo data: `flask legal seed` publishes version 1 of the Terms and
# the Code of Conduct (`flask demo-data` calls the same function).
legal_cli = AppGroup("legal", help="Legal documents.")
mail_cli = AppGroup("mail", help="Outgoing email.")
billing_cli = AppGroup("billing", help="Renewals, unpaid renewals and the rest of billing.")
forum_cli = AppGroup("forum", help="The forum's scheduled jobs.")


def one_transaction(command):
    """Commit what the command did when it returns; roll back if it raises."""

    @wraps(command)
    def wrapper(*args, **kwargs):
        try:
            result = command(*args, **kwargs)
        except BaseException:
            db.session.rollback()
            raise
        db.session.commit()
        return result

    return wrapper


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.LEARNER.value)
@click.option("--born", "born", default="1990-01-01", help="Date of birth, YYYY-MM-DD.")
@click.option("--country", default="FR")
@click.option("--locale", type=click.Choice(["en", "fr"]), default="en")
@one_transaction
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


@click.command("demo-data")
@one_transaction
def demo_data():
    """Create the demo accounts, documents, catalog and codes (again harmless: what
    exists is left alone)."""
    today = clock.today()
    click.echo("Demo accounts (email / password / role):")
    for person in seed_accounts(today):
        click.echo(f"  {person.email:28} {person.password:20} {person.role.value}")
    click.echo("Staff and mentors set up two-factor sign-in at their first sign-in.")
    click.echo(f"Legal documents published: {len(legal_documents.seed())}.")
    click.echo(
        "Catalog: added {courses} courses, {paths} paths, {prices} prices, {rates} rates, "
        "{quizzes} quizzes, {assignments} assignments.".format(**seed_catalog(today))
    )
    click.echo(f"Promo codes added: {seed_promotions(clock.now())}.")
    email, _name, password = seed_demo_learner(today, clock.now())
    seed_peer_work(today, clock.now())
    click.echo(f"Premium Solo learner, one quiz away from a certificate: {email} / {password}.")
    click.echo(f"Forum categories added: {seed_forum()}.")


@orders_cli.command("purge")
@one_transaction
def purge_orders():
    """Delete or cancel the draft orders abandoned for 30 days (run it daily)."""
    done = order_cleanup.purge_abandoned(clock.now())
    click.echo(
        f"Abandoned draft orders: {done[Cleanup.DELETE]} deleted, "
        f"{done[Cleanup.CANCEL]} cancelled (a payment attempt or an acceptance is on record)."
    )


@legal_cli.command("seed")
@one_transaction
def seed_documents():
    """Publish version 1 of each legal document that has no version yet."""
    created = legal_documents.seed()
    click.echo(f"Legal documents published: {len(created)}.")


@mail_cli.command("deliver")
def deliver_mail():
    """Send the queued emails that are due, and retry those whose time has come (run it
    every minute; several at once are safe)."""
    # Not one_transaction: each claim and each outcome commits on its own, so that no
    # transaction stays open while the mail server answers.
    counts = mail_delivery.deliver()
    click.echo(
        f"Mail: {counts.sent} sent, {counts.retried} to retry later, "
        f"{counts.failed} failed after the last attempt."
    )


def parse_now(text: str | None) -> datetime | None:
    """--now: an ISO date-time; without an offset, in the platform's time zone."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        raise click.BadParameter(
            "use an ISO date-time, like 2026-03-01T09:00", param_hint="--now"
        ) from error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=clock.zone())
    return moment.astimezone(UTC)


@billing_cli.command("run")
@click.option("--now", "now_text", help="Run as if it were this moment (a demo's time travel).")
@one_transaction
def billing_run(now_text):
    """Do everything billing has due: lost answers, reflection ends, renewals, retries,
    terminations, interest and fees, ended cancellations, then mail (run it hourly;
    several at once are safe). The summary names what failed. Its steps commit their
    own short transactions (never one across a gateway call); one_transaction commits
    what is left."""
    from app.services import billing

    moment = parse_now(now_text)
    real_now = clock.now
    if moment is not None:
        # Everything that asks the clock (column defaults included) sees the same moment.
        clock.now = lambda: moment
    try:
        summary = billing.run(clock.now())
    finally:
        clock.now = real_now
    for line in summary.lines():
        click.echo(line)


@forum_cli.command("digest")
@click.option("--now", "now_text", help="Run as if it were this moment (a demo's time travel).")
@one_transaction
def forum_digest(now_text):
    """Queue the daily digest of new replies and mentions to each member who chose it
    (run it once a day; a second run sends nothing new). `flask mail deliver` sends."""
    from app.services import forum_digest

    moment = parse_now(now_text) or clock.now()
    click.echo(f"Forum digest: {forum_digest.send(moment)} emails queued.")


def register(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(legal_cli)
    app.cli.add_command(orders_cli)
    app.cli.add_command(mail_cli)
    app.cli.add_command(billing_cli)
    app.cli.add_command(forum_cli)
    app.cli.add_command(demo_data)
