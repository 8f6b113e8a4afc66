"""The one error federation raises for what an upstream provider did (or failed to do)."""

from __future__ import annotations


class FederationError(Exception):
    """Sign-in through an external provider failed.

    ``error`` is the OAuth 2.0 error code the hosted UI sends back to the app's redirect URI
    (``invalid_request`` for a bad or forged upstream answer, ``server_error`` for an unreachable
    provider, ``access_denied`` when the user or provider refused); the message is the description.
    """

    def __init__(self, message: str, error: str = "invalid_request") -> None:
        super().__init__(message)
        self.error = error
