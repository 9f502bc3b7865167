#!/usr/bin/env python3
"""Side-by-side RTMP benchmark: streamgate, nginx-rtmp and node-media-server.

Starts each server on loopback, one at a time, with a generated config, runs
build/bench/streamgate-bench against it (1 publisher sending a 2.5 Mbit/s
H.264+AAC FLV in real time, N players), and prints per server: CPU seconds per
delivered GB, peak RSS and RSS per player, players keeping up, startup and
latency percentiles, and the ratios against nginx-rtmp. See docs/benchmarks.md.

    bench/compare/run.py --players 100,1000

Only the Python standard library; installs nothing but `npm ci` in bench/peers.
"""
import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, HERE)
import servers  # noqa: E402  (bench/compare/servers.py)
import tables  # noqa: E402  (bench/compare/tables.py)

ALL_SERVERS = ["streamgate", "streamgate-c40", "streamgate-c200", "nginx-rtmp", "node-media-server"]


def log(message):
    print(f"compare: {message}", file=sys.stderr, flush=True)


def ensure_media(build, seconds):
    """2.5 Mbit/s: H.264 High 720p30 at 2372 kbit/s CBR (2 s GOP, no B-frames) + AAC 128 kbit/s."""
    folder = os.path.join(build, "bench-media")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"bench-2500k-{seconds}s.flv")
    if os.path.exists(path):
        return path
    log(f"making {path} with ffmpeg")
    tmp = path + f".{os.getpid()}.tmp"
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-v", "error", "-y",
         "-f", "lavfi", "-i", f"testsrc2=size=1280x720:rate=30:duration={seconds}",
         "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=44100:duration={seconds}",
         "-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high", "-pix_fmt", "yuv420p",
         "-g", "60", "-keyint_min", "60", "-sc_threshold", "0", "-bf", "0",
         "-b:v", "2372k", "-minrate", "2372k", "-maxrate", "2372k", "-bufsize", "2372k",
         "-x264-params", "nal-hrd=cbr",
         "-c:a", "aac", "-b:a", "128k", "-ac", "2", "-f", "flv", tmp],
        check=True)
    os.rename(tmp, path)
    return path


def ensure_peers():
    peers = os.path.join(ROOT, "bench", "peers")
    if os.path.isdir(os.path.join(peers, "node_modules", "node-media-server")):
        return True
    if not shutil.which("npm"):
        log("npm not found: node-media-server skipped")
        return False
    log("npm ci in bench/peers")
    return subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=peers).returncode == 0


SEND_SYSCALLS = ["write", "writev", "sendmsg", "sendto", "sendmmsg"]


def start_syscall_count(pid, delay_s, duration_s):
    """perf stat of the server's send-type syscalls over the tool's window."""
    if not shutil.which("perf"):
        return None
    events = ",".join(f"syscalls:sys_enter_{name}" for name in SEND_SYSCALLS)
    script = (f"sleep {delay_s}; exec perf stat -x, -e {events} "
              f"-p {','.join(str(p) for p in servers.process_tree(pid))} -- sleep {duration_s}")
    return subprocess.Popen(["sh", "-c", script], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)


def finish_syscall_count(proc):
    if proc is None:
        return None
    _, err = proc.communicate(timeout=60)
    counts = {}
    for line in err.splitlines():
        fields = line.split(",")
        if len(fields) > 2 and fields[2].startswith("syscalls:sys_enter_"):
            name = fields[2][len("syscalls:sys_enter_"):]
            counts[name] = int(fields[0]) if fields[0].isdigit() else 0
    return counts or None


def run_one(name, players, args, media, tool, workdir):
    port = servers.free_port()
    server = servers.make(name, port, workdir, args)
    log(f"{name}: starting on 127.0.0.1:{port} ({players} players)")
    server.start(args.priority)
    try:
        out = os.path.join(workdir, "bench.json")
        cmd = [
            tool, "--url", f"rtmp://127.0.0.1:{port}/live/bench", "--flv", media,
            "--label", name, "--players", str(players), "--threads", str(args.tool_threads),
            "--warmup-s", str(args.warmup), "--ramp-s", str(args.ramp), "--settle-s", str(args.settle),
            "--duration-s", str(args.duration), "--watch-pid", str(server.pid), "--json", out, "--no-table"]
        syscalls = None
        if args.syscalls:
            delay = args.warmup + args.ramp + args.settle + 0.5
            syscalls = start_syscall_count(server.pid, delay, args.duration - 1)
        budget = args.warmup + args.ramp + args.settle + args.duration + 60
        # The tool gets a session (autogroup) of its own too, with the same priority.
        with subprocess.Popen(cmd, start_new_session=True) as bench:
            servers.set_priority(bench.pid, args.priority)
            try:
                code = bench.wait(timeout=budget)
            except subprocess.TimeoutExpired:
                bench.kill()
                raise
        counts = finish_syscall_count(syscalls)
        if not os.path.exists(out):
            log(f"{name}: the tool failed (exit {code}), no report")
            return None
        with open(out) as f:
            report = json.load(f)
        report["tool_exit"] = code
        if counts is not None:
            report["send_syscalls"] = counts
            connected = max(1, report["players"]["connected"])
            report["sends_per_player_s"] = sum(counts.values()) / connected / (args.duration - 1)
        return report
    finally:
        server.stop()
        servers.show_errors(server)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default=os.path.join(ROOT, "build"), help="build folder (default: build)")
    parser.add_argument("--players", default="100,1000", help="comma-separated player counts")
    parser.add_argument("--servers", default=",".join(ALL_SERVERS),
                        help="comma-separated, from: " + ", ".join(ALL_SERVERS) +
                        " (streamgate-c200 = write-coalesce 200ms; any streamgate-c<ms> works)")
    parser.add_argument("--hls", action="store_true", help="streamgate with the mpegts and hls plugins too")
    parser.add_argument("--streamgate-threads", type=int, default=2, help="streamgate worker threads")
    parser.add_argument("--tool-threads", type=int, default=2)
    parser.add_argument("--warmup", type=float, default=3, help="publisher alone (s)")
    parser.add_argument("--ramp", type=float, default=5, help="players connect over this (s)")
    parser.add_argument("--settle", type=float, default=3, help="after the ramp (s)")
    parser.add_argument("--duration", type=float, default=20, help="measurement window (s)")
    parser.add_argument("--media-seconds", type=int, default=30, help="length of the looped FLV")
    parser.add_argument("--priority", type=int, default=-10 if os.geteuid() == 0 else 0,
                        help="nice value for servers and tool, and for their autogroups (each runs in "
                        "a session of its own); default -10 as root, so other work on the machine "
                        "disturbs the measurement less; 0 = unchanged")
    parser.add_argument("--syscalls", action="store_true",
                        help="count the server's send syscalls in the window (perf stat)")
    parser.add_argument("--out", help="write all reports as JSON here")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folders")
    args = parser.parse_args()
    args.build = os.path.abspath(args.build)

    tool = os.path.join(args.build, "bench", "streamgate-bench")
    if not os.access(tool, os.X_OK):
        sys.exit(f"compare: {tool} missing: cmake --build {args.build} --target streamgate-bench")
    names = [n.strip() for n in args.servers.split(",") if n.strip()]
    for n in names:
        if n not in ALL_SERVERS and not re.fullmatch(r"streamgate-c\d+", n):
            sys.exit(f"compare: unknown server {n}")
    if "node-media-server" in names and not ensure_peers():
        names.remove("node-media-server")
    plugins = os.path.join(args.build, "lib", "streamgate", "plugins")
    needed = ["rtmp"] + (["mpegts", "hls"] if args.hls else [])
    if any(n.startswith("streamgate") for n in names):
        missing = [p for p in needed if not os.path.exists(os.path.join(plugins, f"libstreamgate-{p}.so"))]
        if missing or not os.access(os.path.join(args.build, "bin", "streamgate"), os.X_OK):
            sys.exit("compare: build streamgate first: cmake --build " + args.build + " --target streamgate " +
                     " ".join(f"streamgate-{p}" for p in needed))
    media = ensure_media(args.build, args.media_seconds)

    results = {}
    for players in [int(p) for p in args.players.split(",")]:
        for name in names:
            workdir = tempfile.mkdtemp(prefix=f"sg-compare-{name}-")
            try:
                report = run_one(name, players, args, media, tool, workdir)
            except (OSError, RuntimeError, subprocess.SubprocessError) as e:
                log(f"{name}: {e}")
                report = None
            if not args.keep:
                shutil.rmtree(workdir, ignore_errors=True)
            else:
                log(f"{name}: files kept in {workdir}")
            results.setdefault(str(players), {})[name] = report
            time.sleep(1)  # let sockets in TIME_WAIT and the kernel settle
        tables.print_results(players, results[str(players)], sys.stdout)
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"settings": vars(args), "results": results}, f, indent=1)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    main()
