"""Microsoft Entra ID + Graph and Google's token endpoint + Calendar API, played on 127.0.0.1
over TLS with the tests' own CA, as their published documents describe them:

- Entra's v2.0 token endpoint (client credentials): a client secret, or a JWT client assertion
  whose signature, audience, issuer, subject, expiry and x5t thumbprint are checked against the
  uploaded certificate; errors as {"error", "error_description": "AADSTS…: …", "error_codes"}.
- Graph `GET /v1.0/users/{id}/calendarView?startDateTime&endDateTime`: `Prefer:
  outlook.timezone` honoured (and `Preference-Applied`), `$top` pages with an absolute
  `@odata.nextLink`, errors as {"error": {"code", "message"}}.
- Google's token_uri (RFC 7523 JWT bearer): RS256, aud = token_uri, exp - iat <= 1 h; errors as
  {"error", "error_description"}. Calendar `GET /calendar/v3/calendars/{id}/events`: timeMin,
  timeMax, singleEvents (orderBy=startTime needs it), timeZone, maxResults with
  `nextPageToken`; errors as {"error": {"code", "message", "errors": [{"domain", "reason",
  "message"}]}}.

`events` are neutral dicts (title, start, end, all_day, location, body, private, oof, cancelled)
that each API renders in its own shape. `script` forces the next answers of a route.
"""

from __future__ import annotations

import base64
import hashlib
import http.server
import json
import re
import secrets
import ssl
import threading
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit
from zoneinfo import ZoneInfo

import jwt
import trustme
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from tests.servers import Server

CLOCK_SKEW = (
    "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable "
    "timeframe. Check your iat and exp values in the JWT claim."
)
WINDOWS = {"Tokyo Standard Time": "Asia/Tokyo", "UTC": "UTC"}


def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def key_pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def self_signed(key: rsa.RSAPrivateKey, name: str = "signage-mirai-es") -> x509.Certificate:
    """What `New-SelfSignedCertificate` or openssl makes for an app registration."""
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .sign(key, hashes.SHA256())
    )


def cert_pem(certificate: x509.Certificate) -> str:
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@dataclass
class Cloud:
    """What the services know: the registered app, the service account, who may read what."""

    tenant: str = "mirai.onmicrosoft.com"
    client_id: str = "6f1c5b2e-0d4a-4a8e-9a51-2b7c1e0f3d99"
    client_secret: str = "Qx8~secretVALUE.from-entra_42"
    certificate: x509.Certificate | None = None  # uploaded to the app registration
    mailboxes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    granted: set[str] = field(default_factory=set)  # mailboxes the app may read (policy)
    consented: bool = True  # Calendars.Read application permission with admin consent
    sa_email: str = "signage@mirai-signage.iam.gserviceaccount.com"
    sa_public: Any = None
    calendars: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    shared: dict[str, set[str]] = field(default_factory=dict)  # calendar -> who may read
    delegated: set[str] = field(default_factory=set)  # DWD: users the account may act for
    calendar_api: bool = True
    expires_in: int = 3599
    script: dict[str, list[tuple[int, dict[str, str], Any]]] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)  # token -> who (app / sa / subject)
    seen: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def revoke(self) -> None:
        with self.lock:
            self.tokens.clear()

    def requests(self, route: str) -> list[dict[str, Any]]:
        return [r for r in self.seen if r["route"] == route]


class CloudServer(Server):
    """Both clouds on one TLS port: /{tenant}/oauth2/v2.0/token, /v1.0/…, /token,
    /calendar/v3/…."""

    def __init__(self, ca: trustme.CA, cloud: Cloud) -> None:
        self.cloud = cloud
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
        super().__init__(_Handler, tls=context)

    @property
    def graph_url(self) -> str:
        return f"{self.origin}/v1.0"

    @property
    def token_uri(self) -> str:
        return f"{self.origin}/token"

    @property
    def api_url(self) -> str:
        return f"{self.origin}/calendar/v3"


class _Handler(http.server.BaseHTTPRequestHandler):
    server: CloudServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    # --- plumbing ---

    def answer(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode() if not isinstance(body, bytes) else body
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def scripted(self, route: str, form: dict[str, str] | None = None) -> bool:
        """The next forced answer of `route`; a callable body is made from the request's form
        (a service quoting back what it was sent)."""
        queue = self.server.cloud.script.get(route)
        if not queue:
            return False
        status, headers, body = queue.pop(0)
        self.answer(status, body(form or {}) if callable(body) else body, headers)
        return True

    def record(self, route: str, form: dict[str, str] | None = None) -> None:
        self.server.cloud.seen.append(
            {"route": route, "path": self.path, "headers": dict(self.headers), "form": form}
        )

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length).decode()
        form = {k: v[0] for k, v in parse_qs(raw).items()}
        path = urlsplit(self.path).path
        if path.endswith("/oauth2/v2.0/token"):
            self.record("entra", form)
            if not self.scripted("entra", form):
                self.entra(path.split("/")[1], form)
        elif path == "/token":
            self.record("google-token", form)
            if not self.scripted("google-token", form):
                self.google_token(form)
        else:
            self.answer(404, {"error": "not_found"})

    def do_GET(self) -> None:  # noqa: N802
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if parts.path.startswith("/v1.0/users/") and parts.path.endswith("/calendarView"):
            self.record("graph")
            if not self.scripted("graph"):
                self.calendar_view(unquote(parts.path.split("/")[3]), query)
        elif parts.path.startswith("/calendar/v3/calendars/") and parts.path.endswith("/events"):
            self.record("google")
            if not self.scripted("google"):
                self.events_list(unquote(parts.path.split("/")[4]), query)
        else:
            self.answer(404, {"error": {"code": "NotFound", "message": "no such route"}})

    def bearer(self) -> str | None:
        header = self.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return None
        with self.server.cloud.lock:
            return self.server.cloud.tokens.get(header[7:])

    def issue(self, who: str) -> dict[str, Any]:
        token = "eyJ0eXAi." + secrets.token_urlsafe(32)
        with self.server.cloud.lock:
            self.server.cloud.tokens[token] = who
        return {
            "token_type": "Bearer",
            "expires_in": self.server.cloud.expires_in,
            "access_token": token,
        }

    # --- Microsoft Entra ID ---

    def entra_error(self, status: int, error: str, code: int, text: str) -> None:
        self.answer(
            status,
            {
                "error": error,
                "error_description": f"AADSTS{code}: {text}\r\nTrace ID: 0000\r\n"
                "Correlation ID: 1111\r\nTimestamp: 2026-11-24 00:00:00Z",
                "error_codes": [code],
                "timestamp": "2026-11-24 00:00:00Z",
                "trace_id": "0000",
                "correlation_id": "1111",
            },
        )

    def entra(self, tenant: str, form: dict[str, str]) -> None:
        cloud = self.server.cloud
        if tenant != cloud.tenant:
            text = f"Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID"
            return self.entra_error(400, "invalid_request", 90002, text)
        if form.get("grant_type") != "client_credentials":
            return self.entra_error(400, "unsupported_grant_type", 70003, "grant type")
        if form.get("scope") != f"{self.server.origin}/.default":
            return self.entra_error(400, "invalid_scope", 1002012, "The provided value for scope")
        if form.get("client_id") != cloud.client_id:
            text = f"Application with identifier '{form.get('client_id')}' was not found"
            return self.entra_error(400, "unauthorized_client", 700016, text)
        if "client_assertion" in form:
            if form.get("client_assertion_type") != (
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
            ):
                return self.entra_error(400, "invalid_request", 50027, "assertion type")
            if cloud.certificate is None:
                return self.entra_error(401, "invalid_client", 700027, "no certificate")
            token_url = f"{self.server.origin}{urlsplit(self.path).path}"
            try:
                header = jwt.get_unverified_header(form["client_assertion"])
                thumbprint = b64(cloud.certificate.fingerprint(hashes.SHA1()))
                if header.get("x5t") != thumbprint:
                    raise jwt.InvalidTokenError("x5t")
                claims = jwt.decode(
                    form["client_assertion"],
                    cloud.certificate.public_key(),  # type: ignore[arg-type]
                    algorithms=["RS256", "PS256"],
                    audience=token_url,
                    issuer=cloud.client_id,
                    options={"require": ["exp", "nbf", "aud", "iss", "sub", "jti"]},
                )
                if claims["sub"] != cloud.client_id:
                    raise jwt.InvalidTokenError("sub")
            except jwt.ExpiredSignatureError:
                return self.entra_error(401, "invalid_client", 700024, "not within time range")
            except jwt.InvalidTokenError:
                text = (
                    "Client assertion contains an invalid signature. [Reason - The key was not"
                    " found.]"
                )
                return self.entra_error(401, "invalid_client", 700027, text)
        elif form.get("client_secret") != cloud.client_secret:
            text = (
                "Invalid client secret provided. Ensure the secret being sent in the request is"
                " the client secret value, not the client secret ID"
            )
            return self.entra_error(401, "invalid_client", 7000215, text)
        self.answer(200, self.issue("app"))

    # --- Microsoft Graph ---

    def graph_error(self, status: int, code: str, message: str) -> None:
        self.answer(status, {"error": {"code": code, "message": message}})

    def calendar_view(self, mailbox: str, query: dict[str, str]) -> None:
        cloud = self.server.cloud
        if self.bearer() != "app":
            return self.graph_error(
                401, "InvalidAuthenticationToken", "Access token has expired or is not yet valid."
            )
        if not cloud.consented or mailbox not in cloud.granted:
            return self.graph_error(
                403, "ErrorAccessDenied", "Access is denied. Check credentials and try again."
            )
        if mailbox not in cloud.mailboxes:
            return self.graph_error(
                404, "ErrorInvalidUser", f"The requested user '{mailbox}' is invalid."
            )
        try:
            start = datetime.fromisoformat(query["startDateTime"])
            end = datetime.fromisoformat(query["endDateTime"])
        except (KeyError, ValueError):
            return self.graph_error(
                400,
                "ErrorInvalidParameter",
                "This request requires a time window specified "
                "by the query string parameters StartDateTime and EndDateTime.",
            )
        if start.tzinfo is None:  # ISO 8601 without an offset is UTC to Graph
            start, end = start.replace(tzinfo=UTC), end.replace(tzinfo=UTC)
        prefer = self.headers.get("Prefer", "")
        zone_name = "UTC"
        if prefer.startswith('outlook.timezone="'):
            zone_name = prefer.split('"')[1]
        zone = ZoneInfo(WINDOWS.get(zone_name, "UTC"))
        events = [e for e in cloud.mailboxes[mailbox] if _overlaps(e, start, end)]
        events.sort(key=lambda e: _as_utc(e["start"]))
        top = int(query.get("$top", "10"))
        skip = int(query.get("$skip", "0"))
        page = events[skip : skip + top]
        body: dict[str, Any] = {
            "@odata.context": f"{self.server.graph_url}/$metadata#users('{mailbox}')/calendarView",
            "value": [_graph_event(e, zone, zone_name) for e in page],
        }
        if skip + top < len(events):
            rest = {**query, "$skip": str(skip + top)}
            body["@odata.nextLink"] = (
                f"{self.server.graph_url}/users/{mailbox}/calendarView?{urlencode(rest)}"
            )
        self.answer(200, body, {"Preference-Applied": f'outlook.timezone="{zone_name}"'})

    # --- Google ---

    def google_token(self, form: dict[str, str]) -> None:
        cloud = self.server.cloud
        if form.get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer":
            return self.answer(
                400,
                {"error": "unsupported_grant_type", "error_description": "Invalid grant_type: "},
            )
        try:
            claims = jwt.decode(
                form.get("assertion", ""),
                cloud.sa_public,
                algorithms=["RS256"],
                audience=self.server.token_uri,
                options={"require": ["exp", "iat", "aud", "iss", "scope"]},
            )
        except jwt.ExpiredSignatureError:
            return self.answer(
                400,
                {
                    "error": "invalid_grant",
                    "error_description": CLOCK_SKEW,
                },
            )
        except jwt.InvalidTokenError:
            return self.answer(
                400, {"error": "invalid_grant", "error_description": "Invalid JWT Signature."}
            )
        if claims["exp"] - claims["iat"] > 3600 or claims["iss"] != cloud.sa_email:
            return self.answer(
                400,
                {
                    "error": "invalid_grant",
                    "error_description": CLOCK_SKEW,
                },
            )
        if "https://www.googleapis.com/auth/calendar.readonly" not in claims["scope"].split():
            return self.answer(
                400, {"error": "invalid_scope", "error_description": "Invalid OAuth scope."}
            )
        subject = claims.get("sub")
        if subject is not None and subject not in cloud.delegated:
            return self.answer(
                401,
                {
                    "error": "unauthorized_client",
                    "error_description": "Client is unauthorized to retrieve access tokens using "
                    "this method, or client not authorized for any of the scopes requested.",
                },
            )
        self.answer(200, self.issue(subject or cloud.sa_email))

    def google_error(self, status: int, reason: str, message: str, domain: str = "global") -> None:
        self.answer(
            status,
            {
                "error": {
                    "errors": [{"domain": domain, "reason": reason, "message": message}],
                    "code": status,
                    "message": message,
                }
            },
        )

    def events_list(self, calendar: str, query: dict[str, str]) -> None:
        cloud = self.server.cloud
        who = self.bearer()
        if who is None:
            return self.google_error(401, "authError", "Invalid Credentials", domain="global")
        if not cloud.calendar_api:
            return self.google_error(
                403,
                "accessNotConfigured",
                "Google Calendar API has not been used in project 123 before or it is disabled.",
                domain="usageLimits",
            )
        if calendar not in cloud.calendars or who not in cloud.shared.get(calendar, set()):
            return self.google_error(404, "notFound", "Not Found")
        if query.get("orderBy") == "startTime" and query.get("singleEvents") != "true":
            return self.google_error(
                400, "invalid", "The requested ordering is not available for the particular query."
            )
        try:
            start = datetime.fromisoformat(query["timeMin"])
            end = datetime.fromisoformat(query["timeMax"])
        except (KeyError, ValueError):
            return self.google_error(400, "badRequest", "Bad Request")
        zone = ZoneInfo(query.get("timeZone", "UTC"))
        events = [e for e in cloud.calendars[calendar] if _overlaps(e, start, end)]
        events.sort(key=lambda e: _as_utc(e["start"]))
        size = min(int(query.get("maxResults", "250")), 2500)
        offset = int(base64.b64decode(query["pageToken"])) if "pageToken" in query else 0
        page = events[offset : offset + size]
        body: dict[str, Any] = {
            "kind": "calendar#events",
            "summary": calendar,
            "timeZone": "Asia/Tokyo",
            "items": [_google_event(e, zone) for e in page],
        }
        if offset + size < len(events):
            body["nextPageToken"] = base64.b64encode(str(offset + size).encode()).decode()
        self.answer(200, body)


def _as_utc(moment: date | datetime) -> datetime:
    if isinstance(moment, datetime):
        return moment.astimezone(UTC)
    return datetime(moment.year, moment.month, moment.day, tzinfo=ZoneInfo("Asia/Tokyo"))


def _overlaps(event: dict[str, Any], start: datetime, end: datetime) -> bool:
    return _as_utc(event["start"]) < end and _as_utc(event["end"]) > start


def _graph_event(event: dict[str, Any], zone: ZoneInfo, zone_name: str) -> dict[str, Any]:
    def when(moment: date | datetime) -> dict[str, str]:
        if isinstance(moment, datetime):
            local = moment.astimezone(zone).replace(tzinfo=None)
        else:
            local = datetime(moment.year, moment.month, moment.day)
        return {"dateTime": local.isoformat() + ".0000000", "timeZone": zone_name}

    return {
        "@odata.etag": 'W/"abc"',
        "id": "AAMkAD" + hashlib.sha1(event["title"].encode()).hexdigest(),
        "iCalUId": "040000008200E00074C5B7101A82E008" + str(abs(hash(event["title"])))[:8],
        "subject": event["title"],
        "bodyPreview": _preview(event.get("body", "")),
        "sensitivity": event.get("sensitivity", "normal"),
        "isAllDay": event.get("all_day", False),
        "isCancelled": event.get("cancelled", False),
        "showAs": "oof" if event.get("oof") else event.get("show_as", "busy"),
        "start": when(event["start"]),
        "end": when(event["end"]),
        "location": {"displayName": event.get("location", ""), "locationType": "default"},
    }


def _preview(body: str) -> str:
    """Graph's bodyPreview: the body as plain text, its first 255 characters."""
    text = re.sub(r"<[^>]+>", "", re.sub(r"<(br|/p)\s*/?>", "\n", body))
    return re.sub(r"\n+", "\n", text).strip()[:255]


def _google_event(event: dict[str, Any], zone: ZoneInfo) -> dict[str, Any]:
    def when(moment: date | datetime) -> dict[str, str]:
        if isinstance(moment, datetime):
            return {"dateTime": moment.astimezone(zone).isoformat(), "timeZone": zone.key}
        return {"date": moment.isoformat()}

    out: dict[str, Any] = {
        "kind": "calendar#event",
        "etag": '"3400000000000000"',
        "id": hashlib.sha1(event["title"].encode()).hexdigest()[:26],
        "status": "cancelled" if event.get("cancelled") else "confirmed",
        "summary": event["title"],
        "start": when(event["start"]),
        "end": when(event["end"]),
        "iCalUID": hashlib.sha1(event["title"].encode()).hexdigest()[:26] + "@google.com",
        "eventType": "outOfOffice" if event.get("oof") else event.get("type", "default"),
    }
    if event.get("location"):
        out["location"] = event["location"]
    if event.get("body"):
        out["description"] = event["body"]
    if event.get("visibility"):
        out["visibility"] = event["visibility"]
    return out
