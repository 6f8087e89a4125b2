"""Search under load: gunicorn workers on 127.0.0.1, wrk rotating over the benchmark's query URLs.

Bounded: one wrk run of a fixed duration and connection count against loopback only; gunicorn is
stopped afterwards whatever happens. `create_application()` is gunicorn's app factory
(``bench.load_test:create_application()``): the project's WSGI application with the search engine
behind the HSDS API's `service_search` (as in the in-process benchmark).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
WORKERS = 4
CONNECTIONS = 50
THREADS = 2
READY_TIMEOUT_S = 90

LUA_TEMPLATE = """
local paths = {%(paths)s}
local counter = 0
local threads = 0

setup = function(thread)
  thread:set("offset", threads)
  threads = threads + 1
end

init = function(args)
  counter = (offset or 0) * math.floor(#paths / 2)
end

request = function()
  counter = counter %% #paths + 1
  return wrk.format("GET", paths[counter])
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %%d, "duration_us": %%d, "connect": %%d, "read": %%d, "write": %%d, "status": %%d, ' ..
    '"timeout": %%d, "p50": %%d, "p90": %%d, "p95": %%d, "p99": %%d, "max": %%d, "mean": %%f}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean))
end
"""


def create_application() -> Any:
    """gunicorn's factory: the project's WSGI app, with the search engine behind the API."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    from bench.search_bench import use_engine

    use_engine()
    return application


def lua_script(paths: list[str]) -> str:
    # JSON string literals of ASCII text (the URLs are percent-encoded) are valid Lua string literals.
    return LUA_TEMPLATE % {"paths": ", ".join(json.dumps(path) for path in paths)}


def parse_wrk(output: str) -> dict[str, Any]:
    match = re.search(r"^WRKJSON (\{.*\})$", output, re.MULTILINE)
    if match is None:
        raise ValueError("wrk printed no summary")
    data: dict[str, Any] = json.loads(match.group(1))
    return data


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_ready(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback, our own server)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("gunicorn did not answer in time")


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _peak_rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def load_test(*, workdir: Path, queries: int, duration: int, env: dict[str, str]) -> dict[str, Any]:
    """Run gunicorn against DATABASE_URL of `env` and wrk against it for `duration` seconds."""
    wrk = shutil.which("wrk")
    if wrk is None:
        return {"error": "wrk is not installed (apt-get install wrk)"}
    import django

    django.setup()
    from bench.search_bench import build_queries, term_ids_by_code

    term_ids = term_ids_by_code()
    paths = [spec.url(term_ids) for spec in build_queries(queries)]
    script = workdir / "rotate.lua"
    script.write_text(lua_script(paths))
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "bench.load_test:create_application()",
        "--workers",
        str(WORKERS),
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout",
        "120",
        "--log-level",
        "warning",
    ]
    log = (workdir / "gunicorn.log").open("wb")
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_ready(f"{base}/api/hsds/", process)
        for path in paths[:40]:  # each worker connects and imports what a search needs
            with urllib.request.urlopen(base + path, timeout=60) as response:  # noqa: S310
                response.read()
        print(f"search bench: wrk {CONNECTIONS} connections for {duration} s", file=sys.stderr, flush=True)
        completed = subprocess.run(
            [
                wrk,
                f"-t{THREADS}",
                f"-c{CONNECTIONS}",
                f"-d{duration}s",
                "--timeout",
                "10s",
                "--latency",
                "-s",
                str(script),
                base,
            ],
            capture_output=True,
            text=True,
            timeout=duration + 120,
            check=True,
        )
        summary = parse_wrk(completed.stdout)
        workers = _children(process.pid)
        version = subprocess.run([wrk, "--version"], capture_output=True, text=True, check=False)
        import gunicorn

        return {
            "gunicorn": gunicorn.__version__,
            "wrk": (version.stdout + version.stderr).split()[1] if (version.stdout + version.stderr).split() else "",
            "workers": WORKERS,
            "connections": CONNECTIONS,
            "threads": THREADS,
            "duration_s": duration,
            "urls": len(paths),
            "requests": summary["requests"],
            "throughput": summary["requests"] / (summary["duration_us"] / 1e6),
            "p50_ms": summary["p50"] / 1000,
            "p90_ms": summary["p90"] / 1000,
            "p95_ms": summary["p95"] / 1000,
            "p99_ms": summary["p99"] / 1000,
            "max_ms": summary["max"] / 1000,
            "non_2xx": summary["status"],
            "socket_errors": summary["connect"] + summary["read"] + summary["write"],
            "timeouts": summary["timeout"],
            "worker_peak_rss_mb": max((_peak_rss_mb(pid) for pid in workers), default=0.0),
            "wrk_output": completed.stdout[-3000:],
        }
    except (RuntimeError, ValueError, OSError, subprocess.SubprocessError) as exc:
        return {"error": f"{type(exc).__name__}: {exc} (see gunicorn.log)"}
    finally:
        _stop(process)
        log.close()
