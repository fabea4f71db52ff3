"""Absolute links to the site, for emails and payment gateways.

Built on the configured public address (PUBLIC_URL), never on the request: the Host
header (or X-Forwarded-Host) is the visitor's to choose, and a reset link built from it
would send the token to whoever forged it."""

from urllib.parse import urlsplit

from flask import current_app


def public_url(endpoint: str, **values) -> str:
    base = urlsplit(current_app.config["PUBLIC_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme
    )
    return adapter.build(endpoint, values, force_external=True)


def public_host() -> str:
    """The host name PUBLIC_URL names, as TRUSTED_HOSTS takes it."""
    return urlsplit(current_app.config["PUBLIC_URL"]).hostname or ""
