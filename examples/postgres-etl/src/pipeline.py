"""Starter pipeline written by berth 0.1.0: replace the body of run_once() with your job.

It runs the job every RUN_INTERVAL_SECONDS (0: once, then exit) and touches HEARTBEAT_FILE while it
works and waits; the image's HEALTHCHECK reports unhealthy when the heartbeat is older than
120 seconds. Configuration comes from the environment; the database password is read
from the file named by DB_PASSWORD_FILE and never logged.
"""

import logging
import os
import signal
import sys
import time
from pathlib import Path

import psycopg2

log = logging.getLogger("postgres_etl")
HEARTBEAT = Path(os.environ.get("HEARTBEAT_FILE", "/tmp/heartbeat"))
DATA_DIR = Path(os.environ.get("DATA_DIR", "/data"))
stopping = False


def beat() -> None:
    HEARTBEAT.touch()


def on_signal(signum, _frame) -> None:
    global stopping
    log.info("received signal %s, finishing", signum)
    stopping = True


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


def run_once() -> None:
    """One pipeline run. Replace with your extract / transform / load steps."""
    conn = connect()
    try:
        cur = conn.cursor()
        cur.execute("CREATE TABLE IF NOT EXISTS pipeline_runs (finished_at TIMESTAMP NOT NULL)")
        cur.execute("INSERT INTO pipeline_runs (finished_at) VALUES (CURRENT_TIMESTAMP)")
        conn.commit()
        cur.execute("SELECT COUNT(*) FROM pipeline_runs")
        (runs,) = cur.fetchone()
        cur.close()
    finally:
        conn.close()
    log.info("run recorded in the database (%d so far)", runs)


def main() -> int:
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    interval = int(os.environ.get("RUN_INTERVAL_SECONDS", "300"))
    while not stopping:
        beat()
        try:
            run_once()
        except Exception:
            log.exception("run failed")
            if interval == 0:
                return 1
        if interval == 0:
            return 0
        deadline = time.monotonic() + interval
        while not stopping and time.monotonic() < deadline:
            beat()
            time.sleep(min(5.0, max(0.0, deadline - time.monotonic())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
