"""Fixtures the PayPal integration tests share."""

import pytest
import responses

from tests.support.paypal import API, SETTINGS, recorded


@pytest.fixture
def paypal(app):
    """The real PayPal gateway, configured, against PayPal as recorded (`responses`):
    the OAuth token is answered; a test adds the answers it needs; any other request fails
    like a dropped connection, so nothing leaves the machine. A module extends it by
    asking for `paypal` in a fixture of the same name."""
    app.config.update(SETTINGS)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(responses.POST, f"{API}/v1/oauth2/token", json=recorded("oauth_token"))
        yield mock
