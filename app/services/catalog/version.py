"""The catalog's version: one counter raised in the transaction of every catalog change,
which public pages put in their ETag and the data cache in its keys."""

from flask import g, has_request_context
from sqlalchemy import update

from app.extensions import db
from app.models import (
    CatalogState,
)

# --- the catalog version (for HTTP caching) -------------------------------------------


_VERSION_SQL = "SELECT version FROM catalog_state WHERE id = 1"


def catalog_version() -> int:
    """The catalog's version, raised in the transaction of every catalog change: public
    catalog pages put it in their ETag (app.web.http_caching) and the data cache in its
    keys (app.services.data_cache). Read once per request, which both ask."""
    if has_request_context() and "catalog_version" in g:
        return g.catalog_version
    version = db.session.connection().exec_driver_sql(_VERSION_SQL).scalar() or 0
    if has_request_context():
        g.catalog_version = version
    return version


def bump_version() -> None:
    """Called in the transaction of every catalog change."""
    if has_request_context():
        g.pop("catalog_version", None)
    changed = db.session.execute(
        update(CatalogState).where(CatalogState.id == 1).values(version=CatalogState.version + 1)
    ).rowcount
    if not changed:
        db.session.add(CatalogState(id=1, version=2))
        db.session.flush()
