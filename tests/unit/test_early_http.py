"""The HTTP/1.1 client idp uses before its CLI is imported: it reads every framing a server may use,
and anything it does not understand is an OSError (the CLI then does the work with requests)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from provisioner import early_http


@pytest.fixture
def server() -> Iterator[dict]:
    """A loopback server that answers each connection with `state["answer"]` (raw bytes, sent in
    `state["pieces"]` parts) and keeps what it received in `state["requests"]`."""
    state: dict = {"answer": b"", "pieces": 1, "requests": []}
    listener = socket.create_server(("127.0.0.1", 0))
    state["url"] = f"http://127.0.0.1:{listener.getsockname()[1]}"

    def serve() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                received = b""
                while b"\r\n\r\n" not in received:
                    data = conn.recv(65536)
                    if not data:
                        break  # the client went away before a whole request
                    received += data
                head, _, body = received.partition(b"\r\n\r\n")
                length = [int(line.split(b":")[1]) for line in head.split(b"\r\n")
                          if line.lower().startswith(b"content-length:")]
                while length and len(body) < length[0]:
                    body += conn.recv(65536)
                state["requests"].append((head.decode(), body))
                answer, pieces = state["answer"], state["pieces"]
                step = max(1, len(answer) // pieces)
                try:
                    for start in range(0, len(answer), step):  # split where a reader must wait for more
                        conn.sendall(answer[start:start + step])
                except OSError:
                    pass  # the client stopped reading, as it should past its bound

    threading.Thread(target=serve, daemon=True).start()
    yield state
    listener.close()


def test_a_post_sends_one_well_formed_request(server):
    server["answer"] = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"
    status, body = early_http.request("POST", server["url"] + "/realms/master/token?x=1", b"a=1&b=2",
                                      {"Content-Type": "application/x-www-form-urlencoded"})
    assert (status, body) == (200, b"{}")
    head, sent = server["requests"][0]
    lines = head.split("\r\n")
    assert lines[0] == "POST /realms/master/token?x=1 HTTP/1.1"
    assert f"Host: 127.0.0.1:{server['url'].rsplit(':', 1)[1]}" in lines
    assert "Connection: close" in lines and "Content-Length: 7" in lines
    assert sent == b"a=1&b=2"


@pytest.mark.parametrize("pieces", [1, 7, 1000])
@pytest.mark.parametrize(("answer", "body"), [
    (b"HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world and what follows is ignored", b"hello world"),
    (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
     b"5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n", b"hello world"),
    (b"HTTP/1.1 200 OK\r\ntransfer-encoding: Chunked\r\n\r\n0\r\n\r\n", b""),
    (b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end", b"until the end"),
    (b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", b"ok"),
    (b"HTTP/1.1 204 No Content\r\n\r\n", b""),
], ids=["length", "chunked", "empty-chunked", "until-close", "interim", "no-content"])
def test_every_framing_a_server_may_use_is_read(server, answer, body, pieces):
    server["answer"], server["pieces"] = answer, pieces
    assert early_http.request("GET", server["url"] + "/")[1] == body


def test_an_error_status_comes_back_with_its_body(server):
    server["answer"] = b'HTTP/1.1 401 Unauthorized\r\nContent-Length: 25\r\n\r\n{"error":"invalid_grant"}'
    assert early_http.request("GET", server["url"]) == (401, b'{"error":"invalid_grant"}')


@pytest.mark.parametrize("answer", [
    b"SSH-2.0-OpenSSH_9.2\r\n\r\n",
    b"HTTP/1.1 OK\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
    b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\ncut short",
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nhello\r\n0\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Le",
    b"",
], ids=["not-http", "no-code", "bad-field", "two-lengths", "negative-length", "short-body", "other-coding",
        "bad-chunk-size", "chunk-overrun", "head-cut", "nothing"])
def test_what_is_not_an_http_answer_is_an_os_error(server, answer):
    server["answer"] = answer
    with pytest.raises(OSError):
        early_http.request("GET", server["url"])


def test_an_answer_past_the_bound_is_refused_unread(server, monkeypatch):
    monkeypatch.setattr(early_http, "MAX_ANSWER", 1000)
    server["answer"] = b"HTTP/1.0 200 OK\r\n\r\n" + b"x" * 5000
    with pytest.raises(OSError, match="larger"):
        early_http.request("GET", server["url"])
    server["answer"] = b"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\nxx"  # refused before any wait for it
    with pytest.raises(OSError, match="Content-Length"):
        early_http.request("GET", server["url"])


def test_a_header_cannot_smuggle_a_second_request(server):
    with pytest.raises(ValueError, match="line break"):
        early_http.request("GET", server["url"], headers={"Authorization": "Bearer t\r\nX-Evil: 1"})
    with pytest.raises(ValueError, match="line break"):
        early_http.request("GET", server["url"], headers={"X-A\nX-Evil": "1"})
    assert server["requests"] == [], "nothing was sent"


def test_only_http_urls_are_requested():
    with pytest.raises(ValueError, match="not an http"):
        early_http.request("GET", "file:///etc/passwd")


def test_a_closed_port_is_an_os_error():
    spare = socket.create_server(("127.0.0.1", 0))
    port = spare.getsockname()[1]
    spare.close()
    with pytest.raises(OSError):
        early_http.request("GET", f"http://127.0.0.1:{port}/", timeout=2)
