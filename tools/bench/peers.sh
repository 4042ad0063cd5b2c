#!/usr/bin/env bash
# Structural validation of the same files by CATS, xmllint (libxml2) and the JDK, in one run, one
# thread each, the schema compiled once, so that docs/performance.md can compare them.
#
#   tools/bench/peers.sh DIR [ROUNDS] [XSD]
#
# DIR: NCTS P5 XML messages of one type (default schema: ../shared/ncts/xsd-p5/cc015c.xsd).
# Needs target/release/cats (cargo build --release -p cats-cli), xmllint (libxml2-utils) and a JDK.
set -euo pipefail
dir=${1:?usage: tools/bench/peers.sh DIR [ROUNDS] [XSD]}
rounds=${2:-50}
root=$(cd "$(dirname "$0")/../.." && pwd)
xsd=${3:-$root/../shared/ncts/xsd-p5/cc015c.xsd}
[ -f "$xsd" ] || { echo "no schema at $xsd (../shared is absent?)" >&2; exit 2; }
files=("$dir"/*.xml)
count=${#files[@]}
bytes=$(cat "${files[@]}" | wc -c)

echo "== CATS (cats bench validate)"
"$root/target/release/cats" bench validate "$dir" --rounds "$rounds" --json \
  | python3 -c 'import json,sys; r=json.load(sys.stdin); print(json.dumps({k: r[k] for k in ("messages","seconds","messagesPerSecond","megabytesPerSecond","valid","invalid")}))'

echo "== xmllint --schema (libxml2 $(xmllint --version 2>&1 | head -1 | awk '{print $NF}'), schema compiled once per run)"
list=()
for _ in $(seq "$rounds"); do list+=("${files[@]}"); done
start=$(date +%s.%N)
xmllint --noout --nonet --schema "$xsd" "${list[@]}" 2>/tmp/xmllint-peers.log || true
end=$(date +%s.%N)
valid=$(grep -c " validates$" /tmp/xmllint-peers.log || true)
python3 - "$start" "$end" "$count" "$rounds" "$bytes" "$valid" <<'PY'
import json, sys
start, end, count, rounds, size, valid = map(float, sys.argv[1:])
s = end - start
n = count * rounds
print(json.dumps({"messages": int(n), "seconds": round(s, 3), "messagesPerSecond": round(n / s, 1),
                  "megabytesPerSecond": round(size * rounds / 1e6 / s, 2),
                  "valid": int(valid / rounds), "invalid": int(count - valid / rounds)}))
PY

echo "== JDK javax.xml.validation (warm: $rounds rounds first)"
classes=$(mktemp -d)
javac -d "$classes" "$root/tools/bench/XsdValidate.java"
java -cp "$classes" XsdValidate "$xsd" "$dir" "$rounds" "$rounds"
