"""A webhook receiver that does nothing: answers every request 204 at next to no CPU.

signin_cost puts it on the service's port for one pass, so the listener's cost inside Keycloak can be
told apart from what the service's own work on the same two cores takes from Keycloak.
Run: python -m benchmarks.null_receiver PORT (loopback only).
"""

from __future__ import annotations

import asyncio
import sys


async def _answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                           if line.lower().startswith(b"content-length:")), 0)
            await reader.readexactly(length)
            writer.write(b"HTTP/1.1 204 No Content\r\n\r\n")
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, ValueError):
        writer.close()


async def _serve(port: int) -> None:
    server = await asyncio.start_server(_answer, "127.0.0.1", port)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(_serve(int(sys.argv[1])))
