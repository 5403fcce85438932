"""Every command against a bare app acking the same bytes, at 1x and 100x the example
consortium, in one run; and the resident memory of `serve` after 10,000 commands.

Worlds (`bench/_commands_world.py`): `examples/capacities.yaml` with N copies of its members
and meetings (`sweep.scaled_text`), an open round a copy due in 30 days, 20 notes a copy from
the past six days, a reminder of copy 0's next core-team meeting posted by `consortium-bot
tick`, and a year of delivery history (52 digests, 500 reminders a copy); 1x is 10 members and
6 series, 100x 1,000 members, 600 series and 2,000 notes. Each is imported with `consortium-bot
import` into a temporary SQLite file, with its own in-process Slack emulator as the Web API.

For each world, `consortium-bot serve` runs with its scheduler (a sweep every minute, as in
production) in a process of its own for the whole world, and gets, as the coordinator U0COORD1:
`/consortium help`, `/meeting next`, `/meeting list`, `/round status`, `/update list`,
`/digest preview`, `/update` (opens the update form; the emulator lets the replayed trigger_id
open it every time), the form submitted (`view_submission` with the view the emulator received,
its first text field written: every request stores an update and posts its card after the ack)
and Going pressed on the reminder (`block_actions`; the reminder is redrawn after the ack). The
first answer of each is checked (200 and a part of the real answer, or the form opened, or the
reminder redrawn); then, after a 1 s warm-up at 16 connections, it is sent for a fixed time on
one connection (sequential) and on 16 at once. Right after, with the bot idle, `bench/bare_apps.py
async_ack_pbr` (a bare AsyncApp, `process_before_response`, under uvicorn like `serve`) is started
acking that command with the bot's own answer (`BARE_ACK_BODY_FILE`), so both send the same
bytes, and gets the same requests the same way. Non-200 answers count as errors.

The load generator is `wrk` when on PATH, else Python threads (which compete for the cores:
read the ratios). Targets, at 100x and 16 concurrent: the bot's p99 within 1.2x of the bare
app's, with no errors, and its req/s at least 0.8x the bare app's; and for every command the
bot's sequential p50 at 100x under 1.5x that at 1x. Memory: a fresh `serve` (with its
scheduler) at the largest scale gets 10,000 commands, a mix of the above, mostly reads, on 16
connections; its VmRSS (and peak VmHWM, from /proc) must stay under 150 MB.

    python bench/commands.py [--quick | --duration S] [--scales 1,100] [--only help,next,...]
        [--memory-commands N] [--python-load]
"""

from __future__ import annotations

import argparse
import contextlib
import math
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _commands_world as worlds
import _mixed_load as mixed
import ack_latency
from ack_latency import MODES, Load, Result, command_body, request, serving

from bot.local.emulator import SlackEmulator

P99_TARGET, RPS_TARGET, GROWTH_TARGET, MEMORY_TARGET_MB = 1.2, 0.8, 1.5, 150.0
CONCURRENT = MODES[1][0]
READS = ("Jour fixe", "Core team meeting", "Online consortium meeting")


@dataclass(frozen=True)
class Probe:
    name: str  # for --only
    label: str
    body: str  # "" for those built from the world (the submission, the RSVP)
    markers: tuple[str, ...] = ()  # one of them is in the first answer
    effect: str | None = None  # or: the Web API call that answer must have made, ok
    weight: int = 1  # its share of the memory mix


PROBES = (
    Probe("help", "/consortium help", command_body("/consortium", "help"),
          (ack_latency.HELP_MARKER,), weight=3),
    Probe("next", "/meeting next", command_body("/meeting", "next"), READS, weight=3),
    Probe("list", "/meeting list", command_body("/meeting", "list"), READS, weight=2),
    Probe("round", "/round status", command_body("/round", "status"), ("Open round #",), weight=2),
    Probe("updates", "/update list", command_body("/update", "list"), ("Progress report",),
          weight=3),
    Probe("digest", "/digest preview", command_body("/digest", "preview"), ("Open round #",),
          weight=2),
    Probe("form", "/update (form)", command_body("/update", ""), effect="views.open", weight=2),
    Probe("submit", "form submitted", "", ("Update posted",), weight=1),
    Probe("rsvp", "RSVP Going", "", effect="chat.update", weight=2),
)  # fmt: skip
Key = tuple[int, str, str, str]  # scale, probe, target ("bot" or "bare"), mode


@dataclass
class Run:
    seconds: int
    wrk: bool
    folder: Path  # where wrk's scripts go
    results: dict[Key, Result] = field(default_factory=dict)
    sizes: dict[tuple[int, str], int] = field(default_factory=dict)  # the bot's answers' bytes

    def load(self, port: int, body: str, mode: tuple[str, int, int], seconds: int) -> Load:
        _, connections, threads = mode
        if self.wrk:
            return ack_latency.wrk_load(port, connections, threads, seconds, self.folder, body)
        return ack_latency.python_load(port, connections, seconds, body)

    def measure(self, key: tuple[int, str, str], port: int, body: str) -> None:
        """Warm up, then each mode for the run's seconds; each once the server is idle."""
        pid = mixed.listening_pid(port)
        mixed.drain(pid)
        self.load(port, body, MODES[1], 1)
        for mode in MODES:
            mixed.drain(pid)
            requests, errors, p50, p99, elapsed = self.load(port, body, mode, self.seconds)
            if requests == 0:  # nothing answered within the time: no latency to speak of
                p50 = p99 = math.nan
            self.results[(*key, mode[0])] = Result(key[2], mode[0], requests, errors, p50, p99,
                                                   requests / elapsed)  # fmt: skip


def answered(port: int, probe: Probe, body: str, emulator: SlackEmulator, ts: str) -> str:
    """The bot's first answer to `body`, checked to be the real one."""
    before = len(emulator.calls(probe.effect)) if probe.effect else 0
    status, text = request(port, "POST", ack_latency.EVENTS_PATH, body.encode(),
                           ack_latency.signed_headers(body))  # fmt: skip
    if status != 200:
        raise RuntimeError(f"{probe.label}: answered {status}: {text[:300]}")
    if probe.markers and not any(marker in text for marker in probe.markers):
        raise RuntimeError(f"{probe.label}: no {probe.markers} in the answer: {text[:300]}")
    if probe.effect:
        calls = emulator.wait_for_calls(probe.effect, before + 1, timeout=15)[before:]
        # views.open names no message; chat.update must be the reminder's
        made = [c for c in calls if c.response.get("ok") and c.params.get("ts") in (None, ts)]
        if not made:
            raise RuntimeError(f"{probe.label}: no {probe.effect} went through: {calls[-1]}")
    return text


@contextlib.contextmanager
def serving_bot(world: worlds.World, folder: Path) -> Iterator[int]:
    """`consortium-bot serve` on the world, checked to run its scheduler as in production."""
    with serving("bot", world.env, folder) as port:
        log = (folder / "bot.log").read_text(errors="replace")
        if "scheduler started" not in log:
            raise RuntimeError(f"serve runs without its scheduler:\n{log[-2000:]}")
        yield port


def settle(emulator: SlackEmulator, window: float = 2.0, longest: float = 300.0) -> None:
    """Wait until the bot makes at most one Web API call a second over `window` seconds: work
    it put after the acks (cards, redraws, forms) must not run into the next measurement. The
    cards of a thousand forms submitted go into one channel at Slack's one post a second
    (paced), so that trickle is allowed to go on: one post a second is a few ms of CPU."""
    deadline = time.monotonic() + longest
    while time.monotonic() < deadline:
        before = len(emulator.calls())
        time.sleep(window)
        if len(emulator.calls()) - before <= window:
            return


def world_bodies(port: int, world: worlds.World) -> dict[str, str]:
    """The bodies made from the world: the submission sends back the form the bot opens for
    the caller now, as Slack would; the RSVP presses the reminder the world has."""
    form = next(p for p in PROBES if p.name == "form")
    answered(port, form, form.body, world.emulator, world.reminder[1])
    opened = world.emulator.calls("views.open")[-1].response["view"]
    return {"submit": worlds.submission_body(opened), "rsvp": world.rsvp_body}


def measure_world(world: worlds.World, probes: list[Probe], run: Run, folder: Path) -> None:
    bare_env = {**world.env, "BARE_ACK_BODY_FILE": str(folder / "ack-body.txt")}
    reminder_ts = world.reminder[1]
    with serving_bot(world, folder) as port:
        bodies = world_bodies(port, world)
        for probe in probes:
            body = probe.body or bodies[probe.name]
            print(f"  {world.copies}x {probe.label} ...", file=sys.stderr, flush=True)
            answer = answered(port, probe, body, world.emulator, reminder_ts)
            run.sizes[(world.copies, probe.name)] = len(answer.encode())
            run.measure((world.copies, probe.name, "bot"), port, body)
            settle(world.emulator)
            mixed.drain(mixed.listening_pid(port))
            (folder / "ack-body.txt").write_text(answer, encoding="utf-8")
            with serving("async_ack_pbr", bare_env, folder) as bare:
                status, text = request(bare, "POST", ack_latency.EVENTS_PATH, body.encode(),
                                       ack_latency.signed_headers(body))  # fmt: skip
                if status != 200 or len(text) != len(answer):
                    raise RuntimeError(f"bare app: {status}, {len(text)} bytes, not {len(answer)}")
                run.measure((world.copies, probe.name, "bare"), bare, body)


def memory(world: worlds.World, probes: list[Probe], commands: int, wrk: bool, folder: Path) -> str:
    """A fresh `serve` given `commands` commands of the mix; its resident memory."""
    with serving_bot(world, folder) as port:
        pid = mixed.listening_pid(port)
        started = mixed.resident_mb(pid)
        bodies = world_bodies(port, world)
        mix = [p.body or bodies[p.name] for p in probes for _ in range(p.weight)]
        sent, errors, p50, p99, elapsed = mixed.load(port, mix, commands, wrk, folder)
        settle(world.emulator)
        rss, peak = mixed.resident_mb(pid)
    verdict = "MET" if max(rss, peak) < MEMORY_TARGET_MB else "NOT MET"
    if errors:
        verdict += f" (but {errors} of the commands were not answered 200)"
    share = ", ".join(f"{p.label} {p.weight}" for p in probes)
    return (
        f"\nmemory at {world.copies}x: `serve` with its scheduler, {sent} commands "
        f"({errors} errors) on 16 connections in {elapsed:.0f} s (p50 {p50:.1f} ms, p99 "
        f"{p99:.1f} ms), in the proportions {share}\n"
        f"  VmRSS after start-up {started[0]:.1f} MB; after the commands {rss:.1f} MB, peak "
        f"(VmHWM) {peak:.1f} MB; target < {MEMORY_TARGET_MB:.0f} MB: {verdict}"
    )


def report(run: Run, scales: list[int], probes: list[Probe], described: dict[int, str]) -> None:
    results, head = run.results, f"{'requests':>9} {'errors':>6} {'p50 ms':>8} {'p99 ms':>8}"
    for scale in scales:
        print(f"\n{scale}x: {described[scale]}")
        print(f"{'command':<18} {'answer':>8} {'target':<5} {'mode':<14} {head} {'req/s':>8}")
        for probe in probes:
            for target in ("bot", "bare"):
                for mode, _, _ in MODES:
                    r = results[(scale, probe.name, target, mode)]
                    size = f"{run.sizes[(scale, probe.name)]} B"
                    print(f"{probe.label:<18} {size:>8} {target:<5} {mode:<14} {r.requests:>9} "
                          f"{r.errors:>6} {r.p50_ms:>8.2f} {r.p99_ms:>8.2f} {r.rps:>8.1f}")  # fmt: skip
    verdicts: list[tuple[str, bool]] = []
    top, base = scales[-1], scales[0]
    print(f"\nat {CONCURRENT}, {top}x: the bot against the bare app acking the same bytes")
    print(f"{'command':<18} {'p99 bot/bare':>30} {'':<8} {'req/s bot/bare':>24}")
    for probe in probes:
        bot, bare = (results[(top, probe.name, t, CONCURRENT)] for t in ("bot", "bare"))
        p99, rps = bot.p99_ms / bare.p99_ms, bot.rps / bare.rps
        p99_met, rps_met = p99 <= P99_TARGET and bot.errors == 0, rps >= RPS_TARGET
        verdicts += [(f"{probe.label} p99", p99_met), (f"{probe.label} req/s", rps_met)]
        print(f"{probe.label:<18} {f'{p99:.2f}x ({bot.p99_ms:.1f} / {bare.p99_ms:.1f} ms)':>30} "
              f"{mark(p99_met):<8} {f'{rps:.2f}x ({bot.rps:.0f} / {bare.rps:.0f})':>24} "
              f"{mark(rps_met)}")  # fmt: skip
    print(f"targets: p99 <= {P99_TARGET}x with no errors, req/s >= {RPS_TARGET}x")
    if top != base:
        sequential = MODES[0][0]
        print(f"\ngrowth of the bot's {sequential} p50, {top}x / {base}x (target < {GROWTH_TARGET}x;"
              " the bare app's, acking the bot's answer of each scale, is what the answer's"
              " size and the machine's drift between the two account for)")  # fmt: skip
        for probe in probes:
            small, large = (results[(s, probe.name, "bot", sequential)].p50_ms for s in (base, top))
            bare = [results[(s, probe.name, "bare", sequential)].p50_ms for s in (base, top)]
            met = large / small < GROWTH_TARGET
            verdicts.append((f"{probe.label} growth", met))
            print(f"{probe.label:<18} {large / small:>6.2f}x ({small:.2f} -> {large:.2f} ms) "
                  f"{mark(met):<8} bare app: {bare[1] / bare[0]:.2f}x")  # fmt: skip
    missed = [name for name, met in verdicts if not met]
    print(f"\nsummary: {len(verdicts) - len(missed)} of {len(verdicts)} targets met"
          + (f"; not met: {', '.join(missed)}" if missed else ""))  # fmt: skip


def mark(met: bool) -> str:
    return "MET" if met else "NOT MET"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--duration", type=int, default=3, help="seconds a measurement (1-120)")
    parser.add_argument("--quick", action="store_true", help="1 s a measurement (smoke run)")
    parser.add_argument("--scales", default="1,100", help="copies of the example, ascending")
    parser.add_argument("--only", default=",".join(p.name for p in PROBES), help="commands")
    parser.add_argument("--memory-commands", type=int, default=None,
                        help="commands before the memory is read (default 10000, 1000 with "
                        "--quick; 0: no memory measurement)")  # fmt: skip
    parser.add_argument("--python-load", action="store_true", help="Python threads, not wrk")
    args = parser.parse_args(argv)
    seconds = 1 if args.quick else min(max(1, args.duration), 120)
    scales = sorted({int(s) for s in args.scales.split(",") if s.strip()})
    wanted = [n.strip() for n in args.only.split(",") if n.strip()]
    if unknown := set(wanted) - {p.name for p in PROBES}:
        names = ", ".join(p.name for p in PROBES)
        parser.error(f"unknown commands {sorted(unknown)}; choose from {names}")
    probes = [p for p in PROBES if p.name in wanted]
    commands = args.memory_commands
    commands = (1000 if args.quick else 10_000) if commands is None else max(0, commands)
    wrk = shutil.which("wrk") is not None and not args.python_load
    print(f"load generator: {'wrk' if wrk else 'Python threads (they compete for the cores)'}"
          f"; {seconds} s a measurement; {mixed.cores()} cores")  # fmt: skip
    described: dict[int, str] = {}
    memory_line = ""
    with tempfile.TemporaryDirectory(prefix="commands-bench-") as tmp:
        run = Run(seconds, wrk, Path(tmp))
        for scale in scales:
            folder = Path(tmp) / f"{scale}x"
            folder.mkdir()
            print(f"building {scale}x ...", file=sys.stderr, flush=True)
            started = time.perf_counter()
            with worlds.built(scale, folder) as world:
                described[scale] = world.describe()
                print(f"  built in {time.perf_counter() - started:.0f} s", file=sys.stderr)
                measure_world(world, probes, run, folder)
                if commands and scale == scales[-1]:
                    print(f"  memory, {commands} commands ...", file=sys.stderr, flush=True)
                    memory_line = memory(world, probes, commands, wrk, folder)
    report(run, scales, probes, described)
    print(memory_line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
