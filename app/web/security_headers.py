"""Flask-Talisman, with the headers it adds worked out once instead of on every response.

Talisman rebuilds the same strings for every response (the Content-Security-Policy
joined again from its parts, each view's options merged again with the defaults). They
only depend on the view (its own @talisman(...) options) and on whether the request
came over HTTPS (HSTS), so they are built the first time a view is answered over each
scheme and copied onto later responses: the same headers, with the same values, as
Talisman's own code puts there (it builds them). A policy with a per-request nonce is
never cached."""

from flask import Response, current_app, request
from flask_talisman import Talisman


class CachedTalisman(Talisman):
    def init_app(self, app, **kwargs):
        super().init_app(app, **kwargs)
        # Per application (the test suite creates many with different settings).
        app.extensions["talisman_options"] = {}
        app.extensions["talisman_headers"] = {}

    def _get_local_options(self):
        # The merged options of a view never change once the app serves requests.
        cache = current_app.extensions["talisman_options"]
        endpoint = request.endpoint
        options = cache.get(endpoint)
        if options is None:
            options = cache[endpoint] = super()._get_local_options()
        return options

    def _set_response_headers(self, response):
        if self._get_local_options()["content_security_policy_nonce_in"]:
            return super()._set_response_headers(response)
        secure = request.is_secure or request.headers.get("X-Forwarded-Proto", "http") == "https"
        cache = current_app.extensions["talisman_headers"]
        key = (request.endpoint, secure)
        headers = cache.get(key)
        if headers is None:
            probe = Response()
            probe.headers.clear()
            super()._set_response_headers(probe)
            headers = cache[key] = tuple(probe.headers.items())
        for name, value in headers:
            response.headers[name] = value
        return response
