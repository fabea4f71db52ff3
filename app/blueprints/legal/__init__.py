import click
from flask import Blueprint

from app.services import legal_documents

# `flask legal seed` publishes version 1 of the Terms and the Code of Conduct (production
# has no demo data; `flask demo-data` calls the same function).
bp = Blueprint("legal", __name__, cli_group="legal")

from app.blueprints.legal import views  # noqa: E402, F401


@bp.cli.command("seed")
def seed_documents():
    """Publish version 1 of each legal document that has no version yet."""
    created = legal_documents.seed()
    click.echo(f"Legal documents published: {len(created)}.")
