"""Helpers for the threat protection tests (no tests here): protected pools, sign-ins from an IP, events."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from test_auth_support import make_client, make_pool, make_user

from userpools.testing import RunningServer

# A pool policy loose enough for the breached-password list's entries.
LOOSE = {"PasswordPolicy": {"MinimumLength": 6, "RequireUppercase": False, "RequireLowercase": False,
                            "RequireNumbers": False, "RequireSymbols": False}}  # fmt: skip
STRONG = "Vq8#tLm2!zRw"
SES = "arn:aws:ses:us-east-1:123456789012:identity/security@example.com"


def protected_pool(idp: Any, mode: str = "ENFORCED", **settings: Any) -> str:
    """A PLUS pool with threat protection in ``mode`` (AUDIT or ENFORCED)."""
    return make_pool(
        idp, UserPoolTier="PLUS", UserPoolAddOns={"AdvancedSecurityMode": mode}, Policies=LOOSE, **settings
    )


def setup(idp: Any, mode: str = "ENFORCED", **settings: Any) -> tuple[str, str]:
    """A protected pool, a client with every password flow, and user ``alice`` (STRONG, with an email)."""
    pool_id = protected_pool(idp, mode, **settings)
    client_id = str(make_client(idp, pool_id)["ClientId"])
    make_user(idp, pool_id, "alice", STRONG, email="alice@example.com", email_verified="true")
    return pool_id, client_id


def sign_in(
    idp: Any, client_id: str, ip: str, password: str = STRONG, user: str = "alice", **extra: Any
) -> Any:
    """USER_PASSWORD_AUTH from ``ip`` (UserContextData.IpAddress)."""
    return idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": user, "PASSWORD": password},
        UserContextData={"IpAddress": ip},
        **extra,
    )


def events(idp: Any, pool_id: str, user: str = "alice", **kwargs: Any) -> list[dict[str, Any]]:
    return list(idp.admin_list_user_auth_events(UserPoolId=pool_id, Username=user, **kwargs)["AuthEvents"])


def takeover(
    low: str = "NO_ACTION", medium: str = "NO_ACTION", high: str = "NO_ACTION", notify: bool = False
) -> dict[str, Any]:
    config: dict[str, Any] = {
        "Actions": {
            "LowAction": {"EventAction": low, "Notify": notify},
            "MediumAction": {"EventAction": medium, "Notify": notify},
            "HighAction": {"EventAction": high, "Notify": notify},
        }
    }
    if notify:
        config["NotifyConfiguration"] = {"SourceArn": SES, "From": "security@example.com"}
    return config


def log_lines(live: RunningServer, kind: str, name: str) -> list[dict[str, Any]]:
    path = Path(live.settings.data_dir) / "logs" / kind / f"{name}.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
