"""A given number of requests, a mix of several signed bodies in turn, on 16 connections (for
`bench/commands.py`'s memory measurement), and the resident memory of the process serving them.

Bolt refuses a signature older than five minutes, so the requests go in runs of at most
`SIGNED_FOR` seconds, each signed afresh, until the number is reached; the p50 reported is the
median of the runs' p50s, the p99 the highest of their p99s. With wrk, each of its threads
stops once it has had its share of answers and says so on standard output; the last one's word
interrupts wrk (SIGINT), which then reports as usual. Without wrk, Python threads on keep-alive
connections take numbered tickets until none is left.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import ack_latency
from ack_latency import EVENTS_PATH, HOST, WRK_SCRIPT, Load

CONNECTIONS, THREADS, SIGNED_FOR = 16, 2, 240
MIX_SCRIPT = """local bodies = {{{bodies}}}
local signed = {{{headers}}}
local mix, share, sent, answered = {{}}, {share}, 0, 0
function init(args)
  for i, body in ipairs(bodies) do mix[i] = wrk.format("POST", nil, signed[i], body) end
end
function request()
  sent = sent + 1
  return mix[(sent - 1) % #mix + 1]
end
function response(status, headers, body)
  answered = answered + 1
  if answered == share then
    io.stdout:write("SHARE DONE\\n")
    io.stdout:flush()
    wrk.thread:stop()
  end
end
"""
DONE = WRK_SCRIPT[WRK_SCRIPT.index("done = function") :]  # prints the RESULT line


def load(port: int, bodies: list[str], total: int, wrk: bool, folder: Path) -> Load:
    runs: list[Load] = []
    while (left := total - sum(run[0] for run in runs)) > 0:
        run = wrk_mix(port, bodies, left, folder) if wrk else python_mix(port, bodies, left)
        if run[0] == 0:
            raise RuntimeError(f"no answer in {SIGNED_FOR} s")
        runs.append(run)
    p50s = sorted(run[2] for run in runs)
    return (sum(run[0] for run in runs), sum(run[1] for run in runs), p50s[len(p50s) // 2],
            max(run[3] for run in runs), sum(run[4] for run in runs))  # fmt: skip


def lua_table(headers: dict[str, str]) -> str:
    return "{" + ", ".join(f"[{json.dumps(k)}] = {json.dumps(v)}" for k, v in headers.items()) + "}"


def wrk_mix(port: int, bodies: list[str], total: int, folder: Path) -> Load:
    script = folder / "mix.lua"
    signed = [lua_table(ack_latency.signed_headers(body)) for body in bodies]
    script.write_text(
        MIX_SCRIPT.format(
            bodies=", ".join(json.dumps(b) for b in bodies),
            headers=", ".join(signed),
            share=math.ceil(total / THREADS),
        )
        + DONE
    )
    command = ["wrk", "-t", str(THREADS), "-c", str(CONNECTIONS), "-d", f"{SIGNED_FOR}s",
               "--timeout", "10s", "-s", str(script), f"http://{HOST}:{port}{EVENTS_PATH}"]  # fmt: skip
    wrk = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert wrk.stdout is not None
    finished, result = 0, ""
    for line in wrk.stdout:
        finished += line.startswith("SHARE DONE")
        if finished == THREADS:
            wrk.send_signal(signal.SIGINT)
            finished += 1
        result = line if line.startswith("RESULT ") else result
    if wrk.wait(timeout=60) != 0 or not result:
        raise RuntimeError(f"wrk ended with {wrk.returncode} and no RESULT line")
    requests, duration_us, p50_us, p99_us, errors = (int(x) for x in result.split()[1:])
    return requests, errors, p50_us / 1000, p99_us / 1000, duration_us / 1e6


def python_mix(port: int, bodies: list[str], total: int) -> Load:
    signed = [(body.encode(), ack_latency.signed_headers(body)) for body in bodies]
    tickets = itertools.count()
    start = time.perf_counter()

    def next_request(_: int) -> tuple[bytes, dict[str, str]] | None:
        ticket = next(tickets)
        if ticket >= total or time.perf_counter() >= start + SIGNED_FOR:
            return None
        return signed[ticket % len(signed)]

    return ack_latency.keep_alive_load(port, CONNECTIONS, next_request)


def listening_pid(port: int) -> int:
    """The process listening on 127.0.0.1:`port` (uvicorn runs in the process it was started
    in: `serve`'s, or a bare app's), found by its socket's inode."""
    hex_port = f":{port:04X}"
    inodes = {
        fields[9]
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]
        if (fields := line.split())[1].endswith(hex_port) and fields[3] == "0A"  # LISTEN
    }
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            for fd in (entry / "fd").iterdir():
                with contextlib.suppress(OSError):
                    if os.readlink(fd).removeprefix("socket:[").removesuffix("]") in inodes:
                        return int(entry.name)
    raise RuntimeError(f"no process listens on port {port}")


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def drain(pid: int, quiet: float = 0.5, longest: float = 300.0) -> None:
    """Wait until the process has used (almost) no CPU for `quiet` seconds: requests a load
    generator gave up on at the end of a run are still being answered, and must not be
    counted against the next run."""
    deadline = time.monotonic() + longest
    while time.monotonic() < deadline:
        before = cpu_seconds(pid)
        time.sleep(quiet)
        if cpu_seconds(pid) - before <= 0.02 * quiet:
            return
    print(f"(process {pid} still busy after {longest:.0f} s; measuring anyway)", file=sys.stderr)


def resident_mb(pid: int) -> tuple[float, float]:
    """VmRSS and VmHWM (peak) of a process, in MB (10^6 bytes)."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return tuple(int(fields[name].split()[0]) * 1024 / 1e6 for name in ("VmRSS", "VmHWM"))  # type: ignore[return-value]


def cores() -> int:
    return os.cpu_count() or 0
