#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with seeds made from the repository's own files: the shipped rules,
# the lint and bad-input fixtures, the examples, and spreadsheets and tables the program makes
# (templates for every built-in rule set, empty and filled in, generated districts as XLSX and
# CSV, reports and rankings as XLSX). Run from anywhere; idempotent (it starts each corpus
# afresh: seed-* files are replaced, what fuzzing found is kept; run it before a run, not during
# one). The corpus directories are not committed (see .gitignore).
#
# The generated seeds need the `zhibiao` binary: $ZHIBIAO, else target/debug/zhibiao (built
# with `cargo build -p zhibiao-cli` when missing); python3 turns the generated CSV table into
# an XLSX table (without it that seed is skipped).
set -euo pipefail
cd "$(dirname "$0")"
root=..
targets="rules submission assess xlsx csv render command"
for t in $targets; do
  mkdir -p "corpus/$t"
  find "corpus/$t" -name 'seed-*' -delete
done

zb=${ZHIBIAO:-$root/target/debug/zhibiao}
if [ ! -x "$zb" ]; then
  (cd "$root" && cargo build -p zhibiao-cli)
  zb=$root/target/debug/zhibiao
fi
gen=$(mktemp -d)
trap 'rm -rf "$gen"' EXIT

# Files the program makes: templates for every built-in rule set, filled in from each example;
# generated districts; a report and a ranking as workbooks.
sets=$(find "$root/rules" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort)
for s in $sets; do
  "$zb" template --rules "$s" --format xlsx -o "$gen/template-$s.xlsx" 2>/dev/null
  "$zb" template --rules "$s" --format csv -o "$gen/header-$s.csv" 2>/dev/null
  "$zb" template --rules "$s" --format toml -o "$gen/template-$s.toml" 2>/dev/null
  "$zb" template --rules "$s" --format json -o "$gen/template-$s.json" 2>/dev/null
done
for e in "$root"/examples/*.toml "$root"/examples/*.json; do
  b=$(basename "$e")
  "$zb" template --format xlsx --from "$e" -o "$gen/filled-${b%.*}.xlsx" 2>/dev/null || true
done
"$zb" generate --count 3 --seed 7 --format xlsx -o "$gen/districts" 2>/dev/null
"$zb" generate --count 3 --seed 7 --format toml -o "$gen/districts" 2>/dev/null
"$zb" generate --count 6 --seed 7 --format csv -o "$gen/districts.csv" 2>/dev/null
"$zb" eval "$root/examples/pass.toml" --format xlsx -o "$gen/report.xlsx" 2>/dev/null || true
"$zb" eval "$gen/districts.csv" --format xlsx -o "$gen/ranking.xlsx" 2>/dev/null || true
# The generated CSV table as an XLSX table (one district per row): a minimal workbook written
# with Python's standard library, numbers as numbers and text as inline strings.
if command -v python3 >/dev/null 2>&1; then
  mkdir -p "$gen/table"
  python3 - "$gen/districts.csv" "$gen/table/districts.xlsx" <<'PY'
import csv, sys, zipfile
from xml.sax.saxutils import escape
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig")))
def col(i):
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s
def cell(r, c, v):
    ref = f"{col(c)}{r + 1}"
    try:
        float(v)
        return f'<c r="{ref}"><v>{v}</v></c>'
    except ValueError:
        return f'<c r="{ref}" t="inlineStr"><is><t>{escape(v)}</t></is></c>'
sheet = "".join(
    f'<row r="{r + 1}">' + "".join(cell(r, c, v) for c, v in enumerate(row) if v) + "</row>"
    for r, row in enumerate(rows))
ns = "http://schemas.openxmlformats.org/"
files = {
    "[Content_Types].xml": f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{ns}package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
    "_rels/.rels": f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{ns}package/2006/relationships"><Relationship Id="rId1" Type="{ns}officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{ns}spreadsheetml/2006/main" xmlns:r="{ns}officeDocument/2006/relationships"><sheets><sheet name="地区" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{ns}package/2006/relationships"><Relationship Id="rId1" Type="{ns}officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    "xl/worksheets/sheet1.xml": f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{ns}spreadsheetml/2006/main"><sheetData>{sheet}</sheetData></worksheet>',
}
with zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED) as z:
    for name, text in files.items():
        z.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), text.encode(), zipfile.ZIP_DEFLATED)
PY
else
  echo "python3 is not installed; no XLSX table seed" >&2
fi

zb_files=$(find "$root/rules" "$root/tests/fixtures" "$root/tests/bad_inputs/rules" "$root/tests/bad_inputs" "$root/examples" -name '*.zb' | sort -u)
toml_files=$(find "$root/examples" "$root/tests/bad_inputs" "$root/tests/fixtures" "$gen" -name '*.toml' | sort -u)
json_files=$(find "$root/examples" "$root/tests/bad_inputs" "$gen" -name '*.json' | sort -u)
xlsx_files=$(find "$root/tests" "$gen" -name '*.xlsx' | sort -u)
csv_files=$(find "$root/tests" "$root/examples" "$gen" -name '*.csv' | sort -u)

n=0
add() { # <target> <selector byte as octal, or ""> <file>...
  local t=$1 sel=$2
  shift 2
  n=$((n + 1))
  {
    if [ -n "$sel" ]; then printf "\\$sel"; fi
    cat "$1"
    if [ $# -gt 1 ]; then printf '\0'; cat "$2"; fi
  } > "corpus/$t/seed-$n"
}

# rules: any rule file.
for f in $zb_files; do add rules "" "$f"; done

# submission: the first byte picks the loader: 0 TOML, 1 JSON, 2 XLSX template, 3 XLSX table,
# 4 CSV table.
for f in $toml_files; do add submission 000 "$f"; done
for f in $json_files; do add submission 001 "$f"; done
for f in $xlsx_files; do add submission 002 "$f"; add submission 003 "$f"; done
for f in $csv_files; do add submission 004 "$f"; done

# xlsx and csv: the file as it is.
for f in $xlsx_files; do add xlsx "" "$f"; done
for f in $csv_files; do add csv "" "$f"; done

# command: the first byte picks the loader: 0 TOML, 1 JSON, 2 XLSX template.
for f in $toml_files; do add command 000 "$f"; done
for f in $json_files; do add command 001 "$f"; done
for f in $xlsx_files; do add command 002 "$f"; done

# assess and render: a rule file, a NUL byte, a TOML submission.
builtin=$root/rules/sd-nmsz/2023.zb
for t in assess render; do
  for s in "$root"/examples/*.toml "$gen"/districts/*.toml; do add $t "" "$builtin" "$s"; done
  for s in "$gen"/template-*.toml; do add $t "" "$builtin" "$s"; done
  for r in $(find "$root/rules" -name '*.zb' | sort); do add $t "" "$r" "$root/examples/pass.toml"; done
  for r in $(find "$root/tests/fixtures/lint" "$root/tests/bad_inputs/rules" -name '*.zb' | sort); do
    add $t "" "$r" "$root/examples/pass.toml"
  done
  for s in "$root"/tests/bad_inputs/empty-submission.toml "$root"/tests/bad_inputs/submissions/*.toml; do
    add $t "" "$root/tests/bad_inputs/submission-rules.zb" "$s"
  done
  add $t "" "$root/tests/bad_inputs/huge_points.zb" "$root/tests/bad_inputs/huge_points.toml"
done

for t in $targets; do
  echo "corpus/$t: $(find "corpus/$t" -type f | wc -l) seeds, largest $(find "corpus/$t" -type f -printf '%s\n' | sort -n | tail -1) bytes"
done
