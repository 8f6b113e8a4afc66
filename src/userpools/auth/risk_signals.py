"""Where a request comes from, for threat protection: IP address and device (docs/threat-protection.md).

- IP: ContextData.IpAddress (AdminInitiateAuth, AdminRespondToAuthChallenge: the app server passes its
  user's address) or UserContextData.IpAddress (public operations), else the HTTP client's address.
- Device: from UserContextData / ContextData ``EncodedData`` when it is what Cognito's advanced security
  data collector (amazon-cognito-advanced-security-data.js, Amplify) produces: base64 of JSON whose
  ``payload`` is JSON with ``contextData`` (``DeviceId``, ``DeviceFingerPrint``, ``UserAgent``,
  ``DevicePlatform``, ``ClientTimezone``); else the ``User-Agent`` of ContextData.HttpHeaders. A request
  with neither has no known device (the device signal is then not counted).
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Signals:
    ip: str = ""
    device: str = ""  # the device's identity, compared with earlier sign-ins ('' unknown)
    device_name: str = ""
    timezone: str = ""

    def event_context(self) -> dict[str, str]:
        """EventContextDataType of an auth event."""
        pairs = (("IpAddress", self.ip), ("DeviceName", self.device_name), ("Timezone", self.timezone))
        return {key: value for key, value in pairs if value}


def _collected(encoded: str) -> dict[str, Any]:
    """The ``contextData`` of an advanced security data collector's EncodedData ({} when not one)."""
    try:
        outer = json.loads(base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=False))
        payload = outer.get("payload") if isinstance(outer, dict) else None
        inner = json.loads(payload) if isinstance(payload, str) else payload
        data = inner.get("contextData") if isinstance(inner, dict) else None
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def signals_of(context_data: dict[str, Any] | None, source_ip: str) -> Signals:
    data = context_data or {}
    ip = str(data.get("IpAddress") or source_ip or "")
    collected = _collected(str(data["EncodedData"])) if data.get("EncodedData") else {}
    agent = str(collected.get("UserAgent") or "")
    for header in data.get("HttpHeaders") or ():
        if str(header.get("headerName", "")).lower() == "user-agent" and not agent:
            agent = str(header.get("headerValue") or "")
    device = str(collected.get("DeviceId") or collected.get("DeviceFingerPrint") or agent)
    platform = str(collected.get("DevicePlatform") or "")
    name = ", ".join(part for part in (agent, platform) if part)
    return Signals(ip[:64], device[:128], name[:256], str(collected.get("ClientTimezone") or ""))
