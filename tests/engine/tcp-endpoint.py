"""A TCP endpoint on 127.0.0.1 for a Docker engine's unix socket, so a client reaches the local
engine as it reaches a remote one (DOCKER_HOST=tcp://..., as CI's docker-in-docker service).

Usage: tcp-endpoint.py SOCKET PORTFILE   (binds a free port and writes it to PORTFILE)
Half-closes are passed on: `docker run` and `docker exec` close their side to end the input.
"""

import asyncio
import sys


async def pipe(reader, writer):
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()
    except (ConnectionError, OSError):
        pass


async def serve(socket_path, port_file):
    async def handle(client_reader, client_writer):
        try:
            engine_reader, engine_writer = await asyncio.open_unix_connection(socket_path)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(pipe(client_reader, engine_writer), pipe(engine_reader, client_writer))
        client_writer.close()
        engine_writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    with open(port_file, "w") as f:
        f.write(str(server.sockets[0].getsockname()[1]))
    async with server:
        await server.serve_forever()


asyncio.run(serve(sys.argv[1], sys.argv[2]))
