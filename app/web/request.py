"""The request class of the site (Flask's `app.request_class`).

Query strings and URL paths are typed, pasted or forged by anyone: control characters
are taken out of every query value here, once, so that no search, filter or gateway
answer can carry a NUL byte to the database (PostgreSQL refuses them with an error).
Form answers are not touched: app.web.forms refuses them with a message by the field."""

from flask import Request as FlaskRequest
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import UnicodeConverter, ValidationError
from werkzeug.utils import cached_property

from app.domain.text import has_control_characters, without_control_characters


class Request(FlaskRequest):
    @cached_property
    def args(self) -> ImmutableMultiDict:
        raw = super().args
        return ImmutableMultiDict(
            (name, without_control_characters(value)) for name, value in raw.items(multi=True)
        )


class PathSegment(UnicodeConverter):
    """The default `<name>` of a route: a segment holding a control character matches
    no route (404), rather than reaching a lookup."""

    def to_python(self, value: str) -> str:
        if has_control_characters(value):
            raise ValidationError
        return value


def install(app) -> None:
    """Before any route is added: the converters are looked up as rules are compiled."""
    app.request_class = Request
    app.url_map.converters["default"] = PathSegment
    app.url_map.converters["string"] = PathSegment
