from __future__ import annotations

from pathlib import Path

import pytest

from userpools.config import AccessKey, Settings, from_env, parse_access_keys


def test_environment_variables_are_read_and_flags_win() -> None:
    env = {
        "USERPOOLS_HOST": "0.0.0.0",
        "USERPOOLS_PORT": "8000",
        "USERPOOLS_DATA_DIR": "/var/lib/userpools",
        "USERPOOLS_SMTP_STARTTLS": "yes",
        "USERPOOLS_ACCESS_KEYS": "AKID1:secret1, AKID2:secret2",
        "USERPOOLS_CORS_ORIGINS": "https://a.example, https://b.example",
    }
    s = from_env(env, port=9000)
    assert (s.host, s.port, s.data_dir, s.smtp_starttls) == (
        "0.0.0.0",
        9000,
        Path("/var/lib/userpools"),
        True,
    )
    assert s.access_keys == (AccessKey("AKID1", "secret1"), AccessKey("AKID2", "secret2"))
    assert s.cors_origins == ("https://a.example", "https://b.example")


def test_bad_values_are_refused_with_the_variable_name() -> None:
    with pytest.raises(ValueError, match="USERPOOLS_SMTP_SSL must be true or false"):
        from_env({"USERPOOLS_SMTP_SSL": "maybe"})
    with pytest.raises(ValueError, match="USERPOOLS_PORT must be a whole number, not 'http'"):
        from_env({"USERPOOLS_PORT": "http"})
    with pytest.raises(ValueError, match="KEYID:SECRET"):
        parse_access_keys("no-colon")


def test_region_may_be_a_list_the_first_is_the_default() -> None:
    s = from_env({"USERPOOLS_REGION": "eu-west-1, us-east-1"})
    assert s.region == "eu-west-1"
    assert s.served_regions == ("eu-west-1", "us-east-1")
    assert from_env({}, region="ap-southeast-2").served_regions == ("ap-southeast-2",)
    with pytest.raises(ValueError, match="not a region name"):
        from_env({}, region="us-east-1,local").check()


def test_database_urls() -> None:
    assert Settings(data_dir=Path("d")).database_url == "sqlite:///d/userpools.db"
    assert Settings(db="x.db").database_url == "sqlite:///x.db"
    assert Settings(db="postgresql://u:p@h/db").database_url == "postgresql+asyncpg://u:p@h/db"
    assert Settings(db="postgres://h/db").database_url == "postgresql+asyncpg://h/db"


def test_base_url() -> None:
    assert Settings().base_url == "http://127.0.0.1:9229"
    assert Settings(host="0.0.0.0", port=80).base_url == "http://127.0.0.1:80"
    assert Settings(host="::1").base_url == "http://[::1]:9229"
    assert Settings(public_url="https://auth.example.com/").base_url == "https://auth.example.com"


def test_non_loopback_without_keys_refuses_to_start() -> None:
    with pytest.raises(ValueError, match=r"refusing to listen on 0\.0\.0\.0 without access keys"):
        Settings(host="0.0.0.0").check()
    Settings(host="0.0.0.0", auth="local").check()
    Settings(host="0.0.0.0", access_keys=(AccessKey("k", "s"),)).check()
    assert Settings(host="0.0.0.0", access_keys=(AccessKey("k", "s"),)).auth_mode == "strict"
    assert Settings(host="localhost").auth_mode == "local"
    with pytest.raises(ValueError, match="strict"):
        Settings(auth="strict").check()
    with pytest.raises(ValueError, match="--auth must be"):
        Settings(auth="none").check()


def test_unknown_senders_are_refused() -> None:
    with pytest.raises(ValueError, match="email sender must be console, file or smtp"):
        from_env({"USERPOOLS_EMAIL_SENDER": "ses"}).check()
    with pytest.raises(ValueError, match="SMS sender must be console or file"):
        Settings(sms_sender="smtp").check()
