"""Starter pipeline written by berth 0.1.0: replace the body of run_once() with your job.

It runs the job every RUN_INTERVAL_SECONDS (0: once, then exit) and touches HEARTBEAT_FILE while it
works and waits; the image's HEALTHCHECK reports unhealthy when the heartbeat is older than
120 seconds. Configuration comes from the environment; secrets belong in files under /run/secrets.
"""

import logging
import os
import signal
import sys
import time
from pathlib import Path

log = logging.getLogger("minimal")
HEARTBEAT = Path(os.environ.get("HEARTBEAT_FILE", "/tmp/heartbeat"))
DATA_DIR = Path(os.environ.get("DATA_DIR", "/data"))
stopping = False


def beat() -> None:
    HEARTBEAT.touch()


def on_signal(signum, _frame) -> None:
    global stopping
    log.info("received signal %s, finishing", signum)
    stopping = True


def run_once() -> None:
    """One pipeline run. Replace with your extract / transform / load steps."""
    marker = DATA_DIR / "last-run"
    marker.write_text(time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), encoding="utf-8")
    log.info("run finished, wrote %s", marker)


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
