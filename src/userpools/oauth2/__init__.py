"""OAuth 2.0 / OpenID Connect of a pool domain: the rules, without any web framework.

https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-userpools-server-contract-reference.html
``web.hosted`` reads HTTP and calls these in one unit of work each:

- ``sites``: which domain a Host or path names, and the URLs reported for it; ``discovery``: the OIDC
  discovery document.
- ``authorize``: validating ``/oauth2/authorize`` (no open redirects), deciding between a code or
  tokens, the sign-in page and an external provider (``providers``: the federation hook); ``codes``:
  authorization codes (single use, hashed, PKCE via ``pkce``); ``scopes``: what can be granted.
- ``token``: the token endpoint's grants (``client_auth`` authenticates clients, ``machine`` mints
  client_credentials tokens); ``userinfo``, ``revoke``, ``logout``.
- ``session``: the hosted session cookie and CSRF tokens; ``signin``: signing in on the hosted pages with
  the API's own machinery (``auth.gate.Caller.hosted``).
- ``errors``: RFC 6749 errors, and ``PageError`` for what must never redirect.

How a new hosted step (sign-up, MFA, ...) or federation plugs in: docs/hosted-ui.md.
"""
