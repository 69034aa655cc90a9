"""TLS: whom to trust and which client certificate to present, from plain settings.

Knows no config: the checker (which loads the files as the kiosk will, to warn early) and the
HTTP client (signage.network) both build on it.
"""

from __future__ import annotations

import ssl

import httpx

__all__ = ["CA_FILE_LIMIT", "TLSFileError", "load_ca_file", "load_client_cert", "tls_context"]

CA_FILE_LIMIT = 4 * 1024 * 1024  # a CA bundle is small (certifi's is ~300 KB)


class TLSFileError(Exception):
    """A certificate or key file that cannot be used.

    `reason` names the problem ("file_missing", "file_unreadable", "not_certificate",
    "key_mismatch", "key_encrypted", "bad_client_cert"; the config checker shows the message
    `tls_<reason>`), `path` the file, `detail` what OpenSSL or the system said.
    """

    def __init__(self, reason: str, path: str, detail: str = "") -> None:
        super().__init__(_TLS_FILE_TEXTS[reason].format(path=path, detail=detail))
        self.reason = reason
        self.path = path
        self.detail = detail


_TLS_FILE_TEXTS = {
    "file_missing": "file not found: {path}",
    "file_unreadable": "cannot read {path} ({detail})",
    "not_certificate": "{path} is not a certificate in PEM or DER form",
    "key_mismatch": "the client key does not belong to the client certificate {path}",
    "key_encrypted": "the key {path} is protected by a passphrase (remove it with openssl)",
    "bad_client_cert": "cannot load the client certificate {path} ({detail})",
}


def load_ca_file(context: ssl.SSLContext, path: str) -> None:
    """Add the CA certificates in `path` (PEM, one or many; or one DER certificate, the ".cer"
    Windows exports) to what `context` trusts. Raises TLSFileError."""
    raw = _read(path, CA_FILE_LIMIT)
    try:
        if b"-----BEGIN CERTIFICATE-----" in raw:
            context.load_verify_locations(cadata=raw.decode("ascii", errors="replace"))
        else:
            context.load_verify_locations(cadata=raw)
    except (ssl.SSLError, ValueError):
        raise TLSFileError("not_certificate", path) from None


def load_client_cert(context: ssl.SSLContext, cert: str, key: str | None = None) -> None:
    """Present the certificate in `cert` (with its key from `key`, else from `cert`) to servers
    that ask for one. Raises TLSFileError; never asks for a passphrase on the terminal."""
    for file in (cert, key):
        if file is not None:
            _read(file, CA_FILE_LIMIT)

    def no_passphrase() -> str:
        raise _Encrypted

    try:
        context.load_cert_chain(cert, key, password=no_passphrase)
    except _Encrypted:
        raise TLSFileError("key_encrypted", key or cert) from None
    except ssl.SSLError as exc:
        if exc.reason == "KEY_VALUES_MISMATCH":
            raise TLSFileError("key_mismatch", cert) from None
        detail = exc.reason or "no certificate and key in PEM form found"
        raise TLSFileError("bad_client_cert", cert, detail) from None


class _Encrypted(Exception):
    pass


def _read(path: str, limit: int) -> bytes:
    try:
        with open(path, "rb") as stream:
            return stream.read(limit)
    except FileNotFoundError:
        raise TLSFileError("file_missing", path) from None
    except IsADirectoryError:
        raise TLSFileError("file_unreadable", path, "a folder, not a file") from None
    except OSError as exc:
        raise TLSFileError("file_unreadable", path, exc.strerror or str(exc)) from None


def tls_context(
    *,
    verify: bool = True,
    trust: str = "certifi",
    ca_bundle: str | None = None,
    client_cert: str | None = None,
    client_key: str | None = None,
) -> ssl.SSLContext:
    """A client context: certifi's CAs (or SSL_CERT_FILE / SSL_CERT_DIR, as httpx reads them)
    or the system store (`trust = "system"`, through truststore), plus `ca_bundle`; no checks
    at all when not `verify`. Presents `client_cert` when set. Raises TLSFileError."""
    context: ssl.SSLContext
    if not verify:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    elif trust == "system":
        import truststore  # only where the system store is asked for

        context = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    else:
        context = httpx.create_ssl_context(trust_env=True)
    if verify and ca_bundle is not None:
        load_ca_file(context, ca_bundle)
    if client_cert is not None:
        load_client_cert(context, client_cert, client_key)
    return context
