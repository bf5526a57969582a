"""A real single-node Apache Kafka broker for development and tests, without docker.

The broker's jars come from Maven Central (``pom.xml`` beside this file) into a cache directory,
so a second start downloads nothing. Storage is formatted for KRaft on first start; the node runs
in combined broker+controller mode bound to 127.0.0.1 only.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from streams.config import DEFAULT_BROKER_PORT as DEFAULT_PORT
from streams.config import DEFAULT_KAFKA_VERSION, LocalBrokerSettings

__all__ = ["DEFAULT_KAFKA_VERSION", "DEFAULT_PORT", "BrokerError", "LocalBroker", "cache_dir", "fetch_jars"]



class BrokerError(RuntimeError):
    """The local broker could not be fetched, started or stopped; the message says what to do."""


def cache_dir() -> Path:
    """NEWSALERT_CACHE_DIR, or the user's cache directory (streams.config.LocalBrokerSettings)."""
    return LocalBrokerSettings.from_env().cache_dir


def jars_dir(version: str) -> Path:
    return cache_dir() / "kafka" / version / "lib"


def fetch_jars(version: str = DEFAULT_KAFKA_VERSION, *, quiet: bool = True) -> Path:
    """Resolve the broker runtime from Maven Central once; later calls return the cached copy."""
    target = jars_dir(version)
    marker = target / ".complete"
    if marker.exists():
        return target
    mvn = shutil.which("mvn")
    if mvn is None:
        raise BrokerError("Maven ('mvn') is not on PATH: install it (apt-get install maven) to fetch Kafka")
    if not shutil.which("java"):
        raise BrokerError("Java is not on PATH: install a JDK 17+ (apt-get install openjdk-17-jre-headless)")
    tmp = target.with_name("lib.partial")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    pom = resources.files("streams.broker").joinpath("pom.xml")
    with resources.as_file(pom) as pom_path:
        cmd = [
            mvn,
            "-B",
            *(["-q"] if quiet else []),
            "-f",
            str(pom_path),
            "dependency:copy-dependencies",
            f"-Dkafka.version={version}",
            f"-DoutputDirectory={tmp}",
            "-DincludeScope=runtime",
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise BrokerError(
            f"fetching Kafka {version} from Maven Central failed (exit {proc.returncode}):\n"
            f"{proc.stdout[-2000:]}{proc.stderr[-2000:]}"
        )
    if not list(tmp.glob(f"kafka_2.13-{version}.jar")):
        raise BrokerError(f"Maven finished but kafka_2.13-{version}.jar is missing in {tmp}")
    shutil.rmtree(target, ignore_errors=True)
    tmp.rename(target)
    marker.write_text(version)
    return target


@dataclass
class LocalBroker:
    """One KRaft node on 127.0.0.1. ``data_dir`` holds config, logs, pid file and the log dirs."""

    data_dir: Path
    port: int = DEFAULT_PORT
    controller_port: int | None = None
    version: str = DEFAULT_KAFKA_VERSION
    heap: str = "512m"
    extra_config: str = ""  # appended to server.properties (e.g. a SASL listener in tests)

    def __post_init__(self) -> None:
        self.data_dir = Path(self.data_dir).resolve()
        if self.controller_port is None:
            self.controller_port = self.port + 1

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def pid_file(self) -> Path:
        return self.data_dir / "broker.pid"

    @property
    def log_file(self) -> Path:
        return self.data_dir / "broker.log"

    @property
    def config_file(self) -> Path:
        return self.data_dir / "server.properties"

    def server_properties(self) -> str:
        logs = self.data_dir / "kraft-logs"
        return "\n".join(
            [
                "process.roles=broker,controller",
                "node.id=1",
                f"controller.quorum.voters=1@127.0.0.1:{self.controller_port}",
                f"listeners=PLAINTEXT://127.0.0.1:{self.port},CONTROLLER://127.0.0.1:{self.controller_port}",
                f"advertised.listeners=PLAINTEXT://127.0.0.1:{self.port}",
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,"
                "SASL_PLAINTEXT:SASL_PLAINTEXT,SSL:SSL,SASL_SSL:SASL_SSL",
                f"log.dirs={logs}",
                "num.partitions=1",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=8",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "auto.create.topics.enable=true",
                "log.retention.hours=168",
                # quick shutdown for development: no long controlled-shutdown waits
                "controlled.shutdown.enable=true",
                self.extra_config,
                "",
            ]
        )

    # -- lifecycle ----------------------------------------------------------------------------

    def pid(self) -> int | None:
        try:
            pid = int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            return pid
        return pid

    def is_running(self) -> bool:
        return self.pid() is not None

    def accepts_clients(self, timeout: float = 2.0) -> bool:
        """True when a Kafka client can fetch cluster metadata from the broker."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=timeout):
                pass
        except OSError:
            return False
        try:
            from kafka import KafkaAdminClient

            admin = KafkaAdminClient(
                bootstrap_servers=[self.bootstrap],
                request_timeout_ms=int(timeout * 1000) + 1000,
            )
            try:
                admin.list_topics()
            finally:
                admin.close()
        except Exception:
            return False
        return True

    def format_storage(self, jars: Path) -> None:
        logs = self.data_dir / "kraft-logs"
        if (logs / "meta.properties").exists():
            return
        cluster_id = uuid.uuid4().hex[:22]
        # Kafka's cluster ids are url-safe base64 of 16 bytes; StorageTool random-uuid makes one
        out = subprocess.run(
            self._java(jars, "kafka.tools.StorageTool", "random-uuid"), capture_output=True, text=True
        )
        if out.returncode == 0 and out.stdout.strip():
            cluster_id = out.stdout.strip().splitlines()[-1]
        proc = subprocess.run(
            self._java(jars, "kafka.tools.StorageTool", "format", "-t", cluster_id, "-c", str(self.config_file)),
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            raise BrokerError(f"formatting KRaft storage failed:\n{proc.stdout}{proc.stderr}")

    def start(self, *, timeout: float = 60.0) -> float:
        """Start the broker (fetching jars if needed) and wait until it accepts clients.

        Returns the seconds from launch until the broker accepted clients. Idempotent: a broker
        already running from this data dir is left alone.
        """
        if self.is_running() and self.accepts_clients():
            return 0.0
        if self._port_busy(self.port) or self._port_busy(self.controller_port or 0):
            raise BrokerError(
                f"port {self.port} or {self.controller_port} on 127.0.0.1 is taken by another process: "
                "stop it, or choose another with --port"
            )
        jars = fetch_jars(self.version)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.config_file.write_text(self.server_properties())
        self.format_storage(jars)
        log4j = resources.files("streams.broker").joinpath("log4j2.properties")
        log4j_path = self.data_dir / "log4j2.properties"
        log4j_path.write_text(log4j.read_text())
        started = time.monotonic()
        with open(self.log_file, "ab") as log:
            proc = subprocess.Popen(
                [
                    *self._java(jars, "kafka.Kafka", str(self.config_file), heap=self.heap,
                                log4j=str(log4j_path)),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        self.pid_file.write_text(str(proc.pid))
        deadline = started + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise BrokerError(
                    f"the broker exited with code {proc.returncode}; see {self.log_file}:\n{self._log_tail()}"
                )
            if self.accepts_clients(timeout=1.0):
                return time.monotonic() - started
            time.sleep(0.2)
        self.stop()
        raise BrokerError(f"the broker did not accept clients within {timeout:.0f}s; see {self.log_file}")

    def stop(self, *, timeout: float = 30.0) -> bool:
        """Stop cleanly (SIGTERM, controlled shutdown); SIGKILL after ``timeout``. True if it ran."""
        pid = self.pid()
        if pid is None:
            self.pid_file.unlink(missing_ok=True)
            return False
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self._alive(pid):
                break
            time.sleep(0.2)
        else:
            os.kill(pid, signal.SIGKILL)
        self.pid_file.unlink(missing_ok=True)
        return True

    def kill(self) -> None:
        """SIGKILL, for fault tests: no controlled shutdown."""
        pid = self.pid()
        if pid is not None:
            os.kill(pid, signal.SIGKILL)
            while self._alive(pid):
                time.sleep(0.05)

    # -- helpers -------------------------------------------------------------------------------

    @staticmethod
    def _alive(pid: int) -> bool:
        try:
            waited, _ = os.waitpid(pid, os.WNOHANG)
            if waited == pid:
                return False
        except ChildProcessError:
            pass
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True

    @staticmethod
    def _port_busy(port: int) -> bool:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.settimeout(0.5)
            return s.connect_ex(("127.0.0.1", port)) == 0

    def _java(self, jars: Path, main: str, *args: str, heap: str | None = None, log4j: str | None = None) -> list[str]:
        java = shutil.which("java") or "java"
        cmd = [java]
        if heap:
            cmd += [f"-Xmx{heap}", f"-Xms{heap}", "-XX:+UseG1GC"]
        cmd += ["-Djava.awt.headless=true"]
        if log4j:
            cmd += [f"-Dlog4j2.configurationFile={log4j}"]
        else:
            cmd += ["-Dlog4j2.level=WARN"]
        cmd += ["-cp", f"{jars}/*", main, *args]
        return cmd

    def _log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""
