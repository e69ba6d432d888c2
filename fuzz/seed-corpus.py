#!/usr/bin/env python3
"""Seeds fuzz/corpus/<target>/ from ksqlDB's own tests and this repository's SQL and lessons.

Usage: fuzz/seed-corpus.py [QTT_DIR]   (default ../shared/ksqldb-qtt beside the repository)

The qtt files are read where they are and never copied into the repository: the corpus folder is
git-ignored. Each qtt test case becomes one script (its statements, one per line) for sql_parse,
sql_plan and sql_execute (there, statements are separated by NUL bytes so time passes between
them). Lesson files seed lesson_parse; the SQL inside them and tests/sql/*.sql seed the SQL
targets too. url_fragment gets valid deep links (encoded here exactly as src/share/fragment.rs
does: JSON, raw deflate, base64url without padding, `v1/`) around the lessons' SQL, plus damaged
ones; stored_state gets lesson progress as the page stores it, plus damaged progress.
"""
import base64
import zlib
import hashlib
import json
import os
import re
import sys

FUZZ = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(FUZZ)
QTT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(REPO), "shared", "ksqldb-qtt")
SQL_TARGETS = ["sql_parse", "sql_plan", "sql_execute"]
counts = {}


def put(target, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    folder = os.path.join(FUZZ, "corpus", target)
    os.makedirs(folder, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()
    path = os.path.join(folder, name)
    if not os.path.exists(path):
        with open(path, "wb") as f:
            f.write(data)
        counts[target] = counts.get(target, 0) + 1


def put_script(statements):
    statements = [s.strip() for s in statements if s.strip()]
    if not statements:
        return
    put("sql_parse", "\n".join(statements))
    put("sql_plan", "\n".join(statements))
    put("sql_execute", "\0".join(statements))
    for statement in statements:
        put("sql_parse", statement)


def qtt_scripts(root):
    for folder, _, files in os.walk(root):
        for file in sorted(files):
            if not file.endswith(".json"):
                continue
            try:
                with open(os.path.join(folder, file), encoding="utf-8") as f:
                    doc = json.load(f)
            except (OSError, ValueError):
                continue
            for case in doc.get("tests", []) if isinstance(doc, dict) else []:
                statements = case.get("statements") if isinstance(case, dict) else None
                if isinstance(statements, list):
                    yield [s for s in statements if isinstance(s, str)]


if os.path.isdir(QTT):
    for script in qtt_scripts(QTT):
        put_script(script)
else:
    print(f"note: {QTT} not found; seeding from this repository only", file=sys.stderr)

for file in sorted(os.listdir(os.path.join(REPO, "tests", "sql"))):
    if file.endswith(".sql"):
        with open(os.path.join(REPO, "tests", "sql", file), encoding="utf-8") as f:
            put_script(re.split(r"(?<=;)\s*\n", f.read()))

for file in sorted(os.listdir(os.path.join(REPO, "lessons"))):
    if file.endswith(".toml"):
        with open(os.path.join(REPO, "lessons", file), encoding="utf-8") as f:
            text = f.read()
        put("lesson_parse", text)
        for block in re.findall(r'"""(.*?)"""', text, re.S):
            if re.search(r"\b(SELECT|CREATE|INSERT|SHOW|DESCRIBE|PRINT|DROP)\b", block, re.I):
                put_script(re.split(r"(?<=;)\s*\n", block))



def fragment(obj, version="v1", raw=None):
    data = raw if raw is not None else json.dumps(obj, separators=(",", ":")).encode("utf-8")
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed = deflate.compress(data) + deflate.flush()
    return f"{version}/" + base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")


lesson_ids = []
for file in sorted(os.listdir(os.path.join(REPO, "lessons"))):
    if file.endswith(".toml"):
        with open(os.path.join(REPO, "lessons", file), encoding="utf-8") as f:
            found = re.search(r'^id\s*=\s*"([^"]+)"', f.read(), re.M)
        if found:
            lesson_ids.append(found.group(1))
sqls = ["", "SHOW TOPICS;", "SELECT * FROM clicks EMIT CHANGES;\n-- \u00fcn\u00efc\u00f6d\u00e9 \u2713"]
sqls += [open(os.path.join(FUZZ, "corpus", "sql_parse", name), encoding="utf-8", errors="replace").read()
         for name in sorted(os.listdir(os.path.join(FUZZ, "corpus", "sql_parse")))[:40]]
for i, sql in enumerate(sqls):
    link = {"seed": i * 7919, "speed": [1, 10, 100, 1000][i % 4], "sql": sql}
    put("url_fragment", fragment(link))
    put("url_fragment", "#" + fragment(link))
    whole = fragment(link)
    put("url_fragment", whole[: len(whole) // 2])  # cut short by a chat client
for step, lesson in enumerate(lesson_ids):
    put("url_fragment", fragment({"lesson": lesson, "step": step, "seed": 1, "speed": 10, "sql": ""}))
    put("url_fragment", fragment({"lesson": lesson, "step": 4_000_000_000, "seed": 2, "speed": 1}))
for bad in [{"seed": 1, "speed": 0}, {"seed": -1, "speed": 5}, {"step": 1, "seed": 1, "speed": 5},
            {"lesson": "Not An Id", "seed": 1, "speed": 5}, [1, 2, 3], "text", {"seed": 1}]:
    put("url_fragment", fragment(bad))
put("url_fragment", fragment(None, raw=b"\xff\xfe not utf-8"))
put("url_fragment", fragment(None, raw=b"{" * 70_000))  # inflates past the limit
put("url_fragment", fragment({"seed": 1, "speed": 1}, version="v2"))
for garbage in ["", "#", "v1/", "v1/!!!!", "hello", "v/abc", "v99999999999999999999/x", "#v1/AAAA", "\xff"]:
    put("url_fragment", garbage)

put("stored_state", json.dumps({"version": 1, "lessons": {}}))
for i, lesson in enumerate(lesson_ids):
    put("stored_state", json.dumps({"version": 1, "lessons": {lesson: {"done": list(range(i % 5)), "step": i % 7}}}))
put("stored_state", json.dumps({"version": 1, "lessons": {l: {"done": [0, 1], "step": 2} for l in lesson_ids}}))
for garbage in ['{"version":2}', '{"version":"1"}', '{"lessons":{}}', '{"version":1,"lessons":{"x":{"step":99999}}}',
                '{"version":1,"lessons":{"":{}}}', '{"version":1,"extra":true}', 'null', '[]', '', '{"version":1e0}',
                '{"version":1,"lessons":{"a":{"done":[-1]}}}', '\ufeff{"version":1}']:
    put("stored_state", garbage)

for target in SQL_TARGETS + ["lesson_parse", "url_fragment", "stored_state"]:
    print(f"{target}: {counts.get(target, 0)} new seeds")
