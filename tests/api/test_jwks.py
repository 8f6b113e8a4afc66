"""``/{poolId}/.well-known/jwks.json`` and ``openid-configuration``; key rotation; the issuer setting."""

from __future__ import annotations

from typing import Any

import jwt as pyjwt
import pytest
from test_tokens_support import (
    PASSWORD,
    check_access,
    get_json,
    issue,
    jwks,
    make_client,
    make_user,
    unverified,
    verify,
)

from userpools import cli
from userpools.crypto import jwt
from userpools.testing import RunningServer, server


def test_jwks_shape(idp: Any, pool_id: str, live: RunningServer) -> None:
    keys = jwks(live, pool_id)["keys"]
    assert len(keys) == 2
    for key in keys:
        assert set(key) == {"alg", "e", "kid", "kty", "n", "use"}
        assert key["alg"] == "RS256" and key["kty"] == "RSA" and key["e"] == "AQAB" and key["use"] == "sig"
        assert pyjwt.PyJWK(key).key.key_size == 2048
    assert jwks(live, pool_id)["keys"] == keys  # created once, then stable


def test_jwks_serves_the_signing_kids(idp: Any, pool_id: str, live: RunningServer) -> None:
    make_user(idp, pool_id)
    result = issue(live, pool_id, make_client(idp, pool_id)["ClientId"])
    kids = {k["kid"] for k in jwks(live, pool_id)["keys"]}
    assert {pyjwt.get_unverified_header(result[t])["kid"] for t in ("IdToken", "AccessToken")} == kids


def test_unknown_pool_is_404(live: RunningServer) -> None:
    for path in ("jwks.json", "openid-configuration"):
        status, body = get_json(f"{live.url}/us-east-1_nothere00/.well-known/{path}")
        assert status == 404 and body["message"] == "User pool us-east-1_nothere00 does not exist."


def test_openid_configuration_without_domain(idp: Any, pool_id: str, live: RunningServer) -> None:
    status, config = get_json(f"{live.url}/{pool_id}/.well-known/openid-configuration")
    assert status == 200
    assert config["issuer"] == f"{live.url}/{pool_id}"
    assert config["jwks_uri"] == f"{live.url}/{pool_id}/.well-known/jwks.json"
    assert config["id_token_signing_alg_values_supported"] == ["RS256"]
    assert config["subject_types_supported"] == ["public"]
    assert "authorization_endpoint" not in config and "token_endpoint" not in config
    make_user(idp, pool_id)
    token = issue(live, pool_id, make_client(idp, pool_id)["ClientId"])["IdToken"]
    assert unverified(token)["iss"] == config["issuer"]


def test_openid_configuration_with_domain(idp: Any, pool_id: str, live: RunningServer) -> None:
    prefix = f"tok-{pool_id.split('_')[1].lower()}"
    idp.create_user_pool_domain(UserPoolId=pool_id, Domain=prefix)
    try:
        _, config = get_json(f"{live.url}/{pool_id}/.well-known/openid-configuration")
        # URLs that reach this server: the path prefix, as *.amazoncognito.com can't (tests/oauth2 covers
        # a base host of one's own and custom domains).
        base = f"{live.url}/domain/{prefix}"
        assert config["authorization_endpoint"] == f"{base}/oauth2/authorize"
        assert config["token_endpoint"] == f"{base}/oauth2/token"
        assert config["userinfo_endpoint"] == f"{base}/oauth2/userInfo"
        assert config["end_session_endpoint"] == f"{base}/logout"
    finally:
        idp.delete_user_pool_domain(UserPoolId=pool_id, Domain=prefix)


def test_rotation_keeps_old_tokens_valid(idp: Any, pool_id: str, live: RunningServer) -> None:
    make_user(idp, pool_id)
    client_id = make_client(idp, pool_id)["ClientId"]
    before = issue(live, pool_id, client_id)
    old_kids = {k["kid"] for k in jwks(live, pool_id)["keys"]}
    store = ["--db", live.settings.db] if live.settings.db else []
    assert cli.main(["keys", "rotate", pool_id, "--data-dir", str(live.settings.data_dir), *store]) == 0
    keys = jwks(live, pool_id)["keys"]
    assert len(keys) == 4 and old_kids < {k["kid"] for k in keys}
    after = issue(live, pool_id, client_id)
    new_kid = pyjwt.get_unverified_header(after["AccessToken"])["kid"]
    assert new_kid not in old_kids and keys[0]["kid"] in {
        new_kid,
        pyjwt.get_unverified_header(after["IdToken"])["kid"],
    }
    for result in (before, after):
        verify(live, pool_id, result["IdToken"])
        verify(live, pool_id, result["AccessToken"])
        assert check_access(live, result["AccessToken"]).user.username == "alice"


def test_rotate_refuses_unknown_pool_and_missing_master_key(live: RunningServer, tmp_path: Any) -> None:
    assert cli.main(["keys", "rotate", "us-east-1_nothere00", "--data-dir", str(live.settings.data_dir)]) == 1
    assert cli.main(["keys", "rotate", "us-east-1_nothere00", "--data-dir", str(tmp_path)]) == 2


def test_aws_issuer_setting() -> None:
    with server(issuer="aws") as srv:
        idp = srv.client()
        pool_id = idp.create_user_pool(PoolName="aws-issuer")["UserPool"]["Id"]
        make_user(idp, pool_id)
        result = issue(srv, pool_id, make_client(idp, pool_id)["ClientId"])
        expected = f"https://cognito-idp.us-east-1.amazonaws.com/{pool_id}"
        _, config = get_json(f"{srv.url}/{pool_id}/.well-known/openid-configuration")
        assert config["issuer"] == expected and config["jwks_uri"].startswith(srv.url)
        assert verify(srv, pool_id, result["IdToken"])["iss"] == expected
        assert check_access(srv, result["AccessToken"]).user.username == "alice"


def test_pycognito_verifies_tokens(idp: Any, pool_id: str, live: RunningServer) -> None:
    from pycognito import Cognito, TokenVerificationException

    make_user(idp, pool_id)
    client_id = make_client(idp, pool_id)["ClientId"]
    result = issue(live, pool_id, client_id)
    user = Cognito(
        pool_id,
        client_id,
        id_token=result["IdToken"],
        access_token=result["AccessToken"],
        boto3_client_kwargs={"endpoint_url": live.url},
    )
    user.verify_tokens()
    assert user.id_claims["cognito:username"] == "alice" and user.access_claims["username"] == "alice"
    stranger = Cognito(pool_id, "another-client", boto3_client_kwargs={"endpoint_url": live.url})
    with pytest.raises(TokenVerificationException):
        stranger.verify_token(result["IdToken"], "id_token", "id")


@pytest.mark.parametrize("signing", ["thread", "loop", "process"])
def test_tokens_signed_on_each_place_verify(signing: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """USERPOOLS_SIGNING: tokens of a real sign-in verify against the JWKS whether signed on a worker
    thread, on the event loop or by the signing child process (auth/signing.py)."""
    here: list[str] = []  # signatures made in this (the server's) process
    real_sign = jwt.sign

    def counted(claims: dict[str, Any], key: Any, kid: str) -> str:
        here.append(kid)
        return real_sign(claims, key, kid)

    monkeypatch.setattr(jwt, "sign", counted)
    with server(signing=signing) as srv:
        idp = srv.client()
        pool_id = idp.create_user_pool(PoolName=f"signing-{signing}")["UserPool"]["Id"]
        make_user(idp, pool_id)
        client_id = make_client(idp, pool_id, ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"])["ClientId"]
        place = srv.app.state.services.signing
        assert place.on_thread is (signing == "thread")
        assert (place.process is not None) is (signing == "process")
        for _ in range(3):
            result = idp.initiate_auth(
                ClientId=client_id,
                AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD},
            )["AuthenticationResult"]
            assert verify(srv, pool_id, result["IdToken"])["cognito:username"] == "alice"
            assert check_access(srv, result["AccessToken"]).user.username == "alice"
        if place.process is not None:  # the child made them, and is still there to make more
            assert place.process.pid is not None and not place.process.gone
        assert len(here) == (0 if signing == "process" else 6)
