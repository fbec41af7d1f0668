#!/usr/bin/env bash
# Builds the mtc container image: publishes mtc self-contained for linux-x64 (or --arch arm64) on this machine, then
# builds deploy/Dockerfile with it (MTC=prebuilt), so no .NET SDK image is needed.
#
#   deploy/build-image.sh                                  # tag mtc:latest, official .NET base, podman or docker
#   deploy/build-image.sh --tag ghcr.io/acme/mtc:1.2.0 --base localhost/debian-base:bookworm --engine podman
set -euo pipefail
cd "$(dirname "$0")/.."

tag=mtc:latest base="" arch=x64 engine=""
while [ $# -gt 0 ]; do
  case "$1" in
    --tag) tag="$2"; shift 2 ;;
    --base) base="$2"; shift 2 ;;
    --arch) arch="$2"; shift 2 ;;
    --engine) engine="$2"; shift 2 ;;
    -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build-image.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
case "$arch" in x64|arm64) ;; *) echo "build-image.sh: --arch is x64 or arm64, not '$arch'" >&2; exit 2 ;; esac
if [ -z "$engine" ]; then
  if command -v podman >/dev/null; then engine=podman; elif command -v docker >/dev/null; then engine=docker; else
    echo "build-image.sh: neither podman nor docker is installed" >&2; exit 1
  fi
fi

out="artifacts/image/linux-$arch"
rm -rf "$out"
dotnet publish src/Mtc.Cli -c Release -r "linux-$arch" --self-contained -p:PublishSingleFile=true \
  -p:IncludeNativeLibrariesForSelfExtract=true -p:DebugType=none -o "$out" >&2
args=(build -f deploy/Dockerfile -t "$tag" --platform "linux/${arch/x64/amd64}" --build-arg MTC=prebuilt --build-arg "ARCH=$arch")
[ "$engine" = podman ] && args+=(--format docker)   # keeps the HEALTHCHECK (OCI images have none)
[ -n "$base" ] && args+=(--build-arg "BASE=$base")
"$engine" "${args[@]}" . >&2
echo "$tag"
