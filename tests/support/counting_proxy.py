"""A loopback HTTP proxy that counts requests by method and path (and keeps their headers and token
requests' grant types), so a test can prove that a second `idp apply` sends no write request, which
idempotency key a payment call carried, or how idp signed in. `upstream` may be changed while it runs."""

from __future__ import annotations

import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import requests

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "content-length",
              "content-encoding"}


class CountingProxy:
    """Forwards everything to upstream; `writes` lists admin-API requests that change state."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.requests: Counter[tuple[str, str]] = Counter()
        self.seen: list[tuple[str, str, dict[str, str]]] = []  # method, path, headers, in order
        self.grants: list[str] = []  # grant_type of each token request, in order
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def _forward(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                proxy.requests[(self.command, self.path.split("?")[0])] += 1
                proxy.seen.append((self.command, self.path.split("?")[0], dict(self.headers.items())))
                if self.path.endswith("/protocol/openid-connect/token"):
                    proxy.grants.extend(parse_qs(body.decode(errors="replace")).get("grant_type", ["?"]))
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                upstream = requests.request(self.command, proxy.upstream + self.path, headers=headers, data=body,
                                            allow_redirects=False, timeout=60)
                self.send_response(upstream.status_code)
                for key, value in upstream.headers.items():
                    if key.lower() not in HOP_BY_HOP:
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(upstream.content)))
                self.end_headers()
                self.wfile.write(upstream.content)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _forward

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> CountingProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def writes(self) -> list[tuple[str, str]]:
        """POST/PUT/DELETE/PATCH to the admin API (the token endpoint is a login, not a write)."""
        return [key for key, n in self.requests.items() for _ in range(n)
                if key[0] != "GET" and key[1].startswith("/admin/")]
