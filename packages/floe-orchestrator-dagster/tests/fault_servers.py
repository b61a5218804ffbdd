"""Local servers that misbehave on purpose, for the faults a real Dagster webserver cannot produce.

All listen on 127.0.0.1 and a free port, in daemon threads whose names start with
``fault-server`` (so that a test can tell them from the client's), and stop when their block ends:

- ``silent_server``: accepts connections and never answers (the hung server of SC-004);
- ``dripping_server``: answers one byte at a time, forever (defeats per-read timeouts);
- ``flooding_server``: answers 200 with a body that never ends, 64 KiB at a time;
- ``ScriptedServer``: a small HTTP(S) server whose answers the test scripts, Dagster's by default,
  and which records the requests it received;
- ``make_certificates``: a private CA and a certificate for 127.0.0.1 it signed.

Load it by path like ``dagster_server.py`` (see there).
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@contextmanager
def _listening() -> Iterator[socket.socket]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    sock.settimeout(0.1)
    try:
        yield sock
    finally:
        sock.close()


def _accept_loop(sock: socket.socket, stop: threading.Event, handle) -> None:
    while not stop.is_set():
        try:
            conn, _ = sock.accept()
        except (TimeoutError, OSError):
            continue
        threading.Thread(
            target=handle, args=(conn, stop), name="fault-server-connection", daemon=True
        ).start()


def _hold(conn: socket.socket, stop: threading.Event) -> None:
    with conn:
        stop.wait()


def _drip(conn: socket.socket, stop: threading.Event) -> None:
    with conn:
        conn.recv(65536)
        try:
            conn.sendall(b"HTTP/1.1 200 OK\r\n")
            while not stop.wait(0.2):
                conn.sendall(b"X")
        except OSError:
            return


def _flood(conn: socket.socket, stop: threading.Event) -> None:
    chunk = b" " * 65536  # JSON whitespace: the body would parse, were it to end
    with conn:
        conn.recv(65536)
        try:
            conn.sendall(
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n"
            )
            while not stop.wait(0.01):
                conn.sendall(chunk)
        except OSError:
            return


@contextmanager
def _serving(handle) -> Iterator[str]:
    stop = threading.Event()
    with _listening() as sock:
        thread = threading.Thread(
            target=_accept_loop, args=(sock, stop, handle), name="fault-server", daemon=True
        )
        thread.start()
        try:
            yield f"http://127.0.0.1:{sock.getsockname()[1]}"
        finally:
            stop.set()
            thread.join(timeout=5)


@contextmanager
def silent_server() -> Iterator[str]:
    """A server that accepts every connection and never sends a byte; yields its URL."""
    with _serving(_hold) as url:
        yield url


@contextmanager
def dripping_server() -> Iterator[str]:
    """A server that starts an answer and then sends one byte every 0.2 s; yields its URL."""
    with _serving(_drip) as url:
        yield url


@contextmanager
def flooding_server() -> Iterator[str]:
    """A server that answers 200 and then sends 64 KiB every 10 ms, forever; yields its URL."""
    with _serving(_flood) as url:
        yield url


@dataclass
class Reply:
    """One scripted answer."""

    status: int = 200
    body: str = ""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


def dagster_replies(version: str = "1.12.22") -> dict[tuple[str, str], Reply]:
    """What a Dagster webserver of ``version`` answers to the probe."""
    info = {
        "dagster_webserver_version": version,
        "dagster_version": version,
        "dagster_graphql_version": version,
    }
    return {
        ("GET", "/server_info"): Reply(body=json.dumps(info)),
        ("POST", "/graphql"): Reply(body=json.dumps({"data": {"version": version}})),
    }


@dataclass
class Received:
    """One request the scripted server received."""

    method: str
    path: str
    headers: dict[str, str]


class ScriptedServer(ThreadingHTTPServer):
    """An HTTP server answering from ``replies``; ``{authorization}`` in a body echoes that header.

    So does ``{proxy-authorization}``, for the server acting as a proxy.

    ``received`` lists the requests, ``connections`` counts the connections accepted.
    """

    daemon_threads = True

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        super().__init__(("127.0.0.1", 0), _ScriptedHandler)
        self.tls = tls
        self.replies: dict[tuple[str, str], Reply] = dagster_replies()
        self.received: list[Received] = []
        self.connections = 0

    @property
    def url(self) -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://127.0.0.1:{self.server_address[1]}"

    def get_request(self) -> tuple[socket.socket, object]:
        conn, address = self.socket.accept()
        self.connections += 1
        if self.tls is not None:
            conn = self.tls.wrap_socket(conn, server_side=True, do_handshake_on_connect=False)
        return conn, address

    @contextmanager
    def running(self) -> Iterator[ScriptedServer]:
        thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05})
        thread.daemon = True
        thread.start()
        try:
            yield self
        finally:
            self.shutdown()
            self.server_close()
            thread.join(timeout=5)


class _ScriptedHandler(BaseHTTPRequestHandler):
    server: ScriptedServer
    protocol_version = "HTTP/1.1"

    def handle(self) -> None:
        if isinstance(self.connection, ssl.SSLSocket):
            try:
                self.connection.do_handshake()
            except (ssl.SSLError, OSError):
                return  # a client that does not speak TLS, or does not trust us
        super().handle()

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _answer(self, method: str) -> None:
        length = int(self.headers.get("content-length") or 0)
        if length:
            self.rfile.read(length)
        self.server.received.append(Received(method, self.path, dict(self.headers.items())))
        reply = self.server.replies.get((method, self.path), Reply(404, "Not Found", "text/plain"))
        body = reply.body
        for name in ("authorization", "proxy-authorization"):
            body = body.replace(f"{{{name}}}", self.headers.get(name, ""))
        data = body.encode()
        self.send_response(reply.status)
        self.send_header("content-type", reply.content_type)
        self.send_header("content-length", str(len(data)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self._answer("GET")

    def do_POST(self) -> None:
        self._answer("POST")


@dataclass(frozen=True)
class Certificates:
    """A private CA and a server certificate for 127.0.0.1 it signed, as PEM files."""

    ca: Path
    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert, self.key)
        return context


def make_certificates(folder: Path) -> Certificates:
    """Write a CA and a 127.0.0.1 certificate into ``folder``."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "floe test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), False)
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    paths = Certificates(ca=folder / "ca.pem", cert=folder / "server.pem", key=folder / "key.pem")
    paths.ca.write_bytes(ca.public_bytes(pem))
    paths.cert.write_bytes(cert.public_bytes(pem))
    paths.key.write_bytes(
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return paths
