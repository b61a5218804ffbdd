"""A local OpenLineage HTTP receiver for tests: records what it is sent, answers as told."""

from __future__ import annotations

import gzip
import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class ReceivedRequest:
    """One request the receiver got.

    Attributes:
        method: The HTTP method.
        path: The request path (with query).
        headers: The request headers (names lower-cased).
        body: The body as text (gunzipped when it was compressed).
    """

    method: str
    path: str
    headers: dict[str, str]
    body: str

    @property
    def event(self) -> dict[str, Any]:
        """The body parsed as JSON."""
        parsed: dict[str, Any] = json.loads(self.body)
        return parsed


class LineageReceiver:
    """An HTTP server on 127.0.0.1 that records OpenLineage events, in a background thread.

    Use it as a context manager. ``status`` is the answer to every POST (201 by default, like
    Marquez); ``delay`` makes it wait that long before answering (a hanging receiver). Stopping
    the receiver ends pending waits at once.

    Args:
        status: The HTTP status to answer.
        delay: Seconds to wait before answering.

    Examples:
        >>> with LineageReceiver() as receiver:  # doctest: +SKIP
        ...     url = receiver.url  # http://127.0.0.1:<port>/api/v1/lineage
    """

    def __init__(self, *, status: int = 201, delay: float = 0.0) -> None:
        self.status = status
        self.delay = delay
        self.requests: list[ReceivedRequest] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        if self._server is None:
            raise RuntimeError("The receiver is not started; use it in a with block.")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def url(self) -> str:
        """The lineage endpoint, ``<base_url>/api/v1/lineage``."""
        return f"{self.base_url}/api/v1/lineage"

    @property
    def events(self) -> list[dict[str, Any]]:
        """The events POSTed so far, parsed."""
        with self._lock:
            return [request.event for request in self.requests if request.method == "POST"]

    def start(self) -> LineageReceiver:
        """Start serving in a daemon thread."""
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if self.headers.get("Content-Encoding") == "gzip":
                    raw = gzip.decompress(raw)
                request = ReceivedRequest(
                    "POST",
                    self.path,
                    {key.lower(): value for key, value in self.headers.items()},
                    raw.decode("utf-8"),
                )
                with receiver._lock:
                    receiver.requests.append(request)
                if receiver.delay and receiver._stopping.wait(receiver.delay):
                    return
                body = b"" if receiver.status < 300 else b'{"error": "receiver told to fail"}'
                self.send_response(receiver.status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                """Keep test output quiet."""

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="lineage-receiver", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> LineageReceiver:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
