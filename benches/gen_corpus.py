#!/usr/bin/env python3
"""Writes a portal of N published tasks for benchmarks (standard library only, seeded).

    python3 benches/gen_corpus.py 1000 /tmp/corpus-1k

Each task is a copy of one of the demo's selected tasks (task.yaml, datacard.yaml,
rationale.md) under a new id, with a new title, summary and keywords drawn from the demo's
own vocabulary, so pages are as long as the demo's (about 1,500 words each) and their words
vary from task to task. Every task also carries one made-up word of its own (``zq`` plus
letters, in its keywords), so a benchmark can search for any single task. The demo's
systems, pages, news and reports are copied as they are. The result passes `medal check`.
"""

import random
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = [
    "barrett-neoplasia-endoscopy",
    "fetal-heart-anomaly-us",
    "paediatric-abuse-fracture-radiographs",
    "prediagnostic-pancreatic-cancer-ct",
]


def unique_word(i: int) -> str:
    """zqa, zqb, ... a word no real text uses, one per task."""
    letters = ""
    i += 26 * 26  # at least three letters after "zq"
    while i:
        i, r = divmod(i, 26)
        letters = chr(ord("a") + r) + letters
    return "zq" + letters


def vocabulary() -> list[str]:
    words = []
    for path in sorted((ROOT / "content" / "tasks").glob("*/task.yaml")):
        text = path.read_text(encoding="utf-8")
        if re.search(r"^status: (selected|released|retired)$", text, re.M):
            words += re.findall(r"[A-Za-z][a-z]{3,}", text)
    return sorted(set(words))


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    n, out = int(sys.argv[1]), Path(sys.argv[2])
    if out.exists():
        shutil.rmtree(out)
    rng = random.Random(20260514)
    vocab = vocabulary()

    (out / "content").mkdir(parents=True)
    shutil.copy(ROOT / "medal.toml", out / "medal.toml")
    (out / "data").mkdir()
    shutil.copy(ROOT / "data" / "systems.yaml", out / "data" / "systems.yaml")
    for part in ["pages", "news", "reports"]:
        shutil.copytree(ROOT / "content" / part, out / "content" / part)

    sources = {
        t: {f: (ROOT / "content" / "tasks" / t / f).read_text(encoding="utf-8")
            for f in ["task.yaml", "datacard.yaml", "rationale.md"]}
        for t in TEMPLATES
    }
    for i in range(n):
        template = TEMPLATES[i % len(TEMPLATES)]
        new_id = f"{template}-{i:05d}"
        files = {f: re.sub(rf"\b{re.escape(template)}\b", new_id, text)
                 for f, text in sources[template].items()}
        task = files["task.yaml"]
        title = " ".join(rng.choice(vocab) for _ in range(4)).capitalize()

        def retitle(m, title=title):
            # medal check allows at most 150 characters.
            return f'title: "{(title + ": " + m.group(1))[:150].rstrip()}"'

        task = re.sub(r'^title: "(.*)"$', retitle, task, count=1, flags=re.M)
        summary = " ".join(rng.choice(vocab) for _ in range(70)).capitalize() + "."
        task = re.sub(r"^summary: >-\n(?:  .*\n)+", f"summary: >-\n  {summary}\n", task,
                      count=1, flags=re.M)
        keywords = [rng.choice(vocab).lower() for _ in range(3)] + [unique_word(i)]
        task = re.sub(r"^keywords: \[.*\]$", f"keywords: [{', '.join(keywords)}]", task,
                      count=1, flags=re.M)
        task = re.sub(r"^acronym: .*\n", "", task, count=1, flags=re.M)
        files["task.yaml"] = task
        folder = out / "content" / "tasks" / new_id
        folder.mkdir(parents=True)
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8")
    print(f"wrote {n} tasks to {out}")


if __name__ == "__main__":
    main()
