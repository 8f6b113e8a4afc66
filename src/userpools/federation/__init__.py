"""Sign-in through external identity providers (federation), the building blocks of issue 5 §4.

- ``oidc``: the relying party for OIDC providers and the social ones (Google, Facebook, Login with Amazon,
  Sign in with Apple), which go through the same authorization-code machinery (``endpoints``, ``social``).
- ``saml``: the SAML 2.0 service provider (``saml_metadata``, ``saml_request``, ``saml_response``).
- ``users``: what follows either protocol: attribute mapping, linked users, the ``<Provider>_<id>`` user
  in status EXTERNAL_PROVIDER and its triggers.

The web routes (``/oauth2/authorize``, ``/oauth2/idpresponse``, ``/saml2/idpresponse``) call these; nothing
here knows about HTTP requests coming in.
"""
