"""Connections: a slow or silent client cannot hold one open, and only this server's own host
names are answered (DNS rebinding)."""

from __future__ import annotations

import socket
import time

import httpx
import pytest

from security.conftest import ALLOWED_HOST, CLIENT_TIMEOUT
from security.live import LiveServer

SLACK = 2.0
"""Seconds past --client-timeout within which the server must have closed the connection."""


def _closed_after(sock: socket.socket, limit: float) -> float | None:
    """Seconds until the server closes ``sock`` (reading and discarding), or ``None``."""
    start = time.monotonic()
    sock.settimeout(0.5)
    while time.monotonic() - start < limit:
        try:
            if not sock.recv(65536):
                return time.monotonic() - start
        except TimeoutError:
            continue
        except ConnectionResetError:
            return time.monotonic() - start
    return None


def _connect(server: LiveServer) -> socket.socket:
    return socket.create_connection(("127.0.0.1", server.port), timeout=5)


def test_a_silent_connection_is_closed(server: LiveServer) -> None:
    with _connect(server) as sock:
        closed = _closed_after(sock, CLIENT_TIMEOUT + SLACK)
    assert closed is not None and closed < CLIENT_TIMEOUT + SLACK


def test_a_slowloris_client_is_cut_off(server: LiveServer) -> None:
    """A request head sent a header every half second never completes: cut at the timeout."""
    with _connect(server) as sock:
        sock.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        start = time.monotonic()
        cut = None
        for index in range(40):  # 20 s of trickling at most
            time.sleep(0.5)
            try:
                sock.sendall(f"X-Slow-{index}: 1\r\n".encode())
            except (BrokenPipeError, ConnectionResetError):
                cut = time.monotonic() - start
                break
            sock.settimeout(0.01)
            try:
                if sock.recv(1) == b"":
                    cut = time.monotonic() - start
                    break
            except TimeoutError:
                pass
    assert cut is not None and cut < CLIENT_TIMEOUT + SLACK, cut


def test_a_slow_body_is_cut_off(server: LiveServer) -> None:
    with _connect(server) as sock:
        sock.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
            b"application/sparql-query\r\nContent-Length: 1000\r\n\r\nASK"
        )
        start = time.monotonic()
        sock.settimeout(CLIENT_TIMEOUT + SLACK)
        answer = b""
        try:
            while b"\r\n\r\n" not in answer:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                answer += chunk
        except TimeoutError:
            pass
        seconds = time.monotonic() - start
    assert answer.startswith(b"HTTP/1.1 408"), answer[:100]
    assert seconds < CLIENT_TIMEOUT + SLACK


def test_a_client_that_does_not_read_its_answer_is_dropped(server: LiveServer) -> None:
    """A large answer never read: the server stops waiting after the timeout."""
    big = (
        "SELECT ?s WHERE { VALUES ?i { "
        + " ".join(str(i) for i in range(2000))
        + ' } BIND(CONCAT(STR(?i), "'
        + "y" * 4000
        + '") AS ?s) }'
    )
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.connect(("127.0.0.1", server.port))
        body = big.encode()
        head = (
            f"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nContent-Type: "
            f"application/sparql-query\r\nAccept: text/csv\r\nContent-Length: "
            f"{len(body)}\r\n\r\n"
        ).encode()
        sock.sendall(head + body)
        time.sleep(CLIENT_TIMEOUT + SLACK + 1)  # read nothing meanwhile
        received = 0
        sock.settimeout(1)
        try:
            for _ in range(10_000):
                chunk = sock.recv(65536)
                if not chunk:
                    break
                received += len(chunk)
        except (ConnectionResetError, TimeoutError):
            pass
    assert received < 2000 * 4000, "the whole answer was still waiting for the client"


def test_slow_clients_do_not_keep_others_out(server: LiveServer) -> None:
    slow = [_connect(server) for _ in range(30)]
    try:
        for sock in slow:
            sock.sendall(b"GET / HTTP/1.1\r\n")
        with server.client(source="127.0.0.2") as client:
            start = time.monotonic()
            response = client.get("/sparql", params={"query": "ASK {}"})
            assert response.status_code == 200
            assert time.monotonic() - start < 1.0
    finally:
        for sock in slow:
            sock.close()


@pytest.mark.parametrize(
    "host",
    [
        "evil.example",
        "evil.example:8000",
        "127.0.0.1.evil.example",
        "127.0.0.1@evil.example",
        "localhost.evil.example",
        "",
    ],
)
def test_a_request_for_another_host_is_refused(server: LiveServer, host: str) -> None:
    """DNS rebinding: a page at evil.example, its name resolved to 127.0.0.1, still sends
    ``Host: evil.example``: 400, and nothing is read."""
    with httpx.Client(timeout=10) as client:
        response = client.get(f"{server.url}/sparql", params={"query": "ASK {}"}, headers={"Host": host})
    assert response.status_code == 400
    assert "does not answer for the host" in response.json()["error"]["detail"]


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "localhost", "LOCALHOST", ALLOWED_HOST, f"{ALLOWED_HOST}:443", "[::1]"]
)
def test_this_servers_own_names_are_answered(server: LiveServer, host: str) -> None:
    with httpx.Client(timeout=10) as client:
        response = client.get(
            f"{server.url}/sparql",
            params={"query": "ASK {}"},
            headers={"Host": host, "Accept": "application/sparql-results+json"},
        )
    assert response.status_code == 200, response.text


def test_a_request_without_a_host_is_refused(server: LiveServer) -> None:
    with _connect(server) as sock:
        sock.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.0\r\n\r\n")
        sock.settimeout(5)
        answer = b""
        while chunk := sock.recv(4096):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 400"), answer[:100]


def _answer(sock: socket.socket, limit: float = 10.0) -> bytes:
    """What the server sends until it closes the connection (at most ``limit`` seconds)."""
    sock.settimeout(1)
    answer = b""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            continue
        except ConnectionResetError:
            break
        if not chunk:
            break
        answer += chunk
    return answer


def test_a_head_over_the_cap_is_refused(server: LiveServer) -> None:
    """A whole request head of 80 KiB, sent at once: 431, and the connection is closed."""
    with _connect(server) as sock:
        sock.sendall(
            b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: "
            + b"a" * (80 * 1024)
            + b"\r\n\r\n"
        )
        answer = _answer(sock)
    assert answer.startswith(b"HTTP/1.1 431"), answer[:100]


def test_an_endless_header_is_cut_off(server: LiveServer) -> None:
    """A header that never ends, sent as fast as the server reads: cut after about the cap,
    not after the client timeout."""
    with _connect(server) as sock:
        sock.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Endless: ")
        sent = 0
        start = time.monotonic()
        for _ in range(512):  # 8 MiB at most
            try:
                sock.sendall(b"a" * 16384)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += 16384
        answer = _answer(sock)
        seconds = time.monotonic() - start
    assert sent < 4 * 1024 * 1024, sent
    assert answer.startswith(b"HTTP/1.1 431") or answer == b"", answer[:100]
    assert seconds < CLIENT_TIMEOUT, seconds


def test_a_head_under_the_cap_is_answered(server: LiveServer) -> None:
    with server.client() as client:
        response = client.get(
            "/sparql",
            params={"query": "ASK {}"},
            headers={"X-Padding": "a" * 40_000, "Accept": "application/sparql-results+json"},
        )
    assert response.status_code == 200, response.text
