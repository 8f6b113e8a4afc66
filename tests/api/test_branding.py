"""Managed login branding styles through boto3: create, describe (by id and by client), update, delete."""

from __future__ import annotations

import re
from typing import Any

import pytest
from botocore.exceptions import ClientError
from test_styles_support import client_id, code_of

__all__ = ["client_id"]  # the fixture

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>'
ICO = b"\x00\x00\x01\x00" + b"\x00" * 32
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 24
UUID4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
RED_BUTTON = {"components": {"primaryButton": {"lightMode": {"defaults": {"backgroundColor": "ff0000ff"}}}}}
NO_ID = "11111111-2222-4333-8444-555555555555"


def asset(
    category: str, data: bytes, extension: str = "PNG", mode: str = "LIGHT", **more: str
) -> dict[str, Any]:
    return {"Category": category, "ColorMode": mode, "Extension": extension, "Bytes": data, **more}


def test_create_and_describe(idp: Any, pool_id: str, client_id: str) -> None:
    created = idp.create_managed_login_branding(
        UserPoolId=pool_id,
        ClientId=client_id,
        Settings=RED_BUTTON,
        Assets=[asset("FORM_LOGO", PNG, ResourceId="logo-1"), asset("FAVICON_SVG", SVG, "SVG", "DYNAMIC")],
    )["ManagedLoginBranding"]
    assert UUID4.fullmatch(created["ManagedLoginBrandingId"])
    assert created["UserPoolId"] == pool_id and created["UseCognitoProvidedValues"] is False
    assert created["Settings"] == RED_BUTTON  # only what was customized
    assert sorted((a["Category"], a["ColorMode"], a["Bytes"]) for a in created["Assets"]) == [
        ("FAVICON_SVG", "DYNAMIC", SVG),
        ("FORM_LOGO", "LIGHT", PNG),
    ]
    assert next(a for a in created["Assets"] if a["Category"] == "FORM_LOGO")["ResourceId"] == "logo-1"
    assert created["CreationDate"] == created["LastModifiedDate"]
    style_id = created["ManagedLoginBrandingId"]
    described = idp.describe_managed_login_branding(UserPoolId=pool_id, ManagedLoginBrandingId=style_id)
    assert described["ManagedLoginBranding"] == created
    by_client = idp.describe_managed_login_branding_by_client(UserPoolId=pool_id, ClientId=client_id)
    assert by_client["ManagedLoginBranding"] == created


def test_return_merged_resources_adds_the_defaults(idp: Any, pool_id: str, client_id: str) -> None:
    style_id = idp.create_managed_login_branding(UserPoolId=pool_id, ClientId=client_id, Settings=RED_BUTTON)[
        "ManagedLoginBranding"
    ]["ManagedLoginBrandingId"]
    merged = idp.describe_managed_login_branding(
        UserPoolId=pool_id, ManagedLoginBrandingId=style_id, ReturnMergedResources=True
    )["ManagedLoginBranding"]["Settings"]
    button = merged["components"]["primaryButton"]["lightMode"]
    assert button["defaults"]["backgroundColor"] == "ff0000ff"  # the customized value wins
    assert button["hover"]["backgroundColor"] == "033160ff"  # a Cognito default
    assert merged["categories"]["global"]["colorSchemeMode"] == "LIGHT"
    by_client = idp.describe_managed_login_branding_by_client(
        UserPoolId=pool_id, ClientId=client_id, ReturnMergedResources=True
    )["ManagedLoginBranding"]["Settings"]
    assert by_client == merged


def test_cognito_provided_values(idp: Any, pool_id: str, client_id: str) -> None:
    created = idp.create_managed_login_branding(
        UserPoolId=pool_id, ClientId=client_id, UseCognitoProvidedValues=True
    )
    style = created["ManagedLoginBranding"]
    assert style["UseCognitoProvidedValues"] is True and style["Settings"] == {} and style["Assets"] == []
    other = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="other")["UserPoolClient"]["ClientId"]
    for extra in ({"Settings": RED_BUTTON}, {"Assets": [asset("FORM_LOGO", PNG)]}):
        with pytest.raises(ClientError) as exc:
            idp.create_managed_login_branding(
                UserPoolId=pool_id, ClientId=other, UseCognitoProvidedValues=True, **extra
            )
        assert code_of(exc) == "InvalidParameterException"


def test_one_style_per_client(idp: Any, pool_id: str, client_id: str) -> None:
    idp.create_managed_login_branding(UserPoolId=pool_id, ClientId=client_id)
    with pytest.raises(ClientError) as exc:
        idp.create_managed_login_branding(UserPoolId=pool_id, ClientId=client_id, Settings=RED_BUTTON)
    assert code_of(exc) == "ManagedLoginBrandingExistsException"


def test_create_refusals(idp: Any, pool_id: str, client_id: str) -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        ({"UserPoolId": "us-east-1_nosuchpool", "ClientId": client_id}, "ResourceNotFoundException"),
        ({"ClientId": "nosuchclient1234567890"}, "ResourceNotFoundException"),
        ({"Settings": ["not", "an", "object"]}, "InvalidParameterException"),
        (
            {"Settings": {"components": {"pageBackground": {"lightMode": {"color": "red"}}}}},
            "InvalidParameterException",
        ),
        ({"Settings": {"categories": {"global": {"colorSchemeMode": "SEPIA"}}}}, "InvalidParameterException"),
        ({"Assets": [asset("FORM_LOGO", PNG, "JPEG")]}, "InvalidParameterException"),  # bytes not a JPEG
        ({"Assets": [asset("FAVICON_ICO", PNG)]}, "InvalidParameterException"),  # favicon ICO must be ICO
        ({"Assets": [asset("FORM_LOGO", ICO, "ICO")]}, "InvalidParameterException"),  # ICO: favicons only
        ({"Assets": [asset("FORM_LOGO", PNG), asset("FORM_LOGO", PNG)]}, "InvalidParameterException"),
        (
            {"Assets": [{"Category": "FORM_LOGO", "ColorMode": "LIGHT", "Extension": "PNG"}]},
            "InvalidParameterException",
        ),
        (
            {"Assets": [asset("FORM_LOGO", b"\x89PNG\r\n\x1a\n" + b"\x00" * 1_000_001)]},
            "InvalidParameterException",
        ),
        ({"Assets": [asset("FORM_LOGO", PNG, ResourceId="bad/id")]}, "InvalidParameterException"),
        ({"Assets": [asset("FORM_LOGO", PNG)] * 41}, "InvalidParameterException"),
    ]
    for params, code in cases:
        with pytest.raises(ClientError) as exc:
            idp.create_managed_login_branding(**{"UserPoolId": pool_id, "ClientId": client_id, **params})
        assert code_of(exc) == code, params
    with pytest.raises(ClientError) as exc:  # nothing was half-written
        idp.describe_managed_login_branding_by_client(UserPoolId=pool_id, ClientId=client_id)
    assert code_of(exc) == "ResourceNotFoundException"


def test_update_keeps_what_it_does_not_name(idp: Any, pool_id: str, client_id: str) -> None:
    style = idp.create_managed_login_branding(
        UserPoolId=pool_id, ClientId=client_id, Settings=RED_BUTTON, Assets=[asset("FORM_LOGO", PNG)]
    )["ManagedLoginBranding"]
    dark = {"categories": {"global": {"colorSchemeMode": "DARK"}}}
    updated = idp.update_managed_login_branding(
        UserPoolId=pool_id,
        ManagedLoginBrandingId=style["ManagedLoginBrandingId"],
        Settings=dark,
        Assets=[asset("PAGE_BACKGROUND", WEBP, "WEBP", "DARK"), asset("FORM_LOGO", SVG, "SVG")],
    )["ManagedLoginBranding"]
    assert updated["Settings"] == {**RED_BUTTON, **dark}  # settings merged
    assert sorted((a["Category"], a["Extension"]) for a in updated["Assets"]) == [
        ("FORM_LOGO", "SVG"),  # replaced: same category and colour mode
        ("PAGE_BACKGROUND", "WEBP"),
    ]
    assert updated["CreationDate"] == style["CreationDate"]
    assert updated["LastModifiedDate"] >= style["LastModifiedDate"]
    reset = idp.update_managed_login_branding(
        UserPoolId=pool_id,
        ManagedLoginBrandingId=style["ManagedLoginBrandingId"],
        UseCognitoProvidedValues=True,
    )["ManagedLoginBranding"]
    assert reset["UseCognitoProvidedValues"] is True and reset["Settings"] == {} and reset["Assets"] == []
    again = idp.describe_managed_login_branding(
        UserPoolId=pool_id, ManagedLoginBrandingId=style["ManagedLoginBrandingId"]
    )["ManagedLoginBranding"]
    assert again == reset


def test_update_refusals(idp: Any, pool_id: str, client_id: str) -> None:
    style_id = idp.create_managed_login_branding(UserPoolId=pool_id, ClientId=client_id, Settings=RED_BUTTON)[
        "ManagedLoginBranding"
    ]["ManagedLoginBrandingId"]
    cases: list[tuple[dict[str, Any], str]] = [
        ({"ManagedLoginBrandingId": NO_ID}, "ResourceNotFoundException"),
        ({"UserPoolId": "us-east-1_nosuchpool"}, "ResourceNotFoundException"),
        ({"UseCognitoProvidedValues": True, "Settings": RED_BUTTON}, "InvalidParameterException"),
        (
            {"Settings": {"componentClasses": {"link": {"lightMode": {"defaults": {"textColor": 12}}}}}},
            "InvalidParameterException",
        ),
        ({"Assets": [asset("FAVICON_SVG", PNG)]}, "InvalidParameterException"),
        ({"ManagedLoginBrandingId": "not-a-uuid"}, "InvalidParameterException"),
    ]
    for params, code in cases:
        with pytest.raises(ClientError) as exc:
            idp.update_managed_login_branding(
                **{"UserPoolId": pool_id, "ManagedLoginBrandingId": style_id, **params}
            )
        assert code_of(exc) == code, params
    with pytest.raises(ClientError) as exc:
        idp.update_managed_login_branding(UserPoolId=pool_id, Settings=RED_BUTTON)
    assert code_of(exc) == "InvalidParameterException"
    kept = idp.describe_managed_login_branding(UserPoolId=pool_id, ManagedLoginBrandingId=style_id)
    assert kept["ManagedLoginBranding"]["Settings"] == RED_BUTTON


def test_delete(idp: Any, pool_id: str, client_id: str) -> None:
    style_id = idp.create_managed_login_branding(UserPoolId=pool_id, ClientId=client_id)[
        "ManagedLoginBranding"
    ]["ManagedLoginBrandingId"]
    idp.delete_managed_login_branding(UserPoolId=pool_id, ManagedLoginBrandingId=style_id)
    for call in (
        lambda: idp.describe_managed_login_branding(UserPoolId=pool_id, ManagedLoginBrandingId=style_id),
        lambda: idp.describe_managed_login_branding_by_client(UserPoolId=pool_id, ClientId=client_id),
        lambda: idp.delete_managed_login_branding(UserPoolId=pool_id, ManagedLoginBrandingId=style_id),
    ):
        with pytest.raises(ClientError) as exc:
            call()
        assert code_of(exc) == "ResourceNotFoundException"
    # The client can have a new style once the old one is gone.
    idp.create_managed_login_branding(UserPoolId=pool_id, ClientId=client_id)


def test_styles_are_scoped_to_their_pool_and_client(idp: Any, pool_id: str, client_id: str) -> None:
    style_id = idp.create_managed_login_branding(UserPoolId=pool_id, ClientId=client_id)[
        "ManagedLoginBranding"
    ]["ManagedLoginBrandingId"]
    other_pool = idp.create_user_pool(PoolName="other")["UserPool"]["Id"]
    with pytest.raises(ClientError) as exc:
        idp.describe_managed_login_branding(UserPoolId=other_pool, ManagedLoginBrandingId=style_id)
    assert code_of(exc) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as exc:
        idp.delete_managed_login_branding(UserPoolId=other_pool, ManagedLoginBrandingId=style_id)
    assert code_of(exc) == "ResourceNotFoundException"
    # Deleting the app client deletes its style.
    idp.delete_user_pool_client(UserPoolId=pool_id, ClientId=client_id)
    with pytest.raises(ClientError) as exc:
        idp.describe_managed_login_branding(UserPoolId=pool_id, ManagedLoginBrandingId=style_id)
    assert code_of(exc) == "ResourceNotFoundException"
    idp.delete_user_pool(UserPoolId=other_pool)
