#!/usr/bin/env python3
"""Glass-to-decode latency of live RTMP, from an ffmpeg publisher to an ffmpeg
player, measured with a wall clock burned into the video.

The publisher encodes a live test picture in real time (-re, lavfi testsrc2,
libx264 -tune zerolatency, 30 fps, 1 s GOP, plus AAC) and draws the wall clock
(Unix ms mod 2^32, taken as the frame leaves the -re rate limiter) into every
frame as a strip of 16x16 blocks, as tests/browser/clock.mjs does for HLS:

  block 0: always white (the strip is there);
  blocks 1..32: bit 0..31 of the time, least significant first, white = 1;
  block 33: parity (white when the number of 1 bits is odd).

The player is ffmpeg with ffplay's low-latency flags (-fflags nobuffer -flags
low_delay): the same RTMP demuxer and H.264 decoder ffplay uses, writing each
decoded frame's strip as raw gray pixels to a pipe. This script stamps every
frame as it arrives, reads the strip back and reports arrival minus burned
time. ffplay itself cannot be read back headless; what it adds on top (its
display refresh) is the same with or without a server in between.

Paths:
  --url rtmp://HOST:PORT/APP/NAME  through a server: publish to and play from URL
  --direct                         baseline, no server: the publisher pushes
                                   straight into `ffmpeg -listen 1` (the player)
Given both, the two alternate --rounds times (so load drifts hit both alike)
and the difference of the medians is what the server adds.

  tools/rtmp_latency.py --direct --url rtmp://127.0.0.1:1935/live/clock --rounds 3

Prints p50/p90/p99 per path (--json: one JSON object). Exits 1 when a path got
too few frames or any frame's clock misread, 2 on bad usage.
"""

import argparse
import csv
import json
import math
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

CLOCK_BLOCK = 16
CLOCK_BITS = 32
STRIP_WIDTH = (CLOCK_BITS + 2) * CLOCK_BLOCK
FRAME_BYTES = STRIP_WIDTH * CLOCK_BLOCK
# A block's mean luma must be clearly black or clearly white; anything in
# between is a damaged strip, reported as a misread, never guessed.
BLACK_MAX = 80
WHITE_MIN = 176


def bit_expr(k):
    return f"mod(floor(t*1000/pow(2\\,{k}))\\,2)"


def clock_filter(fps):
    """The -vf chain: stamp the wall clock, draw the strip, then number the
    frames again at `fps` for the encoder."""
    block = CLOCK_BLOCK

    def box(index, extra):
        return f"drawbox=x={index * block}:y=0:w={block}:h={block}:color=white:t=fill{extra}"

    parts = ["settb=1/1000", "setpts=RTCTIME/1000",
             f"drawbox=x=0:y=0:w={STRIP_WIDTH}:h={block}:color=black:t=fill", box(0, "")]
    bits = []
    for k in range(CLOCK_BITS):
        bits.append(bit_expr(k))
        parts.append(box(k + 1, f":enable='{bit_expr(k)}'"))
    parts.append(box(CLOCK_BITS + 1, f":enable='mod({'+'.join(bits)}\\,2)'"))
    parts += [f"settb=1/{fps}", "setpts=N"]
    return ",".join(parts)


def publisher_args(url, fps=30, gop=30, kbps=1500, seconds=3600):
    """A low-latency live encoder: no B-frames, no look-ahead, fixed GOP."""
    return ["ffmpeg", "-hide_banner", "-nostats", "-nostdin", "-loglevel", "error",
            "-re", "-f", "lavfi", "-i", f"testsrc2=size=640x360:rate={fps}",
            "-re", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
            "-t", str(seconds), "-vf", clock_filter(fps),
            "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency",
            "-profile:v", "high", "-pix_fmt", "yuv420p",
            "-b:v", f"{kbps}k", "-maxrate", f"{kbps}k", "-bufsize", f"{kbps}k",
            "-g", str(gop), "-keyint_min", str(gop), "-sc_threshold", "0",
            "-c:a", "aac", "-b:a", "128k", "-f", "flv", url]


def player_args(url, listen):
    """ffplay's low-latency input flags; decoded frames go out as they come
    (no frame-rate conversion), cropped to the strip, flushed one by one."""
    return (["ffmpeg", "-hide_banner", "-nostats", "-nostdin", "-loglevel", "error",
             "-fflags", "nobuffer", "-flags", "low_delay"]
            + (["-listen", "1"] if listen else [])
            + ["-i", url, "-map", "0:v:0", "-vf", f"crop={STRIP_WIDTH}:{CLOCK_BLOCK}:0:0",
               "-fps_mode", "passthrough", "-pix_fmt", "gray", "-f", "rawvideo",
               "-flush_packets", "1", "pipe:1"])


def read_clock(frame):
    """The burned time (ms mod 2^32) of one gray strip, or (None, reason)."""
    levels = []
    inner = range(CLOCK_BLOCK // 4, CLOCK_BLOCK * 3 // 4)
    for index in range(CLOCK_BITS + 2):
        x0 = index * CLOCK_BLOCK
        total = 0
        for y in inner:
            row = y * STRIP_WIDTH + x0
            total += sum(frame[row + inner.start:row + inner.stop])
        mean = total / (len(inner) * len(inner))
        if mean <= BLACK_MAX:
            levels.append(0)
        elif mean >= WHITE_MIN:
            levels.append(1)
        else:
            return None, f"block {index} is neither black nor white (mean luma {mean:.0f})"
    if levels[0] != 1:
        return None, "no strip (block 0 is not white)"
    value = sum(levels[1 + k] << k for k in range(CLOCK_BITS))
    if levels[CLOCK_BITS + 1] != bin(value).count("1") % 2:
        return None, "parity mismatch"
    return value, None


def percentile(sorted_values, p):
    """Nearest rank."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening(port):
    """True once something listens on TCP `port`, found without connecting
    (ffmpeg -listen 1 takes the first connection as its peer). Linux only;
    elsewhere a fixed wait."""
    try:
        with open("/proc/net/tcp") as f:
            for line in f.readlines()[1:]:
                fields = line.split()
                if int(fields[1].split(":")[1], 16) == port and fields[3] == "0A":
                    return True
        return False
    except OSError:
        time.sleep(1)
        return True


class Reader(threading.Thread):
    """Reads frames from the player's pipe, stamping each on arrival."""

    def __init__(self, pipe):
        super().__init__(daemon=True)
        self.pipe = pipe
        self.frames = []  # (arrival ms, burned ms mod 2^32 or None, misread reason)
        self.lock = threading.Lock()

    def run(self):
        while True:
            frame = bytearray()
            while len(frame) < FRAME_BYTES:
                chunk = self.pipe.read(FRAME_BYTES - len(frame))
                if not chunk:
                    return
                frame += chunk
            arrival_ms = time.time() * 1000
            value, reason = read_clock(frame)
            with self.lock:
                self.frames.append((arrival_ms, value, reason))

    def snapshot(self):
        with self.lock:
            return list(self.frames)


def stop(process, timeout_s=5):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def tail(path, lines=20):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return ""


def measure(url, direct, seconds, warmup_s, startup_timeout_s, fps, log_dir, tag):
    """One round of one path: the latency of every frame that arrived from
    `warmup_s` after the first frame until `seconds` later."""
    if direct:
        url = f"rtmp://127.0.0.1:{free_port()}/live/clock"
    player_log = os.path.join(log_dir, f"{tag}-player.log")
    publisher_log = os.path.join(log_dir, f"{tag}-publisher.log")
    result = {"path": "direct" if direct else "server", "url": url}
    with open(player_log, "wb") as plog, open(publisher_log, "wb") as publog:
        player = subprocess.Popen(player_args(url, direct), stdin=subprocess.DEVNULL,
                                  stdout=subprocess.PIPE, stderr=plog)
        publisher = None
        try:
            if direct:
                port = int(url.split(":")[2].split("/")[0])
                deadline = time.monotonic() + 10
                while not listening(port) and player.poll() is None and time.monotonic() < deadline:
                    time.sleep(0.02)
            reader = Reader(player.stdout)
            reader.start()
            published_at = time.monotonic()
            publisher = subprocess.Popen(publisher_args(url, fps=fps, gop=fps),
                                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                         stderr=publog)
            first_frame_at = None
            deadline = published_at + startup_timeout_s
            while time.monotonic() < deadline:
                if first_frame_at is None and reader.snapshot():
                    first_frame_at = time.monotonic()
                    result["startup_s"] = round(first_frame_at - published_at, 3)
                    deadline = first_frame_at + warmup_s + seconds
                if player.poll() is not None or publisher.poll() is not None:
                    break
                time.sleep(0.05)
            frames = reader.snapshot()
        finally:
            if publisher is not None:
                stop(publisher)
            stop(player)
    result["exited_early"] = [name for name, p in (("player", player), ("publisher", publisher))
                              if p is not None and p.returncode not in (0, -15, 255)]
    if not frames:
        result.update(frames=0, samples=[], misreads=[], rows=[],
                      error="no frame decoded:\n" + tail(player_log) + tail(publisher_log))
        return result
    start_ms = frames[0][0] + warmup_s * 1000
    samples, misreads, previous, rows = [], [], None, []
    for arrival_ms, value, reason in frames:
        latency = None
        if value is not None:
            # Both clocks are this machine's; the burned one wraps at 2^32 ms.
            now = int(arrival_ms)
            latency = ((now - value + 2**31) % 2**32) - 2**31 + (arrival_ms - now)
            if latency < -5 or latency > 60000:
                reason = f"implausible clock (latency {latency:.0f} ms)"
            elif previous is not None and (value == previous or (value - previous) % 2**32 >= 2**31):
                reason = "clock did not advance from the previous frame"
            previous = value
        if reason is not None:
            misreads.append(reason)
        elif arrival_ms >= start_ms:
            samples.append(latency)
        rows.append((round(arrival_ms, 1), value, None if latency is None else round(latency, 1),
                     int(arrival_ms >= start_ms), reason or ""))
    result.update(frames=len(frames), samples=samples, misreads=misreads, rows=rows)
    return result


def summarize(samples):
    ordered = sorted(samples)
    return {q: (round(percentile(ordered, p), 1) if ordered else None)
            for q, p in (("p50", 50), ("p90", 90), ("p99", 99))} | {
        "min": round(ordered[0], 1) if ordered else None,
        "max": round(ordered[-1], 1) if ordered else None,
        "samples": len(ordered)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("--url", help="through a server: rtmp://host:port/app/name")
    parser.add_argument("--direct", action="store_true", help="baseline without a server")
    parser.add_argument("--seconds", type=float, default=10, help="measured per round and path (10)")
    parser.add_argument("--warmup", type=float, default=2,
                        help="seconds after the first frame not counted (2)")
    parser.add_argument("--rounds", type=int, default=1, help="rounds per path, alternating (1)")
    parser.add_argument("--fps", type=int, default=30)
    parser.add_argument("--startup-timeout", type=float, default=20,
                        help="seconds to wait for the first frame (20)")
    parser.add_argument("--min-fraction", type=float, default=0.8,
                        help="fewest samples accepted, as a fraction of seconds x fps (0.8)")
    parser.add_argument("--log-dir", help="keep the ffmpeg logs here (default: a temp folder)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--csv", help="write every frame here: path, round, arrival, clock, latency, "
                                      "counted, misread")
    args = parser.parse_args()
    if not args.url and not args.direct:
        parser.error("give --url, --direct or both")

    paths = (["direct"] if args.direct else []) + (["server"] if args.url else [])
    pooled = {p: {"samples": [], "misreads": [], "frames": 0, "rounds": []} for p in paths}
    errors, rows = [], []
    with tempfile.TemporaryDirectory(prefix="rtmp-latency-") as temp:
        log_dir = args.log_dir or temp
        os.makedirs(log_dir, exist_ok=True)
        for round_index in range(args.rounds):
            for path in paths:
                r = measure(args.url, path == "direct", args.seconds, args.warmup,
                            args.startup_timeout, args.fps, log_dir, f"{path}-{round_index + 1}")
                into = pooled[path]
                into["samples"] += r["samples"]
                into["misreads"] += r["misreads"]
                into["frames"] += r["frames"]
                rows += [(path, round_index + 1) + row for row in r["rows"]]
                into["rounds"].append({"url": r["url"], "startup_s": r.get("startup_s"),
                                       "frames": r["frames"], **summarize(r["samples"])})
                if "error" in r:
                    errors.append(f"{path} round {round_index + 1}: {r['error']}")
                if r["exited_early"]:
                    errors.append(f"{path} round {round_index + 1}: {', '.join(r['exited_early'])} "
                                  f"exited before the end")

    if args.csv:
        with open(args.csv, "w", newline="") as f:
            out = csv.writer(f)
            out.writerow(["path", "round", "arrival_ms", "clock_ms", "latency_ms", "counted", "misread"])
            out.writerows(rows)

    report = {"fps": args.fps, "seconds": args.seconds, "rounds": args.rounds, "paths": {}}
    wanted = args.seconds * args.fps * args.rounds * args.min_fraction
    for path, data in pooled.items():
        report["paths"][path] = {**summarize(data["samples"]), "frames": data["frames"],
                                 "misreads": len(data["misreads"]),
                                 "misread_reasons": sorted(set(data["misreads"]))[:5],
                                 "rounds": data["rounds"]}
        if data["misreads"]:
            errors.append(f"{path}: {len(data['misreads'])} frames misread")
        if len(data["samples"]) < wanted:
            errors.append(f"{path}: {len(data['samples'])} samples, fewer than {wanted:.0f}")
    if len(paths) == 2 and all(report["paths"][p]["samples"] for p in paths):
        d, s = report["paths"]["direct"], report["paths"]["server"]
        report["server_adds_ms"] = {q: round(s[q] - d[q], 1) for q in ("p50", "p90", "p99")}
    report["errors"] = errors

    if args.json:
        print(json.dumps(report, indent=2))
    else:
        for path, p in report["paths"].items():
            print(f"{path:7} p50 {p['p50']} ms  p90 {p['p90']} ms  p99 {p['p99']} ms  "
                  f"(min {p['min']}, max {p['max']}; {p['samples']} samples of {p['frames']} frames, "
                  f"{p['misreads']} misread)")
            for i, r in enumerate(p["rounds"]):
                print(f"        round {i + 1}: p50 {r['p50']} p90 {r['p90']} p99 {r['p99']} ms, "
                      f"first frame {r['startup_s']} s after publish, {r['url']}")
        if "server_adds_ms" in report:
            a = report["server_adds_ms"]
            print(f"server adds: p50 {a['p50']:+} ms, p90 {a['p90']:+} ms, p99 {a['p99']:+} ms")
        for e in errors:
            print("error:", e, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
