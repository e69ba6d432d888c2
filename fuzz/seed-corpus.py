#!/usr/bin/env python3
"""Seeds fuzz/corpus/<target>/ from ksqlDB's own tests and this repository's SQL and lessons.

Usage: fuzz/seed-corpus.py [QTT_DIR]   (default ../shared/ksqldb-qtt beside the repository)

The qtt files are read where they are and never copied into the repository: the corpus folder is
git-ignored. Each qtt test case becomes one script (its statements, one per line) for sql_parse,
sql_plan and sql_execute (there, statements are separated by NUL bytes so time passes between
them). Lesson files seed lesson_parse; the SQL inside them and tests/sql/*.sql seed the SQL
targets too.
"""
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

for target in SQL_TARGETS + ["lesson_parse"]:
    print(f"{target}: {counts.get(target, 0)} new seeds")
