"""The comparison table (Markdown, so docs/benchmarks.md can quote it as printed)."""
import os

BASELINE = "nginx-rtmp"


def _ratio(value, base):
    if not base or value is None:
        return "-"
    return f"{value / base:.2f}x"


def print_results(players, reports, out):
    base = reports.get(BASELINE)
    print(f"\n### {players} players, 1 publisher (2.5 Mbit/s H.264 + AAC)\n", file=out)
    print("| server | connected | keeping up | CPU s/GB | vs nginx | peak RSS MiB | RSS/player KiB "
          "| startup p50/p99 ms | latency p50/p99 ms | Mbit/s | sends/player/s | tool CPU s | tool lag p99 ms "
          "| softirq CPU s | other CPU s |",
          file=out)
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|", file=out)
    for name, r in reports.items():
        if r is None:
            print(f"| {name} | failed to run | | | | | | | | | | | | | |", file=out)
            continue
        p, s = r["players"], r["server"]
        sends = r.get("sends_per_player_s")
        cells = [
            name,
            f"{p['connected']}/{p['requested']}",
            f"{p['keeping_up']}",
            f"{s['cpu_s_per_gb']:.3f}",
            _ratio(s["cpu_s_per_gb"], base and base["server"]["cpu_s_per_gb"]),
            f"{s['peak_rss_kib'] / 1024:.1f}",
            f"{s['rss_per_player_kib']:.1f}",
            f"{r['startup_ms']['p50_ms']:.0f} / {r['startup_ms']['p99_ms']:.0f}",
            f"{r['latency_ms']['p50_ms']:.1f} / {r['latency_ms']['p99_ms']:.1f}",
            f"{r['throughput_mbit_s']:.0f}",
            f"{sends:.1f}" if sends is not None else "-",
            f"{r['tool_cpu_s']:.1f}",
            f"{r['tool_loop_lag_ms']['p99_ms']:.1f}",
            f"{r.get('machine_softirq_cpu_s', 0):.1f}",
            f"{r['other_cpu_s']:.1f}",
        ]
        print("| " + " | ".join(cells) + " |", file=out)
        failures = p.get("failures") or {}
        for reason, count in failures.items():
            print(f"|   {name}: {count} players: {reason} |", file=out)
    window = next((r["window_s"] for r in reports.values() if r), 0)
    print(f"\nCPU s/GB: server utime+stime (all its processes) over the {window:.0f} s window / GB the "
          "players received. Tool lag: how late the load tool's event loops ran (its share of the "
          "latency). Softirq: the machine's softirq time (loopback TCP delivery, charged to no process). "
          "Other CPU: the rest of the machine in the same window (softirq included).", file=out)
    busiest = max((r["other_cpu_s"] for r in reports.values() if r), default=0)
    capacity = window * (os.cpu_count() or 1)
    if capacity and busiest > 0.2 * capacity:
        print(f"\nNote: other work used up to {busiest:.0f} of {capacity:.0f} CPU s in a window.", file=out)
    late = max((r["tool_loop_lag_ms"]["p99_ms"] for r in reports.values() if r), default=0)
    if late > 20:
        print(f"\nWARNING: the tool's event loop ran up to {late:.0f} ms late (p99): latency and startup "
              "figures include that. A busy machine, or too few --tool-threads.", file=out)
