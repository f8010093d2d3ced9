"""`lemniscate codec-server`: decode encrypted payloads for the Temporal Web UI and CLI."""

from __future__ import annotations

import os
import sys
from typing import Final, NoReturn

import click

from lemniscate.cluster import ClusterError, codec_from_env

ENV_CODEC_TOKEN: Final = "LEMNISCATE_CODEC_TOKEN"
ENV_CODEC_CORS_ORIGINS: Final = "LEMNISCATE_CODEC_CORS_ORIGINS"
DEFAULT_CORS_ORIGINS: Final = "http://localhost:8080,http://127.0.0.1:8233,http://localhost:8233"


@click.command(name="codec-server")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8081, show_default=True, type=click.IntRange(1, 65535))
def codec_server(host: str, port: int) -> None:
    """Serve Temporal's remote codec protocol (POST .../encode and .../decode) with the keys
    of LEMNISCATE_ENCRYPTION_KEYS, so the Web UI and `temporal` CLI can show payloads in
    the clear. Every request needs the token in LEMNISCATE_CODEC_TOKEN, as
    `Authorization: Bearer <token>` or, for the Web UI, the cookie set by signing in once at
    http://HOST:PORT/login. Browser origins allowed: LEMNISCATE_CODEC_CORS_ORIGINS
    (comma-separated; default: the compose UI on :8080 and the embedded UI on :8233).

    \b
    Example:
      LEMNISCATE_CODEC_TOKEN=... LEMNISCATE_ENCRYPTION_KEYS=... lemniscate codec-server --port 8081
      temporal workflow show -w coalition/res-drechtsteden \\
        --codec-endpoint http://127.0.0.1:8081 --codec-auth "Bearer $LEMNISCATE_CODEC_TOKEN"
    """
    import logging

    import uvicorn

    from lemniscate.cluster.codec_server import CorsOriginsError, check_origins, create_app
    from lemniscate.workers.logs import configure_logging

    token = os.environ.get(ENV_CODEC_TOKEN, "").strip()
    if not token:
        _fail(
            f"{ENV_CODEC_TOKEN} is not set: the codec server shows partner data in the clear, "
            "so it only serves callers that present this token; set it to a long random string"
        )
    try:
        codec = codec_from_env()
    except ClusterError as error:
        _fail(str(error))
    if codec is None:
        _fail(
            "LEMNISCATE_ENCRYPTION_KEYS is not set: without keys there is nothing to decode; "
            "give the codec server the same keys as the workers"
        )
    origins = [
        o.strip()
        for o in os.environ.get(ENV_CODEC_CORS_ORIGINS, DEFAULT_CORS_ORIGINS).split(",")
        if o.strip()
    ]
    try:
        check_origins(origins)
    except CorsOriginsError as error:
        _fail(str(error))
    configure_logging()
    logging.getLogger("uvicorn.error").setLevel(logging.INFO)  # startup and shutdown lines
    click.echo(
        f"Codec server on http://{host}:{port} (active key {codec.active_key_id!r}; "
        f"origins {', '.join(origins)})"
    )
    uvicorn.run(create_app(codec, token, origins), host=host, port=port, log_config=None, access_log=False)


def _fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)
