"""``userpools master-key rotate``: every stored sealed secret (signing keys, client secrets, TOTP
secrets) re-sealed under a new master key in one transaction; codes and values sealed before still open
under the previous key."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pyotp
from nodes_support import USERPOOLS, Node, node_env, outbox_code
from test_auth_support import (
    PASSWORD,
    error_of,
    make_client,
    make_pool,
    make_user,
    password_auth,
    secret_hash,
)


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(USERPOOLS), *args], check=False, env=env, capture_output=True, text=True, timeout=60
    )


def test_rotate_with_previous_key(tmp_path: Path) -> None:
    db = str(tmp_path / "store.db")
    env = node_env(tmp_path)
    old_key = env["USERPOOLS_MASTER_KEY"]
    node = Node(db, tmp_path, env)
    node.start()
    node.wait_ready()
    idp = node.client()
    pool_id = make_pool(idp, AutoVerifiedAttributes=["email"])
    idp.set_user_pool_mfa_config(
        UserPoolId=pool_id, SoftwareTokenMfaConfiguration={"Enabled": True}, MfaConfiguration="OPTIONAL"
    )
    client_id = make_client(idp, pool_id)["ClientId"]
    secret_client = make_client(idp, pool_id, GenerateSecret=True)
    make_user(idp, pool_id, "tess")
    access = password_auth(idp, client_id, "tess")["AuthenticationResult"]["AccessToken"]
    totp = pyotp.TOTP(idp.associate_software_token(AccessToken=access)["SecretCode"])
    idp.verify_software_token(AccessToken=access, UserCode=totp.now())
    idp.set_user_mfa_preference(
        AccessToken=access, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True}
    )
    idp.sign_up(ClientId=client_id, Username="sam", Password=PASSWORD, UserAttributes=[
        {"Name": "email", "Value": "sam@example.com"}])  # fmt: skip
    code = outbox_code(tmp_path, "sam")  # its digest is keyed by the old master key
    node.stop()

    # The documented procedure: every node runs with the new key, the old one as previous ...
    new_key = _cli("master-key", "generate", env=env).stdout.strip()
    rotating = {**env, "USERPOOLS_MASTER_KEY": new_key, "USERPOOLS_MASTER_KEY_PREVIOUS": old_key}
    node.env = rotating
    node.start()
    node.wait_ready()
    idp = node.client()
    idp.confirm_sign_up(ClientId=client_id, Username="sam", ConfirmationCode=code)  # sent under the old key
    # ... then the stored secrets are re-sealed, the nodes running.
    _rotate_refusals(db, env)
    done = _cli("master-key", "rotate", "--db", db, env=rotating)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "re-sealed 2 signing keys, 1 client secrets and 1 TOTP secrets"
    node.stop()

    node.env = {**env, "USERPOOLS_MASTER_KEY": new_key}  # the old key is gone for good
    node.start()
    try:
        node.wait_ready()
        idp = node.client()
        assert "AccessToken" in password_auth(idp, client_id, "sam")["AuthenticationResult"]
        # The app client's secret, re-sealed, still checks SECRET_HASH.
        hashed = secret_hash(secret_client["ClientSecret"], "sam", secret_client["ClientId"])
        signed_in = password_auth(idp, secret_client["ClientId"], "sam", SECRET_HASH=hashed)
        assert "AccessToken" in signed_in["AuthenticationResult"]
        challenge = password_auth(idp, client_id, "tess")
        assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
        done_mfa = idp.respond_to_auth_challenge(
            ClientId=client_id, ChallengeName="SOFTWARE_TOKEN_MFA", Session=challenge["Session"],
            ChallengeResponses={"USERNAME": "tess", "SOFTWARE_TOKEN_MFA_CODE": totp.at(time.time() + 30)},
        )  # fmt: skip
        assert "AccessToken" in done_mfa["AuthenticationResult"]
    finally:
        node.stop()


def _rotate_refusals(db: str, env: dict[str, str]) -> None:
    new_key = _cli("master-key", "generate", env=env).stdout.strip()
    assert len(new_key) == 44 and new_key != env["USERPOOLS_MASTER_KEY"]
    rotating = {**env, "USERPOOLS_MASTER_KEY": new_key}
    refused = _cli("master-key", "rotate", "--db", db, env=rotating)
    assert refused.returncode == 1 and "no previous master key" in refused.stderr
    wrong = _cli(
        "master-key", "rotate", "--db", db, env={**rotating, "USERPOOLS_MASTER_KEY_PREVIOUS": new_key}
    )
    assert wrong.returncode == 1 and "open under none of the configured master keys" in wrong.stderr
    assert "nothing was changed" in wrong.stderr


def test_rotate_the_key_file(tmp_path: Path) -> None:
    env = {k: v for k, v in node_env(tmp_path).items() if k != "USERPOOLS_MASTER_KEY"}
    node = Node(str(tmp_path / "store.db"), tmp_path, env)
    node.start()
    node.wait_ready()
    idp = node.client()
    pool_id = make_pool(idp)
    client_id = make_client(idp, pool_id)["ClientId"]
    make_user(idp, pool_id, "kim")
    token = password_auth(idp, client_id, "kim")["AuthenticationResult"]["AccessToken"]
    node.stop()
    old = (tmp_path / "master.key").read_text()

    done = _cli(
        "master-key", "rotate", "--replace-file", "--db", node.db, "--data-dir", str(tmp_path), env=env
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "master.key").read_text() != old
    assert (tmp_path / "master.key.previous").read_text() == old
    (tmp_path / "master.key.previous").unlink()  # every stored secret is sealed under the new key alone

    node.start()
    try:
        node.wait_ready()
        idp = node.client()
        assert idp.get_user(AccessToken=token)["Username"] == "kim"  # public keys did not change
        assert "AccessToken" in password_auth(idp, client_id, "kim")["AuthenticationResult"]
        assert error_of(idp.get_user, AccessToken="x.y.z")[0] == "NotAuthorizedException"
    finally:
        node.stop()
