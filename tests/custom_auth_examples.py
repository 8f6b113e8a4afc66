"""The custom authentication examples of docs/triggers.md, as the test suite runs them.

Two sign-ins built from four Lambda handlers (plain Python; the same code runs in AWS Lambda):
- a one-time code sent by email as a second factor after the password (SRP):
  DefineAuthChallenge = define_code_after_password;
- a passwordless sign-in with a code sent by email: DefineAuthChallenge = define_passwordless;
and for both CreateAuthChallenge = create_email_code, VerifyAuthChallengeResponse = verify_code.
The code goes out through the SMTP server named by SMTP_HOST / SMTP_PORT (the tests run one).
"""

import hmac
import os
import secrets
import smtplib
from email.message import EmailMessage

MAX_TRIES = 3  # wrong codes allowed per sign-in, the last one included


def send_email(to, subject, body):
    message = EmailMessage()
    message["From"] = os.environ.get("MAIL_FROM", "sign-in@example.com")
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    host, port = os.environ.get("SMTP_HOST", "localhost"), int(os.environ.get("SMTP_PORT", "25"))
    with smtplib.SMTP(host, port, timeout=4) as smtp:
        smtp.send_message(message)


def _decide(event, challenge=None, issue_tokens=False):
    event["response"]["challengeName"] = challenge
    event["response"]["issueTokens"] = issue_tokens
    event["response"]["failAuthentication"] = challenge is None and not issue_tokens
    return event


def define_code_after_password(event, context):
    """The password (SRP) first, then a code sent by email; MAX_TRIES tries at the code."""
    session = event["request"]["session"]
    names = [s["challengeName"] for s in session]
    password_ok = any(s["challengeName"] == "PASSWORD_VERIFIER" and s["challengeResult"] for s in session)
    codes = [s["challengeResult"] for s in session if s["challengeName"] == "CUSTOM_CHALLENGE"]
    if names == ["SRP_A"]:
        return _decide(event, "PASSWORD_VERIFIER")
    if password_ok and codes and codes[-1]:
        return _decide(event, issue_tokens=True)
    if password_ok and len(codes) < MAX_TRIES:
        return _decide(event, "CUSTOM_CHALLENGE")
    return _decide(event)  # no password, or out of tries: fail


def define_passwordless(event, context):
    """Only a code sent by email; MAX_TRIES tries."""
    session = event["request"]["session"]
    if any(s["challengeName"] != "CUSTOM_CHALLENGE" for s in session):
        return _decide(event)  # e.g. a client that started with SRP_A
    if session and session[-1]["challengeResult"]:
        return _decide(event, issue_tokens=True)
    if len(session) < MAX_TRIES:
        return _decide(event, "CUSTOM_CHALLENGE")
    return _decide(event)


def create_email_code(event, context):
    """Emails a fresh 6-digit code; a retry after a wrong answer keeps the code already sent."""
    request = event["request"]
    email = request["userAttributes"].get("email", "")
    sent = [
        s["challengeMetadata"] or "" for s in request["session"] if s["challengeName"] == "CUSTOM_CHALLENGE"
    ]
    if sent and sent[-1].startswith("CODE-"):
        code = sent[-1].removeprefix("CODE-")
    else:
        code = f"{secrets.randbelow(1_000_000):06d}"
        if email and not request.get("userNotFound"):
            send_email(email, "Your sign-in code", f"Your sign-in code is {code}")
    name, _, domain = email.partition("@")
    event["response"]["publicChallengeParameters"] = {"email": f"{name[:1]}***@{domain}"}
    event["response"]["privateChallengeParameters"] = {"code": code}
    event["response"]["challengeMetadata"] = f"CODE-{code}"  # kept in the session, never shown to the app
    return event


def verify_code(event, context):
    """The answer must be the code (compared in constant time)."""
    expected = event["request"]["privateChallengeParameters"].get("code", "")
    answer = event["request"]["challengeAnswer"]
    correct = bool(expected) and hmac.compare_digest(expected.encode(), answer.encode())
    event["response"]["answerCorrect"] = correct
    return event
