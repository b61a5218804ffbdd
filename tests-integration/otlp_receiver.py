"""A local OTLP/HTTP trace receiver for tests, decoding what exporters send (opentelemetry-proto).

``with OtlpReceiver() as receiver:`` listens on 127.0.0.1; point an exporter at
``receiver.traces_url`` (``/v1/traces``, protobuf). ``receiver.spans`` lists every span received as
``(service name, span name, attributes)``. ``OtlpReceiver(hang=True)`` accepts connections and never
answers, as a hung collector does.
"""

from __future__ import annotations

import gzip
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def _value(any_value: Any) -> Any:
    kind = any_value.WhichOneof("value")
    return getattr(any_value, kind) if kind else None


class OtlpReceiver:
    """Records the spans of every ``ExportTraceServiceRequest`` POSTed to ``/v1/traces``."""

    def __init__(self, *, hang: bool = False) -> None:
        self.hang = hang
        self.spans: list[tuple[str, str, dict[str, Any]]] = []
        self.requests = 0
        self._stop = threading.Event()
        self._server: ThreadingHTTPServer | None = None

    @property
    def traces_url(self) -> str:
        assert self._server is not None, "use the receiver in a with block"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1/traces"

    def __enter__(self) -> OtlpReceiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
                    ExportTraceServiceRequest,
                    ExportTraceServiceResponse,
                )

                receiver.requests += 1
                if receiver.hang:
                    receiver._stop.wait(60)
                    return
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                request = ExportTraceServiceRequest.FromString(body)
                for resource_spans in request.resource_spans:
                    resource = {a.key: _value(a.value) for a in resource_spans.resource.attributes}
                    for scope in resource_spans.scope_spans:
                        for span in scope.spans:
                            attributes = {a.key: _value(a.value) for a in span.attributes}
                            receiver.spans.append(
                                (str(resource.get("service.name")), span.name, attributes)
                            )
                answer = ExportTraceServiceResponse().SerializeToString()
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()
