"""Three ``userpools serve`` nodes on one PostgreSQL database, driven round-robin: every flow works when
each of its calls lands on another node (docs/deployment.md)."""

from __future__ import annotations

import subprocess
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import jwt
import pyotp
import pytest
from botocore.exceptions import ClientError
from nodes_support import USERPOOLS, Node, RoundRobin, cluster, fresh_pg, node_env, outbox_code, restart
from oauth_support import CALLBACK, App, Browser, add_user, exchange, query_of
from test_auth_support import (
    PASSWORD,
    Srp,
    claims,
    error_of,
    make_client,
    make_pool,
    make_user,
    password_auth,
)
from test_devices_support import Setup


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    with fresh_pg("nodes") as url:
        yield url


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("nodes")


@pytest.fixture(scope="module")
def nodes(pg_url: str, data_dir: Path) -> Iterator[list[Node]]:
    with cluster(pg_url, data_dir, 3, USERPOOLS_QUOTAS="on") as started:
        yield started


@pytest.fixture
def rr(nodes: list[Node]) -> RoundRobin:
    return RoundRobin(nodes)


def test_sign_up_confirm_and_password_sign_in(rr: RoundRobin, data_dir: Path) -> None:
    pool_id = make_pool(rr, AutoVerifiedAttributes=["email"])
    client_id = make_client(rr, pool_id)["ClientId"]
    rr.sign_up(ClientId=client_id, Username="sam", Password=PASSWORD, UserAttributes=[
        {"Name": "email", "Value": "sam@example.com"}])  # fmt: skip
    rr.confirm_sign_up(ClientId=client_id, Username="sam", ConfirmationCode=outbox_code(data_dir, "sam"))
    result = password_auth(rr, client_id, "sam")["AuthenticationResult"]
    user = rr.get_user(AccessToken=result["AccessToken"])
    assert user["Username"] == "sam"
    assert len(set(rr.served)) == 3


def test_srp_new_password_and_refresh(rr: RoundRobin) -> None:
    pool_id = make_pool(rr)
    client_id = make_client(rr, pool_id)["ClientId"]
    make_user(rr, pool_id, "alice")
    srp = Srp(rr, pool_id, client_id, "alice")
    tokens = srp.respond(srp.initiate())["AuthenticationResult"]  # the two calls on two nodes
    assert claims(tokens["IdToken"])["cognito:username"] == "alice"
    refreshed = rr.initiate_auth(
        ClientId=client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]},
    )["AuthenticationResult"]
    assert claims(refreshed["AccessToken"])["username"] == "alice"

    rr.admin_create_user(
        UserPoolId=pool_id, Username="bob", TemporaryPassword="Temp-Passw0rd!", MessageAction="SUPPRESS"
    )
    challenge = password_auth(rr, client_id, "bob", "Temp-Passw0rd!")
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    done = rr.respond_to_auth_challenge(
        ClientId=client_id, ChallengeName="NEW_PASSWORD_REQUIRED", Session=challenge["Session"],
        ChallengeResponses={"USERNAME": "bob", "NEW_PASSWORD": PASSWORD},
    )  # fmt: skip
    assert "AccessToken" in done["AuthenticationResult"]
    assert rr.admin_get_user(UserPoolId=pool_id, Username="bob")["UserStatus"] == "CONFIRMED"


def test_totp_mfa_set_up_and_sign_in(rr: RoundRobin) -> None:
    pool_id = make_pool(rr)
    rr.set_user_pool_mfa_config(
        UserPoolId=pool_id, SoftwareTokenMfaConfiguration={"Enabled": True}, MfaConfiguration="OPTIONAL"
    )
    client_id = make_client(rr, pool_id)["ClientId"]
    make_user(rr, pool_id, "tess")
    access = password_auth(rr, client_id, "tess")["AuthenticationResult"]["AccessToken"]
    totp = pyotp.TOTP(rr.associate_software_token(AccessToken=access)["SecretCode"])
    assert rr.verify_software_token(AccessToken=access, UserCode=totp.now())["Status"] == "SUCCESS"
    rr.set_user_mfa_preference(
        AccessToken=access, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True}
    )
    challenge = password_auth(rr, client_id, "tess")
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    # The next step's code: the current one was spent verifying the secret.
    done = rr.respond_to_auth_challenge(
        ClientId=client_id, ChallengeName="SOFTWARE_TOKEN_MFA", Session=challenge["Session"],
        ChallengeResponses={"USERNAME": "tess", "SOFTWARE_TOKEN_MFA_CODE": totp.at(time.time() + 30)},
    )  # fmt: skip
    assert claims(done["AuthenticationResult"]["AccessToken"])["username"] == "tess"


def test_remembered_device_srp(rr: RoundRobin) -> None:
    setup = Setup(rr)  # type: ignore[arg-type]
    device, _ = setup.new_device()  # confirmed on one node; remembered (the pool remembers every device)
    result = setup.device_sign_in(device)["AuthenticationResult"]  # five calls over the three nodes
    assert claims(result["AccessToken"])["device_key"] == device.key
    assert (
        rr.get_device(AccessToken=result["AccessToken"], DeviceKey=device.key)["Device"]["DeviceKey"]
        == device.key
    )


def test_global_sign_out_revokes_on_every_node(rr: RoundRobin, nodes: list[Node]) -> None:
    pool_id = make_pool(rr)
    client_id = make_client(rr, pool_id)["ClientId"]
    make_user(rr, pool_id, "gail")
    access = password_auth(rr, client_id, "gail")["AuthenticationResult"]["AccessToken"]
    a, b, c = (node.client() for node in nodes)
    for client in (b, c):  # every node has seen (and cached the verification of) the token
        assert client.get_user(AccessToken=access)["Username"] == "gail"
    a.global_sign_out(AccessToken=access)
    for client in (b, c):
        assert error_of(client.get_user, AccessToken=access) == (
            "NotAuthorizedException",
            "Access Token has been revoked",
        )


def test_key_rotation_is_seen_by_every_node(
    rr: RoundRobin, nodes: list[Node], pg_url: str, data_dir: Path
) -> None:
    pool_id = make_pool(rr)
    client_id = make_client(rr, pool_id)["ClientId"]
    make_user(rr, pool_id, "kim")
    before = password_auth(rr, client_id, "kim")
    old_kid = jwt.get_unverified_header(before["AuthenticationResult"]["AccessToken"])["kid"]
    rotated = subprocess.run(
        [str(USERPOOLS), "keys", "rotate", pool_id, "--db", pg_url, "--data-dir", str(data_dir)],
        check=False, env=node_env(data_dir), capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert rotated.returncode == 0, rotated.stderr
    for node in nodes:
        jwks = httpx.get(f"{node.url}/{pool_id}/.well-known/jwks.json", timeout=10).json()
        kids = {key["kid"] for key in jwks["keys"]}
        assert old_kid in kids and len(kids) == 4, kids
        token = password_auth(node.client(), client_id, "kim")["AuthenticationResult"]["AccessToken"]
        kid = jwt.get_unverified_header(token)["kid"]
        assert kid != old_kid and kid in kids
        key = jwt.PyJWK({k: v for k, v in jwks["keys"][[j["kid"] for j in jwks["keys"]].index(kid)].items()})
        assert jwt.decode(token, key.key, algorithms=["RS256"])["username"] == "kim"


def test_hosted_login_on_one_node_code_exchange_on_another(rr: RoundRobin, nodes: list[Node]) -> None:
    pool_id = make_pool(rr)
    domain = f"nodes{uuid.uuid4().hex[:10]}"
    rr.create_user_pool_domain(UserPoolId=pool_id, Domain=domain)
    client_id = rr.create_user_pool_client(
        UserPoolId=pool_id, ClientName="web", AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthFlows=["code"], AllowedOAuthScopes=["openid", "email"], CallbackURLs=[CALLBACK],
        SupportedIdentityProviders=["COGNITO"],
    )["UserPoolClient"]["ClientId"]  # fmt: skip
    add_user(rr, pool_id, "alice", email="alice@example.com", email_verified="true")

    class Live:  # oauth_support's App only needs the server's URL
        def __init__(self, url: str) -> None:
            self.url = url

    on_a = App(Live(nodes[0].url), pool_id, domain, client_id, None)  # type: ignore[arg-type]
    on_b = App(Live(nodes[1].url), pool_id, domain, client_id, None)  # type: ignore[arg-type]
    code = query_of(Browser(on_a).sign_in())["code"]
    answer = exchange(on_b, code)
    assert answer.status_code == 200, answer.text
    assert claims(answer.json()["id_token"])["cognito:username"] == "alice"
    assert exchange(on_a, code).json()["error"] == "invalid_grant"  # spent on B, refused on A


def test_request_rate_quota_is_counted_across_nodes(rr: RoundRobin, nodes: list[Node]) -> None:
    pool_id = make_pool(rr)
    clients = [node.client() for node in nodes]

    def burst() -> list[str]:
        """42 DescribeUserPool calls at once, 14 a node: under the default 15 per second on each node."""

        def one(i: int) -> str:
            try:
                clients[i % 3].describe_user_pool(UserPoolId=pool_id)
            except ClientError as exc:
                return str(exc.response["Error"]["Code"])
            return "ok"

        with ThreadPoolExecutor(42) as pool:
            return list(pool.map(one, range(42)))

    outcomes: list[str] = []
    for _ in range(3):  # a burst straddling two one-second windows may stay under the limit
        outcomes = burst()
        if "TooManyRequestsException" in outcomes:
            break
        time.sleep(1)
    assert "TooManyRequestsException" in outcomes and set(outcomes) <= {"ok", "TooManyRequestsException"}
    definition = {"LimitClass": "API_CATEGORY", "Attributes": {"Category": "UserPoolRead"}}
    time.sleep(1.1)
    clients[0].update_provisioned_limit(LimitDefinition=definition, RequestedLimitValue=150)
    time.sleep(1.1)  # other nodes re-read provisioned values once a second
    assert burst() == ["ok"] * 42
    for client in clients:
        assert (
            client.get_provisioned_limit(LimitDefinition=definition)["Limit"]["ProvisionedLimitValue"] == 150
        )


def test_lockout_counts_across_nodes_and_survives_a_restart(rr: RoundRobin, nodes: list[Node]) -> None:
    pool_id = make_pool(rr)
    client_id = make_client(rr, pool_id)["ClientId"]
    make_user(rr, pool_id, "lee")

    def sign_in(password: str) -> tuple[str, str]:
        return error_of(password_auth, idp=rr, client_id=client_id, username="lee", password=password)

    for _ in range(5):  # spread over the three nodes; none saw more than two
        assert sign_in("Wrong-Passw0rd!") == ("NotAuthorizedException", "Incorrect username or password.")
    assert sign_in(PASSWORD) == ("NotAuthorizedException", "Password attempts exceeded")
    restart(nodes)
    rr = RoundRobin(nodes)
    # The first lock (1 s) is over; one more failure is the sixth, which locks again (2 s).
    assert sign_in("Wrong-Passw0rd!") == ("NotAuthorizedException", "Incorrect username or password.")
    assert sign_in(PASSWORD) == ("NotAuthorizedException", "Password attempts exceeded")
    time.sleep(2.1)
    result = password_auth(rr, client_id, "lee")
    assert "AccessToken" in result["AuthenticationResult"]
