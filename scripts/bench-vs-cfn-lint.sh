#!/bin/sh
# Times cfn-lint 1.58 (from PyPI, in a throwaway venv) and ecslint on the same
# 200 generated CloudFormation templates (benches/support/corpus.rs) and prints
# the ratio. Needs python3 with venv, network access to PyPI, and a release build:
#   cargo build --release && scripts/bench-vs-cfn-lint.sh
set -eu
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ecslint=${ECSLINT:-target/release/ecslint}
[ -x "$ecslint" ] || { echo "build first: cargo build --release" >&2; exit 2; }

# 1,000 corpus files hold 200 templates (every 5th file), half JSON, half YAML.
cargo run -q --release --example gen-corpus -- "$work/all" 1000
mkdir "$work/cfn"
find "$work/all" -name '*-stack.*' -exec cp {} "$work/cfn/" \;
count=$(ls "$work/cfn" | wc -l)
echo "templates: $count"

python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q 'cfn-lint==1.58.*'
"$work/venv/bin/cfn-lint" --version

now() { date +%s.%N; }
t0=$(now)
"$work/venv/bin/cfn-lint" "$work"/cfn/* >/dev/null 2>&1 || true
t1=$(now)
# ecslint takes milliseconds: the median of 11 runs (after one warm-up run).
"$ecslint" check --no-config --region us-east-1 --account 123456789012 --format gcc "$work/cfn" >/dev/null 2>&1 || true
runs=""
for _ in 1 2 3 4 5 6 7 8 9 10 11; do
  a=$(now)
  "$ecslint" check --no-config --region us-east-1 --account 123456789012 --format gcc "$work/cfn" >/dev/null 2>&1 || true
  b=$(now)
  runs="$runs $a:$b"
done
python3 - "$t0" "$t1" $runs <<'PY'
import statistics, sys
t0, t1 = map(float, sys.argv[1:3])
ecs = statistics.median(float(b) - float(a) for a, b in (r.split(":") for r in sys.argv[3:]))
cfn = t1 - t0
print(f"cfn-lint: {cfn:.3f} s")
print(f"ecslint:  {ecs:.3f} s (median of 11 runs)")
print(f"ratio:    {cfn / ecs:.0f}x")
PY
