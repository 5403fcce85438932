"""Ack latency of `/consortium help` and of a natural-language `/meeting schedule`:
`consortium-bot serve` against bare Bolt apps, in one run.

Each target runs under uvicorn in its own process, one at a time (none shares the 2 cores with
another), is warmed up, then gets the same signed slash command for a fixed time: on one
connection (sequential), then on 16 at once. Bare targets (`bench/bare_apps.py`) only ack:
`async_ack` / `async_ack_pbr` (AsyncApp without / with process_before_response; need aiohttp)
and `sync_ack` (sync App behind Bolt's Starlette handler). `bot` is `consortium-bot serve` on a
SQLite file holding `examples/capacities.yaml`, called by a member, so it answers the real help;
`bot_words` is the same server sent `/meeting schedule` as a person types it (day-first date,
10am, 90 min, a city for the zone): every reader runs and, the date reading two ways, it
answers with its question, writing nothing.

The load generator is `wrk` when on PATH (`apt-get install wrk`), else Python threads on
keep-alive connections, which compete with the server for the cores: their absolute numbers are
pessimistic, so read the ratios, measured in the same run under the same generator.
p50/p99 are per-request latencies in ms. Target: the bot's p99 at 16 concurrent within 1.5x of
the fastest bare app's p99 and under 50 ms. The last block times the bot's ack path in-process
(no HTTP), to show where its time goes. The Slack Web API is the in-process emulator.

    python bench/ack_latency.py [--quick | --duration S] [--targets bot,async_ack_pbr]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import timeit
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from statistics import median
from urllib.parse import quote

from slack_sdk.signature import SignatureVerifier

ROOT = Path(__file__).resolve().parent.parent
HOST, EVENTS_PATH = "127.0.0.1", "/slack/events"
TOKEN, SECRET = "xoxb-bench-token", "bench-signing-secret"
CALLER, HELP_MARKER = "U0COORD1", "For the rest: /consortium help"


def command_body(command: str, text: str) -> str:
    """A slash command as Slack sends it, form-urlencoded."""
    return (
        "token=legacy&team_id=T0LOCAL&team_domain=consortium&channel_id=C0ANNOUNCE"
        f"&channel_name=announcements&user_id={CALLER}&user_name=coordinator"
        f"&command={quote(command, safe='')}&text={quote(text, safe='')}"
        "&api_app_id=A0BENCH&trigger_id=1.2.bench"
        "&response_url=http%3A%2F%2F127.0.0.1%3A9%2Fcommands%2FT0LOCAL%2F1%2Fbench"
    )


BODY = command_body("/consortium", "help")
# A line as a person types it: every reader (date day first, 10am, 90 min, repeat, title)
# runs, and the date reads two ways, so the bot answers with its question and writes nothing.
WORDS_LINE = 'schedule webinar "Spring" 03/04/2027 at 10am for 90 min tz Vienna'
WORDS_BODY = command_body("/meeting", WORDS_LINE)
WORDS_MARKER = "can be read two ways"
BARE = ("async_ack", "async_ack_pbr", "sync_ack")
TARGETS = (*BARE, "bot", "bot_words")
BOT_TARGETS = ("bot", "bot_words")
MODES = (("sequential", 1, 1), ("16 concurrent", 16, 2))  # name, connections, wrk threads
CONCURRENT = MODES[1][0]
MAX_REQUESTS_PER_THREAD = 200_000  # the Python generator's bound besides its duration
Load = tuple[int, int, float, float, float]  # requests, errors, p50 ms, p99 ms, seconds


@dataclass(frozen=True)
class Result:
    target: str
    mode: str
    requests: int
    errors: int
    p50_ms: float
    p99_ms: float
    rps: float


def body_of(target: str) -> str:
    return WORDS_BODY if target == "bot_words" else BODY


def signed_headers(body: str = BODY) -> dict[str, str]:
    """Headers signing `body` now; Bolt accepts them for 5 minutes, so load can replay them."""
    timestamp = str(int(time.time()))
    signature = SignatureVerifier(SECRET).generate_signature(timestamp=timestamp, body=body)
    return {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": str(signature),
    }


@contextlib.contextmanager
def serving(target: str, env: dict[str, str], workdir: Path) -> Iterator[int]:
    """Start one target in its own process group, wait for /healthz; always stop it."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port = int(sock.getsockname()[1])
    command = [sys.executable, "-m", "bot", "serve", "--host", HOST, "--port", str(port)]
    if target not in BOT_TARGETS:
        command = [sys.executable, str(ROOT / "bench" / "bare_apps.py"), target, str(port)]
    log_path = workdir / f"{target}.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command, env=env, cwd=workdir, stdout=log, stderr=log, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 30
        while request(port, "GET", "/healthz", b"", {})[0] != 200:
            if process.poll() is not None or time.monotonic() > deadline:
                log_tail = log_path.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"{target} did not come up on port {port}:\n{log_tail}")
            time.sleep(0.1)
        yield port
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def request(
    port: int, method: str, path: str, body: bytes, headers: dict[str, str]
) -> tuple[int, str]:
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        connection.request(method, path, body, headers)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    except OSError as error:
        return 0, str(error)
    finally:
        connection.close()


WRK_SCRIPT = """wrk.method = "POST"
wrk.body = {body}
{headers}
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.status + e.timeout))
end
"""


def wrk_load(
    port: int, connections: int, threads: int, seconds: int, workdir: Path, body: str = BODY
) -> Load:
    """Run wrk for `seconds`; its Lua `done` hook prints exact percentiles (µs) and errors."""
    script = workdir / "command.lua"
    headers = "\n".join(f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}"
                        for k, v in signed_headers(body).items())  # fmt: skip
    script.write_text(WRK_SCRIPT.format(body=json.dumps(body), headers=headers))
    command = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s",
               "--timeout", "5s", "-s", str(script), f"http://{HOST}:{port}{EVENTS_PATH}"]  # fmt: skip
    run = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 30, check=True)
    line = next(x for x in run.stdout.splitlines() if x.startswith("RESULT "))
    requests, duration_us, p50_us, p99_us, errors = (int(x) for x in line.split()[1:])
    return requests, errors, p50_us / 1000, p99_us / 1000, duration_us / 1e6


def python_load(port: int, connections: int, seconds: float, body_text: str = BODY) -> Load:
    """Threads on keep-alive connections, each bounded by time and by count."""
    request = (body_text.encode(), signed_headers(body_text))
    start = time.perf_counter()
    counts = [0] * connections

    def next_request(index: int) -> tuple[bytes, dict[str, str]] | None:
        counts[index] += 1
        within = time.perf_counter() < start + seconds
        return request if within and counts[index] <= MAX_REQUESTS_PER_THREAD else None

    return keep_alive_load(port, connections, next_request)


def keep_alive_load(
    port: int, connections: int, next_request: Callable[[int], tuple[bytes, dict[str, str]] | None]
) -> Load:
    """`connections` threads, each sending what `next_request(its index)` gives (None: stop)
    on one keep-alive connection; a failed request counts as an error and reconnects."""
    latencies: list[list[float]] = [[] for _ in range(connections)]
    errors = [0] * connections
    start = time.perf_counter()

    def worker(mine: list[float], index: int) -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=10)
        while (request := next_request(index)) is not None:
            body, headers = request
            began = time.perf_counter()
            try:
                connection.request("POST", EVENTS_PATH, body, headers)
                response = connection.getresponse()
                response.read()
                errors[index] += response.status != 200
            except (OSError, http.client.HTTPException):
                errors[index] += 1
                connection.close()
                connection = http.client.HTTPConnection(HOST, port, timeout=10)
            mine.append(time.perf_counter() - began)
        connection.close()

    workers = [threading.Thread(target=worker, args=(mine, i)) for i, mine in enumerate(latencies)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    elapsed = time.perf_counter() - start
    every = sorted(x * 1000 for mine in latencies for x in mine)

    def pct(q: int) -> float:
        return every[max(0, round(q / 100 * len(every)) - 1)] if every else float("nan")

    return len(every), sum(errors), pct(50), pct(99), elapsed


def measure(target: str, env: dict[str, str], workdir: Path, secs: int, wrk: bool) -> list[Result]:
    results = []
    with serving(target, env, workdir) as port:
        body = body_of(target)
        status, text = request(port, "POST", EVENTS_PATH, body.encode(), signed_headers(body))
        marker = {"bot": HELP_MARKER, "bot_words": WORDS_MARKER}.get(target, "")
        if status != 200 or marker not in text:
            raise RuntimeError(f"{target} answered {status} without {marker!r}: {text[:300]}")

        def load(connections: int, threads: int, seconds: int) -> Load:
            if wrk:
                return wrk_load(port, connections, threads, seconds, workdir, body)
            return python_load(port, connections, seconds, body)

        load(16, 2, 1)  # warm-up: imports, first-request caches, connection pools
        for mode, connections, threads in MODES:
            requests, errors, p50, p99, elapsed = load(connections, threads, secs)
            results.append(Result(target, mode, requests, errors, p50, p99, requests / elapsed))
    return results


def ack_path_breakdown(env: dict[str, str], rounds: int = 300) -> list[tuple[str, float]]:
    """Median ms of the bot's ack path and its directory lookups, in this process."""
    import asyncio

    from slack_bolt.async_app import AsyncBoltRequest

    from bot.app import build_app
    from bot.meetings.grammar import parse_meeting_command
    from bot.runtime import open_database
    from bot.settings import load_settings
    from scheduling.clock import SystemClock
    from scheduling.consortium.directory import DirectoryService

    settings = load_settings(env, env_file=None)
    database = open_database(settings)
    loop = asyncio.new_event_loop()
    try:
        app, directory = (
            build_app(settings, database, SystemClock()).app,
            DirectoryService(database),
        )
        headers: dict[str, str | Sequence[str]] = {**signed_headers()}

        def dispatch() -> object:
            request = AsyncBoltRequest(body=BODY, headers=headers)
            return loop.run_until_complete(app.async_dispatch(request))

        words_headers: dict[str, str | Sequence[str]] = {**signed_headers(WORDS_BODY)}

        def dispatch_words() -> object:
            request = AsyncBoltRequest(body=WORDS_BODY, headers=words_headers)
            return loop.run_until_complete(app.async_dispatch(request))

        today = date(2026, 12, 7)

        steps: list[tuple[str, Callable[[], object]]] = [
            ("directory snapshot load (every 30 s)", directory.load),
            ("members_only: in-memory profile lookup", lambda: directory.profile(CALLER)),
            ("AsyncApp.async_dispatch (the whole ack)", dispatch),
            (
                "parse_meeting_command (the words line)",
                lambda: parse_meeting_command(WORDS_LINE, today),
            ),
            ("async_dispatch of the words line", dispatch_words),
        ]
        return [(name, median(timeit.repeat(step, number=1, repeat=rounds)) * 1000)
                for name, step in steps]  # fmt: skip
    finally:
        loop.close()
        database.dispose()


def report(results: list[Result]) -> None:
    print(f"\n{'target':<14} {'mode':<14} {'requests':>9} {'errors':>6} "
          f"{'p50 ms':>8} {'p99 ms':>8} {'req/s':>9}")  # fmt: skip
    for r in results:
        print(f"{r.target:<14} {r.mode:<14} {r.requests:>9} {r.errors:>6} "
              f"{r.p50_ms:>8.2f} {r.p99_ms:>8.2f} {r.rps:>9.1f}")  # fmt: skip
    concurrent = {r.target: r for r in results if r.mode == CONCURRENT}
    bare = [concurrent[t] for t in BARE if t in concurrent]
    bots = [concurrent[t] for t in BOT_TARGETS if t in concurrent]
    if not bare or not bots:
        print("\n(the ratios need a bot target and at least one bare app in --targets)")
        return
    fast = min(bare, key=lambda r: r.p99_ms)
    busy = max(bare, key=lambda r: r.rps)
    for bot in bots:
        ratio = bot.p99_ms / fast.p99_ms
        print(f"\nat {CONCURRENT}, {bot.target} against the fastest bare app:")
        print(f"  p99 / {fast.target} p99: {ratio:.2f}x ({bot.p99_ms:.2f} / {fast.p99_ms:.2f} ms)")
        print(f"  req/s / {busy.target} req/s: {bot.rps / busy.rps:.2f}x "
              f"({bot.rps:.0f} / {busy.rps:.0f})")  # fmt: skip
        met = ratio <= 1.5 and bot.p99_ms < 50 and bot.errors == 0
        print(f"  target (p99 <= 1.5x and < 50 ms, no errors): {'MET' if met else 'NOT MET'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds a measurement (1-120)")
    parser.add_argument("--quick", action="store_true", help="1 s a measurement (smoke run)")
    parser.add_argument("--targets", default=",".join(TARGETS), help="comma-separated, in order")
    parser.add_argument("--python-load", action="store_true", help="Python generator, not wrk")
    args = parser.parse_args(argv)
    seconds = 1 if args.quick else min(max(1, args.duration), 120)
    targets = [t.strip() for t in args.targets.split(",") if t.strip()]
    if unknown := set(targets) - set(TARGETS):
        parser.error(f"unknown targets {sorted(unknown)}; choose from {', '.join(TARGETS)}")
    if importlib.util.find_spec("aiohttp") is None and any(t in BARE[:2] for t in targets):
        print("skipping async_ack*: AsyncApp needs the aiohttp extra (pip install aiohttp)")
        targets = [t for t in targets if t not in BARE[:2]]
    wrk = shutil.which("wrk") is not None and not args.python_load
    print(f"load generator: {'wrk' if wrk else 'Python threads (they compete for the cores)'}; "
          f"{seconds} s a measurement; {os.cpu_count()} cores")  # fmt: skip

    sys.path.insert(0, str(ROOT))
    from bot.local.emulator import SlackEmulator

    with tempfile.TemporaryDirectory(prefix="ack-bench-") as tmp, SlackEmulator() as emulator:
        workdir = Path(tmp)
        env = {
            **os.environ,
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": emulator.api_url,
            "DATABASE_URL": f"sqlite:///{workdir / 'bench.db'}",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        }
        if any(t in BOT_TARGETS for t in targets):
            example = str(ROOT / "examples" / "capacities.yaml")
            imported = subprocess.run([sys.executable, "-m", "bot", "import", example],
                                      env=env, cwd=workdir, capture_output=True, timeout=120)  # fmt: skip
            if imported.returncode != 0:
                print(f"consortium-bot import failed:\n{imported.stderr.decode()}", file=sys.stderr)
                return 1
        results: list[Result] = []
        for target in targets:
            print(f"measuring {target} ...", file=sys.stderr, flush=True)
            try:
                results.extend(measure(target, env, workdir, seconds, wrk))
            except (RuntimeError, subprocess.SubprocessError) as error:
                print(f"ack_latency: {target}: {error}", file=sys.stderr)
                return 1
        report(results)
        if any(t in BOT_TARGETS for t in targets):
            print("\nbot ack path in-process, no HTTP (median ms):")
            for name, ms in ack_path_breakdown(env):
                print(f"  {name:<36} {ms:7.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
