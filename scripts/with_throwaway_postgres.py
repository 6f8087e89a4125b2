#!/usr/bin/env python3
"""Run a command against a throwaway PostgreSQL cluster, then remove the cluster.

    python scripts/with_throwaway_postgres.py -- pytest ...

Starts a private cluster (initdb + pg_ctl) in a temporary directory on a free
loopback port, exports DATABASE_URL for the command, and stops and deletes the
cluster afterwards, whatever the command's outcome. Where no PostgreSQL server
binaries are installed it prints a loud notice and exits 0 without running the
command, so that `make test` still runs the SQLite suite.

PostgreSQL refuses to run as root; when run as root the cluster belongs to the
`postgres` system user (created by Debian's postgresql package).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path


def find_server_bin() -> Path | None:
    initdb = shutil.which("initdb")
    if initdb:
        return Path(os.path.realpath(initdb)).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(candidates[-1]).parent if candidates else None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def notice(message: str) -> None:
    bar = "!" * 78
    print(f"\n{bar}\n!! {message}\n{bar}\n", file=sys.stderr, flush=True)


def _exit_on_signal(signum: int, _frame: object) -> None:
    # Turns SIGTERM/SIGHUP into an ordinary exit, so that the cluster is still stopped and deleted.
    raise SystemExit(128 + signum)


def main(argv: list[str]) -> int:
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _exit_on_signal)
    if "--" in argv:
        argv = argv[argv.index("--") + 1 :]
    if not argv:
        print("usage: with_throwaway_postgres.py -- COMMAND [ARGS...]", file=sys.stderr)
        return 2
    bindir = find_server_bin()
    if bindir is None:
        notice("PostgreSQL server binaries (initdb, pg_ctl) not found: the PostgreSQL suite was NOT run.")
        return 0

    as_user: list[str] = []
    owner = None
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            notice("Running as root and there is no 'postgres' user to own the cluster: PostgreSQL suite NOT run.")
            return 0
        as_user = ["runuser", "-u", "postgres", "--"]

    workdir = Path(tempfile.mkdtemp(prefix="newstart-pg-"))
    data, log = workdir / "data", workdir / "server.log"
    if owner is not None:
        os.chown(workdir, owner.pw_uid, owner.pw_gid)
    port = free_port()
    started = False
    try:
        subprocess.run(
            [
                *as_user,
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        # Durability is pointless for a cluster that lives for one test run.
        options = (
            f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=50"
        )
        subprocess.run(
            [*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(log), "-w", "start"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        started = True
        env = dict(os.environ, DATABASE_URL=f"postgres://postgres@127.0.0.1:{port}/postgres")
        print(f"Throwaway PostgreSQL ({bindir.parent.name}) on 127.0.0.1:{port}", file=sys.stderr, flush=True)
        return subprocess.call(argv, env=env)
    except subprocess.CalledProcessError as exc:
        notice(f"Could not start the throwaway PostgreSQL cluster ({exc}); see {log}")
        if log.exists():
            print(log.read_text(errors="replace")[-3000:], file=sys.stderr)
        return 1
    finally:
        if started:
            subprocess.run(
                [*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                check=False,
            )
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
