"""Servers on 127.0.0.1 for what pytest-httpserver cannot play: a body trickled byte by byte,
a request never answered, a connection cut mid-body, a server that goes away and comes back on
its port, TLS with client certificates, and a CONNECT proxy. Ordinary HTTP answers come from
pytest-httpserver (the `httpserver` fixture, with `tests.rig.serve`)."""

from __future__ import annotations

import http.server
import select
import socket
import socketserver
import ssl
import threading
import time
from typing import Any

import trustme


def free_port() -> int:
    """A port on 127.0.0.1 that was free a moment ago (nobody listens there now)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server(socketserver.ThreadingTCPServer):
    """The one threaded raw server: `handler` serves each connection in its own thread (an
    http.server.BaseHTTPRequestHandler for HTTP); with `tls`, connections are wrapped and the
    handshake runs in the request's thread. Serves from construction until stop()."""

    daemon_threads = True
    allow_reuse_address = True  # a stopped server's port can be taken again at once

    def __init__(
        self,
        handler: type[socketserver.BaseRequestHandler],
        port: int = 0,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        super().__init__(("127.0.0.1", port), handler)
        self.tls = tls
        threading.Thread(target=self.serve_forever, args=(0.05,), daemon=True).start()

    def get_request(self) -> tuple[socket.socket, Any]:
        sock, address = super().get_request()
        if self.tls is None:
            return sock, address
        return self.tls.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), address

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a refused handshake, a cut connection or a client that gave up is the point

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    @property
    def origin(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


class _Quiet(http.server.BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


# --- A trickling server --------------------------------------------------------------------------


class Trickle(Server):
    """Answers 200 at once, then sends its body one byte every `pause` seconds: every read
    succeeds, so no per-read timeout ever fires. A POST is never answered."""

    def __init__(self, pause: float = 0.2, length: int = 1000) -> None:
        self.pause, self.length = pause, length
        self.closing = threading.Event()
        super().__init__(_Trickling)

    def url(self, path: str = "/cal.ics") -> str:
        return self.origin + path

    def stop(self) -> None:
        self.closing.set()
        super().stop()


class _Trickling(_Quiet):
    server: Trickle

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.send_response(200)
        self.send_header("Content-Length", str(self.server.length))
        self.end_headers()
        for _ in range(self.server.length):
            if self.server.closing.wait(self.server.pause):
                return
            try:
                self.wfile.write(b"x")
                self.wfile.flush()
            except OSError:  # the client gave up
                return

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.server.closing.wait(30)  # never answers while the test runs


# --- A feed that fails on command ----------------------------------------------------------------


class Feed(Server):
    """A calendar server whose behaviour the test sets in `mode`: ok, 500, garbage, truncate
    (the connection is cut halfway through the body), slow (1.5 s before answering)."""

    def __init__(self, body: bytes, port: int = 0) -> None:
        self.body = body
        self.mode = "ok"
        super().__init__(_Feeding, port)

    @property
    def url(self) -> str:
        return f"{self.origin}/cal.ics"


class _Feeding(_Quiet):
    server: Feed

    def do_GET(self) -> None:  # noqa: N802
        mode = self.server.mode
        if mode == "slow":
            time.sleep(1.5)
        if mode == "500":
            self.send_error(500)
            return
        body = b"<html>Proxy login</html>" if mode == "garbage" else self.server.body
        self.send_response(200)
        self.send_header("Content-Type", "text/calendar")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if mode == "truncate":
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.wfile.write(body)


# --- TLS -----------------------------------------------------------------------------------------


class TLSServer(Server):
    """HTTPS with a certificate of `ca`, answering every GET with `body` and recording the paths
    asked for; with `client_ca`, it requires a client certificate issued by that CA."""

    def __init__(
        self,
        ca: trustme.CA,
        body: bytes,
        client_ca: trustme.CA | None = None,
        tls12: bool = False,
    ) -> None:
        self.body = body
        self.paths: list[str] = []
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
        if client_ca is not None:
            context.verify_mode = ssl.CERT_REQUIRED
            client_ca.configure_trust(context)
        if tls12:  # the refusal comes in the handshake, not after it as with TLS 1.3
            context.maximum_version = ssl.TLSVersion.TLSv1_2
        super().__init__(_Answering, tls=context)

    def url(self, path: str = "/cal.ics") -> str:
        return self.origin + path


class _Answering(_Quiet):
    server: TLSServer

    def do_GET(self) -> None:  # noqa: N802
        self.server.paths.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/calendar; charset=utf-8")
        self.send_header("Content-Length", str(len(self.server.body)))
        self.end_headers()
        self.wfile.write(self.server.body)


# --- A CONNECT proxy -----------------------------------------------------------------------------


class ConnectProxy(Server):
    """An HTTP proxy that only tunnels (CONNECT), as for https URLs, and records the targets;
    `refuse` answers every request with that status line instead (e.g. "407 Proxy
    Authentication Required")."""

    def __init__(self, refuse: str | None = None) -> None:
        self.targets: list[str] = []
        self.refuse = refuse
        super().__init__(_Tunnel)

    @property
    def url(self) -> str:
        return self.origin


class _Tunnel(socketserver.StreamRequestHandler):
    server: ConnectProxy

    def handle(self) -> None:
        request = self.rfile.readline().decode("latin-1").split()
        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
            pass  # the request's headers
        if len(request) < 2 or request[0] != "CONNECT":
            self.wfile.write(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
            return
        self.server.targets.append(request[1])
        if self.server.refuse:
            self.wfile.write(f"HTTP/1.1 {self.server.refuse}\r\n\r\n".encode())
            return
        host, port = request[1].rsplit(":", 1)
        with socket.create_connection((host, int(port)), timeout=5) as upstream:
            self.wfile.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
            self.wfile.flush()
            ends = [self.connection, upstream]
            while True:
                readable, _, _ = select.select(ends, [], [], 5)
                if not readable:
                    return
                for end in readable:
                    data = end.recv(65536)
                    if not data:
                        return
                    (upstream if end is self.connection else self.connection).sendall(data)
