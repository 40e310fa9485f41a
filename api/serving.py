"""How uvicorn serves the app: HTTP protocols that always turn Nagle's algorithm off.

`uvicorn --workers N` binds the listening socket itself with `proto` 0, and asyncio (and uvloop) only set
TCP_NODELAY on accepted sockets whose proto is TCP, so with more than one worker every keep-alive response
waits ~40 ms for the client's delayed ACK (Kludex/uvicorn#3149). These protocols set it on every connection.
`advocase serve` uses HTTP_PROTOCOL: httptools when installed, else h11.
"""

from __future__ import annotations

import socket

from uvicorn.protocols.http.h11_impl import H11Protocol


def _no_delay(transport) -> None:
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:  # pragma: no cover - a socket already closed by the peer
            pass


class NoDelayH11Protocol(H11Protocol):
    def connection_made(self, transport) -> None:
        _no_delay(transport)
        super().connection_made(transport)


try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    class NoDelayHttpToolsProtocol(HttpToolsProtocol):
        def connection_made(self, transport) -> None:
            _no_delay(transport)
            super().connection_made(transport)

    HTTP_PROTOCOL = "api.serving:NoDelayHttpToolsProtocol"
except ImportError:  # pragma: no cover - httptools is a dependency; h11 is the fallback
    HTTP_PROTOCOL = "api.serving:NoDelayH11Protocol"
