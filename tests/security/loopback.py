"""A loopback listener that counts connections: the target every SSRF test aims at.

It answers like a SPARQL endpoint (an empty result set, or empty Turtle for LOAD), so that a
query that did reach it would succeed and nothing but the count tells the difference. It only
ever listens on 127.0.0.1.
"""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType

RESULTS = b'{"head":{"vars":["x"]},"results":{"bindings":[]}}'


class Listener:
    """Counts every TCP connection made to ``127.0.0.1:port`` while it runs."""

    def __init__(self) -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(64)
        self._socket.settimeout(0.2)
        self.port: int = self._socket.getsockname()[1]
        self._lock = threading.Lock()
        self._count = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def connections(self) -> int:
        with self._lock:
            return self._count

    def wait_for(self, count: int, seconds: float) -> int:
        """The count once it reaches ``count``, or after ``seconds``."""
        deadline = time.monotonic() + seconds
        while self.connections < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.connections

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._socket.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                self._count += 1
            threading.Thread(target=self._answer, args=(client,), daemon=True).start()

    @staticmethod
    def _answer(client: socket.socket) -> None:
        client.settimeout(2)
        head = b""
        try:
            while b"\r\n\r\n" not in head and len(head) < 65536:
                chunk = client.recv(4096)
                if not chunk:
                    break
                head += chunk
            wants_results = b"sparql-results" in head.lower()
            body, media = (
                (RESULTS, b"application/sparql-results+json") if wants_results else (b"", b"text/turtle")
            )
            client.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: "
                + media
                + b"\r\nContent-Length: "
                + str(len(body)).encode()
                + b"\r\nConnection: close\r\n\r\n"
                + body
            )
        except OSError:
            pass
        finally:
            client.close()

    def close(self) -> None:
        self._stop.set()
        self._socket.close()
        self._thread.join(5)

    def __enter__(self) -> Listener:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()
