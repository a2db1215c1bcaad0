"""Starter HTTP service written by berth 0.1.0: replace handle_get() with your API.

Standard library only, so the image has nothing extra to patch; swap in your framework of choice
and keep /healthz answering 200 only when the service can do its work (the image's
HEALTHCHECK calls it). The database password is read from the file named by DB_PASSWORD_FILE and never logged.
"""

import json
import logging
import os
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import psycopg2

log = logging.getLogger("api_service")
HEALTH_PATH = "/healthz"


def read_secret(variable: str) -> str:
    path = os.environ.get(variable)
    if not path:
        raise SystemExit(f"{variable} is not set: it must name a secret file")
    return Path(path).read_text(encoding="utf-8").strip()


def connect():
    return psycopg2.connect(
        host=os.environ.get("DB_HOST", "db"),
        port=int(os.environ.get("DB_PORT", "5432")),
        dbname=os.environ.get("DB_NAME", "app"),
        user=os.environ.get("DB_USER", "app"),
        password=read_secret("DB_PASSWORD_FILE"),
        connect_timeout=10,
    )


def healthy() -> bool:
    try:
        conn = connect()
        try:
            cur = conn.cursor()
            cur.execute("SELECT 1")
            cur.fetchone()
            cur.close()
        finally:
            conn.close()
        return True
    except Exception as error:  # report, never crash the probe
        log.warning("database check failed: %s", type(error).__name__)
        return False


def handle_get(path: str) -> tuple[int, dict]:
    if path == HEALTH_PATH:
        return (200, {"status": "ok"}) if healthy() else (503, {"status": "unavailable"})
    if path == "/":
        return 200, {"service": "api-service"}
    return 404, {"error": "not found"}


class Handler(BaseHTTPRequestHandler):
    server_version = "api-service"
    sys_version = ""

    def do_GET(self) -> None:
        status, body = handle_get(self.path.split("?", 1)[0])
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, fmt: str, *args) -> None:
        log.info("%s %s", self.address_string(), fmt % args)


def main() -> int:
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    port = int(os.environ.get("PORT", "8000"))
    server = ThreadingHTTPServer(("0.0.0.0", port), Handler)
    stop = lambda *_: threading.Thread(target=server.shutdown, daemon=True).start()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("listening on port %d", port)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
