#!/usr/bin/env python3
"""Writes the Hugo site equivalent to a MEDAL corpus, for the build-time comparison.

    python3 benches/hugo/make_site.py CORPUS_DIR HUGO_DIR

One page per published task (selected, released, retired) with the same Markdown description,
title, summary and clinical question; taxonomies for modality and specialty; code highlighted
with CSS classes (markup.highlight.noClasses = false). Build it with `hugo --minify -s HUGO_DIR`.
Needs PyYAML (`pip install pyyaml`).
"""
import json
import pathlib
import shutil
import sys

import yaml

PUBLISHED = {"selected", "released", "retired"}

CONFIG = """baseURL = "http://127.0.0.1:8000/"
title = "MEDAL corpus (Hugo)"
disableKinds = ["RSS"]

[taxonomies]
modality = "modalities"
specialty = "specialties"

[markup.highlight]
noClasses = false

[markup.goldmark.renderer]
unsafe = false
"""

BASEOF = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} | {{ site.Title }}</title><link rel="stylesheet" href="/style.css"></head>
<body><header><a href="/">{{ site.Title }}</a><nav><a href="/tasks/">Tasks</a> <a href="/modalities/">Modalities</a> <a href="/specialties/">Specialties</a></nav></header>
<main>{{ block "main" . }}{{ end }}</main><footer>Funded by the Carl-Zeiss-Stiftung</footer></body></html>
"""

SINGLE = """{{ define "main" }}<article><h1>{{ .Title }}</h1>
<p class="lead">{{ .Params.summary }}</p>
<h2>The clinical question</h2><p>{{ .Params.clinical_question }}</p>
<p>{{ range .GetTerms "modalities" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}
{{ range .GetTerms "specialties" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p>
<h2>Background and full description</h2>{{ .Content }}</article>{{ end }}
"""

LIST = """{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Params.summary }}</li>{{ end }}</ul>{{ end }}
"""


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: make_site.py CORPUS_DIR HUGO_DIR")
    corpus, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    if out.exists():
        shutil.rmtree(out)
    (out / "content" / "tasks").mkdir(parents=True)
    (out / "layouts" / "_default").mkdir(parents=True)
    (out / "static").mkdir()
    (out / "hugo.toml").write_text(CONFIG)
    (out / "layouts" / "_default" / "baseof.html").write_text(BASEOF)
    (out / "layouts" / "_default" / "single.html").write_text(SINGLE)
    (out / "layouts" / "_default" / "list.html").write_text(LIST)
    (out / "static" / "style.css").write_text("body{font-family:sans-serif;max-width:60rem;margin:auto}\n")
    n = 0
    for task_yaml in sorted((corpus / "content" / "tasks").glob("*/task.yaml")):
        t = yaml.safe_load(task_yaml.read_text(encoding="utf-8"))
        if t["status"] not in PUBLISHED:
            continue
        front = {
            "title": t["title"],
            "summary": t["summary"],
            "clinical_question": t["clinical"]["clinical_question"],
            "modalities": t["imaging"]["modalities"],
            "specialties": t["clinical"]["specialty"],
            "date": str(t["submitted"]),
        }
        body = t.get("description") or ""
        page = "---\n" + json.dumps(front, ensure_ascii=False) + "\n---\n\n" + body
        (out / "content" / "tasks" / f"{t['id']}.md").write_text(page, encoding="utf-8")
        n += 1
    print(f"wrote {n} task pages into {out}")


if __name__ == "__main__":
    main()
