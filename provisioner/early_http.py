"""HTTP/1.1 for the two kinds of request idp makes before its CLI is imported (provisioner/early_start.py):
the admin sign-in and `--skip-unchanged`'s read of the realm list.

Why not http.client: importing it loads the email package for its header parser, and with ssl that
was 21 ms of the 26 ms before the sign-in could start, a fifth of a whole no-op
`idp apply --skip-unchanged`. What is needed here is small: one request per connection
(`Connection: close`), an answer framed by Content-Length, by chunks, or by the connection's end
(RFC 9112, section 6.3), read up to a bound. ssl is imported only for an https URL, and verifies the
server as http.client's default context does. Anything this does not understand is an OSError, and
the CLI then does the same work with requests, as if this had not run."""

from __future__ import annotations

import socket
import urllib.parse
from collections.abc import Mapping

# Far above the largest answer wanted here (a realm list: about 9 KB per realm), far below harm.
MAX_ANSWER = 32 * 1024 * 1024
_CHUNK = 65536


class BrokenAnswer(OSError):
    """The server's bytes are not an HTTP/1.1 answer this module reads: as unreadable as no answer."""


def request(method: str, url: str, body: bytes | None = None, headers: Mapping[str, str] | None = None,
            timeout: float = 10.0, cafile: str | None = None) -> tuple[int, bytes]:
    """Send one request and return the final answer's status and body (transfer coding removed).
    OSError if the server cannot be reached, is not trusted (https), times out or answers garbage;
    ValueError if `url` or a header could not be sent as given."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {url}")
    host = parts.hostname
    port = parts.port or (443 if parts.scheme == "https" else 80)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    authority = f"[{host}]" if ":" in host else host
    lines = [f"{method} {target} HTTP/1.1", f"Host: {authority}" + (f":{parts.port}" if parts.port else ""),
             "Connection: close", "Accept-Encoding: identity"]
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    if body is not None:
        lines.append(f"Content-Length: {len(body)}")
    if any(c in line for line in lines for c in "\r\n\0"):
        raise ValueError("a request line or header holds a line break")  # never split one request into two
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    # An ASCII name goes as bytes: as str, the resolver would first import the idna codec (2 ms).
    sock = socket.create_connection((host.encode() if host.isascii() else host, port), timeout=timeout)
    try:
        if parts.scheme == "https":
            import ssl  # only here: a plain http Keycloak (loopback, in-cluster) does not pay its import
            sock = ssl.create_default_context(cafile=cafile).wrap_socket(sock, server_hostname=host)
        sock.sendall(head + (body or b""))
        return _answer(sock)
    finally:
        sock.close()


def _answer(sock: socket.socket) -> tuple[int, bytes]:
    received = bytearray()
    while True:  # a 1xx answer (never asked for here, but allowed) comes before the real one
        end = _fill_until(sock, received, b"\r\n\r\n")
        status, fields = _head(bytes(received[:end]))
        del received[:end + 4]
        if not 100 <= status < 200:
            break
    coding = fields.get("transfer-encoding")
    if coding is not None:
        if coding.lower() != "chunked":
            raise BrokenAnswer(f"transfer coding {coding!r} is not read here")
        return status, _dechunk(sock, received)
    length = fields.get("content-length")
    if length is not None:
        if not length.isdigit() or int(length) > MAX_ANSWER:
            raise BrokenAnswer(f"Content-Length {length!r}")
        size = int(length)
        while len(received) < size:
            _more(sock, received, closed_ok=False)
        return status, bytes(received[:size])
    if status in (204, 304):
        return status, b""
    while _more(sock, received, closed_ok=True):  # framed by the connection's end
        pass
    return status, bytes(received)


def _head(raw: bytes) -> tuple[int, dict[str, str]]:
    text = raw.decode("latin-1")
    status_line, *field_lines = text.split("\r\n")
    version, _, rest = status_line.partition(" ")
    code = rest[:3]
    if not version.startswith("HTTP/1.") or len(code) != 3 or not code.isdigit():
        raise BrokenAnswer(f"not an HTTP/1.x status line: {status_line[:80]!r}")
    fields: dict[str, str] = {}
    for line in field_lines:
        name, colon, value = line.partition(":")
        if not colon or not name or name != name.strip():
            raise BrokenAnswer(f"not a header field: {line[:80]!r}")
        name, value = name.lower(), value.strip()
        if name in ("content-length", "transfer-encoding") and name in fields and fields[name] != value:
            raise BrokenAnswer(f"two different {name} fields")  # the framing would be a guess
        fields[name] = value
    return int(code), fields


def _dechunk(sock: socket.socket, received: bytearray) -> bytes:
    body = bytearray()
    while True:
        end = _fill_until(sock, received, b"\r\n")
        size_text = bytes(received[:end]).split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            raise BrokenAnswer(f"not a chunk size: {size_text[:20]!r}") from None
        del received[:end + 2]
        if size == 0:
            return bytes(body)  # trailer fields, if any, are not wanted
        if len(body) + size > MAX_ANSWER:
            raise BrokenAnswer("answer larger than idp reads")
        while len(received) < size + 2:
            _more(sock, received, closed_ok=False)
        if received[size:size + 2] != b"\r\n":
            raise BrokenAnswer("a chunk does not end where its size says")
        body += received[:size]
        del received[:size + 2]


def _fill_until(sock: socket.socket, received: bytearray, marker: bytes) -> int:
    """Read until `received` holds `marker`; its index."""
    start = 0
    while (found := received.find(marker, start)) < 0:
        start = max(0, len(received) - len(marker) + 1)
        _more(sock, received, closed_ok=False)
    return found


def _more(sock: socket.socket, received: bytearray, closed_ok: bool) -> bool:
    """Read what has arrived into `received`; False at the connection's end (an error unless closed_ok)."""
    data = sock.recv(_CHUNK)
    if not data:
        if closed_ok:
            return False
        raise BrokenAnswer("the connection ended inside the answer")
    if len(received) + len(data) > MAX_ANSWER:
        raise BrokenAnswer("answer larger than idp reads")
    received += data
    return True
