#!/usr/bin/env bash
# Proves an optimisation changed nothing: generates every document of ../shared/specs with two
# sdkforge binaries and compares the trees (diff -r), the messages and the exit codes.
#
#   benches/same-output.sh OLD_SDKFORGE NEW_SDKFORGE [SPECS_DIR]
#
# Exit 0 when every document gives the same output with both; 1 with the differences listed.
set -uo pipefail
old=$(realpath "$1"); new=$(realpath "$2")
cd "$(dirname "$0")/.."
specs=${3:-../shared/specs}
work=target/same-output
rm -rf "$work" && mkdir -p "$work/old" "$work/new"
count=0; differ=0
while IFS= read -r doc; do
  slug=$(echo "${doc#"$specs"/}" | tr '/.' '--')
  for side in old new; do
    bin=$old; [ "$side" = new ] && bin=$new
    "$bin" generate --spec "$doc" --out "$work/$side/$slug" --crate-name "$slug" \
      > "$work/$side/$slug.out" 2>&1
    echo "exit $?" >> "$work/$side/$slug.out"
    # The messages name the output folder, which differs by side.
    sed -i "s#$work/$side/#OUT/#g" "$work/$side/$slug.out"
  done
  count=$((count + 1))
  same=1
  diff -q "$work/old/$slug.out" "$work/new/$slug.out" >/dev/null || same=0
  if [ -d "$work/old/$slug" ] || [ -d "$work/new/$slug" ]; then
    diff -r -q "$work/old/$slug" "$work/new/$slug" >/dev/null 2>&1 || same=0
  fi
  if [ "$same" = 0 ]; then echo "DIFFERS: $doc"; differ=$((differ + 1)); fi
done < <(find "$specs" -type f \( -name '*.json' -o -name '*.yaml' -o -name '*.yml' \) | sort)
echo "$count documents, $differ with different output"
[ "$differ" -eq 0 ]
