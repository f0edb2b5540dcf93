"""`dialogues up`: the whole system on this machine, supervised, until Ctrl-C.

Start order: nats-server and the MongoDB stand-in (unless NATS_URL / MONGO_URL are given), the
mail sink (unless SMTP_HOST is given), the services, the gateway. Stop order is the reverse.
"""

from __future__ import annotations

import argparse
import logging
import os
import secrets
import sys
import time
from pathlib import Path

from cli.endpoints import remove_endpoints, write_endpoints
from cli.mailsink import mail_folder
from cli.policy import Backoff, instance_names, local_url, loopback_for
from cli.readiness import wait_until_ready
from cli.supervisor import Child, StopRequests, Supervisor, write_pid_file
from services.gateway.settings import GatewaySettings
from services.notify.settings import SmtpSettings
from shared.servers import (
    LocalServer,
    free_port,
    port_answers,
    start_mongo,
    start_nats,
    wait_for_port,
)
from shared.settings import SERVICES, Settings, settings_for

log = logging.getLogger("dialogues.up")

GRACE = 10.0
"""Seconds each process has to stop after SIGTERM before it is killed."""
BACKOFF = Backoff(initial=0.5, factor=2.0, cap=10.0)
GATEWAY_MODULE = "services.gateway"
"""The gateway's `python -m` module; a name, so a smoke test can swap in a stand-in."""
NICENESS = {"notify": 10}
"""Mail waits, people do not: under contention notify (deliveries, reminders, digests) gets
about a tenth of the CPU the request path gets (Linux nice 10: weight 110 against 1024), so a
burst of registrations is answered first and mailed right after. Idle, it runs at full speed."""


def _say_on_stderr() -> None:
    """The supervisor's own lines, short and human; the children log JSON to their files."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", datefmt="%H:%M:%S"))
    log.handlers[:] = [handler]
    log.setLevel(logging.INFO)
    log.propagate = False


def _settings(args: argparse.Namespace) -> Settings:
    settings = Settings()
    data_dir = Path(args.data_dir) if args.data_dir is not None else settings.data_dir
    return settings.model_copy(update={"data_dir": data_dir.resolve()})


def _gateway_settings(args: argparse.Namespace) -> GatewaySettings:
    gateway = GatewaySettings()
    if args.port is not None:
        gateway = gateway.model_copy(update={"gateway_port": args.port})
    return gateway


def _other_supervisor(pid_path: Path) -> int | None:
    """The pid of a live `dialogues up` already using this data folder, if any."""
    try:
        pid = int(pid_path.read_text())
        os.kill(pid, 0)
    except (OSError, ValueError):  # no file, garbage in it, or that process is gone
        return None
    return pid if pid != os.getpid() else None


def _start_servers(settings: Settings, data_dir: Path, servers: list[LocalServer],
                   env: dict[str, str]) -> None:
    """Start what the environment does not provide; point the children's env at it."""
    env["NATS_URL"] = settings.nats_url or _keep(start_nats(data_dir / "nats"), data_dir, servers)
    env["MONGO_URL"] = settings.mongo_url or _keep(
        start_mongo(data_dir / "mongo"), data_dir, servers)


def _keep(server: LocalServer, data_dir: Path, servers: list[LocalServer]) -> str:
    servers.append(server)
    write_pid_file(data_dir / "run" / f"{server.name}.pid", server.process.pid)
    log.info("%s on %s", server.name, server.url)
    return server.url


def _start_mail_sink(data_dir: Path, supervisor: Supervisor, env: dict[str, str]) -> None:
    port = free_port()
    sink = Child("mailsink", [sys.executable, "-m", "cli.mailsink", "--folder",
                              str(mail_folder(data_dir)), "--port", str(port)],
                 env, data_dir, BACKOFF)
    supervisor.start([sink], time.monotonic())
    assert sink.process is not None
    wait_for_port(port, sink.process, "mail sink", 10.0)
    # The local sink speaks plain SMTP without AUTH, whatever the developer's env says.
    for variable in ("SMTP_USERNAME", "SMTP_PASSWORD"):
        env.pop(variable, None)
    env.update(SMTP_HOST="127.0.0.1", SMTP_PORT=str(port), SMTP_SECURITY="none")
    log.info("mail sink on 127.0.0.1:%d keeps mail in %s", port, mail_folder(data_dir))


def _token_secret(data_dir: Path) -> str:
    """A random secret kept in the data folder, so mailed links survive a restart."""
    path = data_dir / "secrets" / "token_secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _environment(settings: Settings, servers: list[LocalServer], supervisor: Supervisor,
                 port: int, url: str) -> dict[str, str]:
    """The children's environment, after starting the servers it does not name; the gateway
    listens on `port`, reached at `url`."""
    # As notify will read it (NOTIFY_SMTP_* included), and before any server starts: a bad
    # SMTP_* stops `up` with one line per problem.
    smtp = settings_for("notify", SmtpSettings)
    data_dir = settings.data_dir
    env = dict(os.environ, DATA_DIR=str(data_dir), GATEWAY_PORT=str(port))
    env.setdefault("TOKEN_SECRET", _token_secret(data_dir))
    env.setdefault("PUBLIC_BASE_URL", url)
    _start_servers(settings, data_dir, servers, env)
    if not smtp.smtp_host:  # else the children read the same variables themselves
        _start_mail_sink(data_dir, supervisor, env)
    return env


def _start(settings: Settings, gateway_settings: GatewaySettings, replicas: int,
           stop: StopRequests, servers: list[LocalServer], supervisor: Supervisor,
           ready_seconds: float) -> int:
    """Start everything, wait for the gateway to be ready, then supervise until stopped."""
    port = gateway_settings.gateway_port or free_port()
    if port_answers(port, loopback_for(gateway_settings.gateway_host)):
        raise RuntimeError(f"port {port} is in use; pass another --port (0: any free port)")
    url = local_url(gateway_settings.gateway_host, port)
    env = _environment(settings, servers, supervisor, port, url)
    data_dir = settings.data_dir
    services = [Child(instance, [sys.executable, "-m", f"services.{name}"], env, data_dir, BACKOFF,
                      niceness=NICENESS.get(name, 0))
                for name in SERVICES for instance in instance_names(name, replicas)]
    supervisor.start(services, time.monotonic())
    gateway = Child("gateway", [sys.executable, "-m", GATEWAY_MODULE], env, data_dir, BACKOFF)
    supervisor.start([gateway], time.monotonic())
    write_endpoints(data_dir, {**env, "GATEWAY_URL": url})
    result = wait_until_ready(url, timeout=ready_seconds, keep_waiting=lambda: not stop.requested,
                              meanwhile=lambda: supervisor.tick(time.monotonic()))
    if stop.requested:
        return 0
    if not result.ready:
        crashing = [f"{child.name} ({child.tracker.restarts} restarts)"
                    for child in supervisor.children if child.tracker.restarts]
        log.error("dialogues up: not ready after %.0f s: %s%s; logs in %s", ready_seconds,
                  result.detail, f"; crashing: {', '.join(crashing)}" if crashing else "",
                  data_dir / "logs")
        return 1
    print(f"dialogues is up: {url}", flush=True)
    print(f"  the site: {url}/   the API: {url}/v1   its documentation: {url}/schema",
          flush=True)
    log.info("logs in %s; `dialogues mail` lists mail; Ctrl-C stops", data_dir / "logs")
    _supervise(supervisor, stop)
    return 0


SUPERVISE_TICK_S = 0.5
"""How often the supervisor looks for exited children (and for a stop request): a restart
waits on its back-off anyway, and each look costs a few system calls per child."""


def _supervise(supervisor: Supervisor, stop: StopRequests) -> None:
    """Restart what dies until asked to stop."""
    while not stop.requested:
        supervisor.tick(time.monotonic())
        time.sleep(SUPERVISE_TICK_S)


def run_up(args: argparse.Namespace) -> int:
    """Start everything, print the gateway URL once ready, supervise until SIGINT/SIGTERM."""
    stop = StopRequests()
    stop.install()
    _say_on_stderr()
    if args.replicas < 1:
        log.error("dialogues up: --replicas must be at least 1")
        return 2
    settings, gateway_settings = _settings(args), _gateway_settings(args)
    pid_path = settings.data_dir / "run" / "supervisor.pid"
    if (other := _other_supervisor(pid_path)) is not None:
        log.error("dialogues up: already running on %s (pid %d; if that is not dialogues, "
                  "remove %s)", settings.data_dir, other, pid_path)
        return 1
    write_pid_file(pid_path, os.getpid())
    servers: list[LocalServer] = []
    supervisor = Supervisor()
    try:
        return _start(settings, gateway_settings, args.replicas, stop, servers, supervisor,
                      args.ready_seconds)
    except (RuntimeError, OSError) as error:
        log.error("dialogues up: %s", error)
        return 1
    finally:
        log.info("stopping%s", " (Ctrl-C again to kill)" if stop.count == 1 else "")
        supervisor.stop(GRACE, lambda: stop.escalated)
        for server in reversed(servers):
            if stop.escalated:
                server.kill()
            else:
                server.stop(GRACE)
            (settings.data_dir / "run" / f"{server.name}.pid").unlink(missing_ok=True)
        remove_endpoints(settings.data_dir)
        pid_path.unlink(missing_ok=True)
        log.info("stopped")
