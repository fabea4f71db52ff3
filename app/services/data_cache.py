"""Query results kept as plain data under the catalog's version (Flask-Caching).

Each key names the catalog version, which every catalog change raises in its own
transaction (app.services.catalog.bump_version): a change makes every older entry
unreachable at once, so nothing is ever invalidated by hand and nothing read here is
stale. Values are plain data (dataclasses, lists and dicts of them), never ORM
instances, which belong to the session that loaded them; and only what is the same for
every visitor (the catalog), never anything personal.

The store is Flask-Caching's CACHE_TYPE: SimpleCache by default (each process its own,
which is enough: an entry is only ever a copy of what the database says), RedisCache
with CACHE_REDIS_URL to share one between gunicorn's workers and machines."""

import hashlib
import logging
from collections.abc import Callable
from typing import TypeVar

from app.extensions import cache
from app.web.http_caching import build_id

T = TypeVar("T")
log = logging.getLogger("atelier.cache")


def key_for(version: int, name: str, *parts: object) -> str:
    """The key of `name` for this catalog version and `parts` (the query, the language...:
    whatever the value depends on besides the catalog, with stable reprs). It names the
    build too: a store shared across a release (Redis) never hands a new release what an
    older one rendered or pickled."""
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"catalog:{build_id()}:{version}:{name}:{digest}"


def by_catalog_version(version: int, name: str, compute: Callable[[], T], *parts: object) -> T:
    """`compute()`'s value under key_for(version, name, *parts)."""
    key = key_for(version, name, *parts)
    try:
        found = cache.get(key)
    except Exception:  # a store that is down (Redis) slows pages, never fails them
        log.warning("data cache unavailable", exc_info=True)
        return compute()
    if found is None:
        found = compute()
        try:
            cache.set(key, found)
        except Exception:
            log.warning("data cache unavailable", exc_info=True)
    return found
