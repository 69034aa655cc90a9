"""OAuth 2.0 for the cloud calendars: signed JWT assertions and a token kept until it expires.

An unattended kiosk reads a calendar as an application (client credentials): Microsoft Entra ID
takes a client secret or a JWT signed with the app's certificate; Google takes a JWT signed with
a service account's key. The private key and the secret are read from where `auth` says at the
moment a token is needed, never kept beyond it, never in a message (`scrubbed`). The token lives
in memory only, in the source's `TokenCache`. PyJWT and cryptography are imported here, where the
work is, so that reading the kinds stays light.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from signage.errors import FetchError

# A token is renewed this long before the server says it expires (clock skew, a slow fetch).
MARGIN_SECONDS = 300.0
ASSERTION_SECONDS = 600  # a JWT assertion is good for 10 minutes (Google allows up to an hour)
TOKEN_BYTES = 64 * 1024  # a token endpoint's answer is small
JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}(\.[A-Za-z0-9_-]*)?")


@dataclass(frozen=True)
class Token:
    value: str
    expires_in: float


class TokenCache:
    """One access token, used until shortly before it expires (MARGIN_SECONDS, or half its life
    when that is shorter), renewed at once when `forget` says the API refused it."""

    def __init__(self, now: Callable[[], float] = time.monotonic) -> None:
        self._now = now
        self._value: str | None = None
        self._until = 0.0

    async def get(self, renew: Callable[[], Awaitable[Token]]) -> str:
        if self._value is not None and self._now() < self._until:
            return self._value
        token = await renew()
        margin = min(MARGIN_SECONDS, token.expires_in / 2)
        self._value, self._until = token.value, self._now() + token.expires_in - margin
        return token.value

    def forget(self) -> None:
        self._value, self._until = None, 0.0

    def __repr__(self) -> str:
        return "TokenCache(<hidden>)"


def scrubbed(text: str, *secrets: str | None) -> str:
    """`text` with every secret in it, and anything shaped like a JWT (an assertion, an
    access token), replaced by ***: a server or a proxy may quote what it was sent."""
    for secret in secrets:
        if secret and len(secret) >= 6:
            text = text.replace(secret, "***")
    return _JWT.sub("***", text)


def read_token(body: bytes, issuer: str) -> Token:
    """The access token of a token endpoint's 200 answer (RFC 6749 §5.1)."""
    try:
        document = json.loads(body.decode("utf-8"))
        value = document["access_token"]
        expires_in = float(document.get("expires_in", 3600))
    except (UnicodeDecodeError, ValueError, KeyError, TypeError):
        raise FetchError(f"{issuer}: the token endpoint's answer has no access token") from None
    if not isinstance(value, str) or not value.strip():
        raise FetchError(f"{issuer}: the token endpoint's answer has no access token")
    return Token(value.strip(), max(1.0, expires_in))


def token_error(body: bytes) -> tuple[str, str]:
    """(error, error_description) of a token endpoint's error answer (RFC 6749 §5.2)."""
    try:
        document = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return "", ""
    if not isinstance(document, dict):
        return "", ""
    error, description = document.get("error"), document.get("error_description")
    lines = description.strip().splitlines() if isinstance(description, str) else []
    return (error if isinstance(error, str) else "", lines[0] if lines else "")


# --- Microsoft Entra ID: a client assertion signed with the app's certificate -------------------


def certificate_assertion(pem: str, client_id: str, audience: str, where: str) -> str:
    """The JWT client assertion of Microsoft's identity platform ("certificate credentials"):
    RS256 over {aud, iss, sub, jti, nbf, iat, exp}, with the certificate's SHA-1 and SHA-256
    thumbprints in the header (x5t, x5t#S256) so Entra finds the uploaded certificate."""
    import jwt
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization

    key = _private_key(pem, where)
    try:
        certificate = x509.load_pem_x509_certificate(pem.encode("ascii", "replace"))
    except ValueError:
        raise FetchError(
            f"{where} holds no certificate: put the certificate (-----BEGIN CERTIFICATE-----) "
            "in the same PEM file as its private key"
        ) from None
    der = certificate.public_bytes(serialization.Encoding.DER)
    public = certificate.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    mine = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    if public != mine:
        raise FetchError(f"{where}: the private key is not the certificate's")
    now = int(time.time())
    claims = {
        "aud": audience,
        "iss": client_id,
        "sub": client_id,
        "jti": str(uuid.uuid4()),
        "nbf": now,
        "iat": now,
        "exp": now + ASSERTION_SECONDS,
    }
    headers = {
        "typ": "JWT",
        "x5t": _b64(certificate.fingerprint(hashes.SHA1())),  # noqa: S303 - Entra's thumbprint
        "x5t#S256": _b64(hashlib.sha256(der).digest()),
    }
    return jwt.encode(claims, key, algorithm="RS256", headers=headers)


def vet_certificate(pem: str, where: str) -> None:
    """Raise FetchError when the PEM cannot sign an assertion, or its certificate has expired
    (Entra refuses an expired certificate's assertions)."""
    from datetime import UTC, datetime

    from cryptography import x509

    certificate_assertion(pem, "check", "https://check.invalid/token", where)
    certificate = x509.load_pem_x509_certificate(pem.encode("ascii", "replace"))
    ends = certificate.not_valid_after_utc
    if ends < datetime.now(UTC):
        raise FetchError(f"the certificate in {where} expired on {ends.date().isoformat()}")


# --- Google: a service account's key ------------------------------------------------------------


@dataclass(frozen=True)
class ServiceAccount:
    """The parts of a service account's JSON key the kiosk uses. `repr` hides the key."""

    client_email: str
    private_key: str
    private_key_id: str
    token_uri: str

    def __repr__(self) -> str:
        return f"ServiceAccount({self.client_email})"


def service_account(text: str, where: str) -> ServiceAccount:
    """The key file Google Cloud's console downloads ("type": "service_account")."""
    try:
        document = json.loads(text)
    except ValueError:
        raise FetchError(
            f"{where} is not a service account's JSON key (download one: Google Cloud console, "
            "IAM > Service accounts > Keys > Add key > JSON)"
        ) from None
    fields = ("client_email", "private_key", "token_uri")
    if not isinstance(document, dict) or document.get("type") != "service_account":
        raise FetchError(f'{where} is not a service account\'s key ("type": "service_account")')
    missing = [name for name in fields if not isinstance(document.get(name), str)]
    if missing:
        raise FetchError(f"{where}: the key has no {', '.join(missing)}")
    key_id = document.get("private_key_id")
    return ServiceAccount(
        client_email=document["client_email"].strip(),
        private_key=document["private_key"],
        private_key_id=key_id if isinstance(key_id, str) else "",
        token_uri=document["token_uri"].strip(),
    )


def service_account_assertion(
    account: ServiceAccount, scope: str, subject: str | None, where: str
) -> str:
    """Google's JWT for a service account (RFC 7523): RS256 over {iss, scope, aud = the key's
    token_uri, iat, exp}, with `sub` for domain-wide delegation; `kid` names the key."""
    import jwt

    key = _private_key(account.private_key, where)
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": account.client_email,
        "scope": scope,
        "aud": account.token_uri,
        "iat": now,
        "exp": now + ASSERTION_SECONDS,
    }
    if subject:
        claims["sub"] = subject
    headers = {"typ": "JWT", **({"kid": account.private_key_id} if account.private_key_id else {})}
    return jwt.encode(claims, key, algorithm="RS256", headers=headers)


def vet_service_account(text: str, where: str) -> None:
    """Raise FetchError when the key file cannot sign an assertion or names no https token_uri."""
    from signage.config.paths import secure_for_secrets

    account = service_account(text, where)
    _private_key(account.private_key, where)
    if not secure_for_secrets(account.token_uri):
        raise FetchError(f"{where}: the token_uri is not an https URL")


def _private_key(pem: str, where: str) -> Any:
    """The RSA private key of a PEM text; a message naming the file, never its contents."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    if "PRIVATE KEY-----" not in pem:
        raise FetchError(f"{where} holds no private key (-----BEGIN PRIVATE KEY-----)")
    try:
        key = serialization.load_pem_private_key(pem.encode("ascii", "replace"), password=None)
    except TypeError:
        raise FetchError(
            f"the private key in {where} is protected by a passphrase; the kiosk cannot type "
            "one (write it without: openssl pkey -in key.pem -out signage.pem)"
        ) from None
    except Exception:  # ValueError, and the binding's own errors on damaged DER
        raise FetchError(f"the private key in {where} cannot be read (not a PEM RSA key)") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise FetchError(f"the private key in {where} is not an RSA key (RS256 needs one)")
    return key


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")
