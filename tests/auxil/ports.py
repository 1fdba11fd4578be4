"""A port on 127.0.0.1 for a test: free a moment ago (bound, then released at once), so a
server the test starts can listen there, and, while nothing does, a connection to it is
refused."""

from __future__ import annotations

import socket


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listened on a moment ago."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
