#!/usr/bin/env python3
"""Writes a portal of N tasks for the benchmarks, varied from the demo portal's tasks.

    python3 benches/gen_corpus.py 1000 /tmp/medal-1k

The first tasks keep the demo ids (news and reports link to them); task k after those is a
copy of demo task k mod 19 with the id `<demo-id>-<k>` everywhere it occurs (task.yaml,
datacard.yaml, rationale.md, data/leaderboards/<id>.json), so every copy passes `medal check`
like its original. Standard library only; deterministic.
"""
import pathlib
import shutil
import sys


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: gen_corpus.py N OUT_DIR")
    n = int(sys.argv[1])
    out = pathlib.Path(sys.argv[2])
    src = pathlib.Path(__file__).resolve().parent.parent
    if out.exists():
        shutil.rmtree(out)
    (out / "content" / "tasks").mkdir(parents=True)
    (out / "data" / "leaderboards").mkdir(parents=True)
    shutil.copy(src / "medal.toml", out / "medal.toml")
    shutil.copy(src / "data" / "systems.yaml", out / "data" / "systems.yaml")
    for sub in ("news", "reports", "pages"):
        shutil.copytree(src / "content" / sub, out / "content" / sub)
    demo = sorted(p.name for p in (src / "content" / "tasks").iterdir() if p.is_dir())
    for k in range(n):
        base = demo[k % len(demo)]
        new = base if k < len(demo) else f"{base}-{k}"
        d = out / "content" / "tasks" / new
        d.mkdir()
        for f in sorted((src / "content" / "tasks" / base).iterdir()):
            (d / f.name).write_text(f.read_text(encoding="utf-8").replace(base, new), encoding="utf-8")
        lb = src / "data" / "leaderboards" / f"{base}.json"
        if lb.exists():
            text = lb.read_text(encoding="utf-8").replace(base, new)
            (out / "data" / "leaderboards" / f"{new}.json").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
