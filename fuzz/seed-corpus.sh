#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with seeds made from the repository's own files: the shipped rules,
# the lint and bad-input fixtures, the examples and the XLSX fixtures. Run from anywhere;
# idempotent. The corpus directories are not committed (see .gitignore).
set -euo pipefail
cd "$(dirname "$0")"
root=..
mkdir -p corpus/rules corpus/submission corpus/assess

n=0
for f in $(find "$root/rules" "$root/tests/fixtures" "$root/tests/bad_inputs/rules" "$root/examples" -name '*.zb' | sort); do
  n=$((n + 1))
  cp "$f" "corpus/rules/seed-$n.zb"
done

# The submission target's first byte picks the loader: 0 TOML, 1 JSON, 2 XLSX template,
# 3 XLSX table, 4 CSV table.
n=0
seed() { # <selector byte as octal> <file>
  n=$((n + 1))
  { printf "\\$1"; cat "$2"; } > "corpus/submission/seed-$n"
}
for f in $(find "$root/examples" "$root/tests/bad_inputs/submissions" "$root/tests/fixtures" -name '*.toml' | sort); do seed 000 "$f"; done
for f in $(find "$root/examples" "$root/tests/bad_inputs/submissions" -name '*.json' | sort); do seed 001 "$f"; done
for f in $(find "$root/tests" "$root/templates" -name '*.xlsx' | sort); do seed 002 "$f"; seed 003 "$f"; done
for f in $(find "$root/tests" "$root/examples" -name '*.csv' | sort); do seed 004 "$f"; done

# The assess target: a rule file, a NUL byte, a TOML submission.
n=0
pair() { # <rules> <submission>
  n=$((n + 1))
  { cat "$1"; printf '\0'; cat "$2"; } > "corpus/assess/seed-$n"
}
for s in "$root"/examples/*.toml; do pair "$root/rules/sd-nmsz/2023.zb" "$s"; done
for r in $(find "$root/tests/fixtures/lint" "$root/tests/bad_inputs/rules" -name '*.zb' | sort); do
  pair "$r" "$root/examples/pass.toml"
done
pair "$root/tests/bad_inputs/submission-rules.zb" "$root/tests/bad_inputs/empty-submission.toml"
for s in "$root"/tests/bad_inputs/submissions/*.toml; do pair "$root/tests/bad_inputs/submission-rules.zb" "$s"; done

for t in rules submission assess; do
  echo "corpus/$t: $(ls "corpus/$t" | wc -l) seeds"
done
