#!/usr/bin/env bash
# Builds the release archives: a self-contained single-file mtc per platform, with the README, the licence notes, the
# configuration reference, the edge's example config and its systemd unit, into artifacts/release/.
#
#   deploy/release.sh --version 1.2.0                    # linux-x64, linux-arm64 and win-x64
#   deploy/release.sh --version 1.2.0 --rid linux-x64     # one platform
set -euo pipefail
cd "$(dirname "$0")/.."

version="" rids=(linux-x64 linux-arm64 win-x64) chosen=()
while [ $# -gt 0 ]; do
  case "$1" in
    --version) version="$2"; shift 2 ;;
    --rid) chosen+=("$2"); shift 2 ;;
    -h|--help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "release.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[ -n "$version" ] || { echo "release.sh: --version is required (e.g. --version 1.2.0)" >&2; exit 2; }
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]] || { echo "release.sh: '$version' is not a version (1.2.0, 1.2.0-rc.1)" >&2; exit 2; }
[ ${#chosen[@]} -gt 0 ] && rids=("${chosen[@]}")

out=artifacts/release
mkdir -p "$out"
for rid in "${rids[@]}"; do
  case "$rid" in linux-x64|linux-arm64|win-x64) ;; *) echo "release.sh: --rid is linux-x64, linux-arm64 or win-x64, not '$rid'" >&2; exit 2 ;; esac
  name="mtc-$version-$rid"
  stage="artifacts/stage/$name"
  rm -rf "$stage"
  echo "release.sh: $name" >&2
  dotnet publish src/Mtc.Cli -c Release -r "$rid" --self-contained -p:PublishSingleFile=true \
    -p:IncludeNativeLibrariesForSelfExtract=true -p:DebugType=none -p:Version="$version" -o "$stage/bin" >&2
  # Only the program: the XML docs and the runtimeconfig of referenced projects are not needed by a single file.
  find "$stage/bin" -type f ! -name mtc ! -name mtc.exe -delete
  mkdir -p "$stage/docs" "$stage/edge"
  cp README.md "$stage/"
  cp docs/*.md "$stage/docs/"
  cp -r docs/images "$stage/docs/"   # the README's screenshot
  cp deploy/edge/edge.json deploy/edge/mtc-edge.service "$stage/edge/"
  cp tests/TestData/MANIFEST.txt "$stage/docs/test-data-attribution.txt"
  rm -f "$out/$name".*
  if [ "${rid%%-*}" = win ]; then
    (cd artifacts/stage && python3 -m zipfile -c "../../$out/$name.zip" "$name")
  else
    tar -C artifacts/stage -czf "$out/$name.tar.gz" "$name"
  fi
  (cd "$out" && sha256sum "$name".* > "$name.sha256")
done
ls -1 "$out" >&2
