"""The only Starlette code: the JSON API endpoint and (later) OAuth2/OIDC routes and hosted pages."""
