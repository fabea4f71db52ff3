"""Extensions, created unbound and initialised in the application factory."""

from flask import request
from flask_babel import Babel
from flask_caching import Cache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address)
talisman = Talisman()
cache = Cache()


@event.listens_for(Engine, "savepoint")
def _sqlite_savepoint_inside_a_transaction(connection, _name) -> None:
    """Python's sqlite3 opens a transaction only before a write, so a SAVEPOINT taken
    after reads alone would be the outermost one, and releasing it would commit. Open
    the transaction first, so that a savepoint is always part of the request's."""
    sqlite = connection.dialect.name == "sqlite"
    if sqlite and not connection.connection.dbapi_connection.in_transaction:
        connection.exec_driver_sql("BEGIN")


READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@limiter.request_filter
def reads_are_not_limited() -> bool:
    """Every limit here guards a form POST (sign-in, registration, reset, contact, launch
    watch; a test checks it): no page read has one, yet Flask-Limiter would look them up
    for every page. Should default or application-wide limits ever be set, reads are
    checked again."""
    manager = limiter.limit_manager
    return (
        request.method in READ_METHODS
        and not manager.default_limits
        and not manager.application_limits
    )
