#!/usr/bin/env bash
# The streams parsing benchmark, short job (a few minutes), then the allocation breakdown.
# Extra arguments go to BenchmarkDotNet, e.g. ./bench/run-streams.sh --job medium
set -euo pipefail
cd "$(dirname "$0")/.."
job=(--job short)
if [ $# -gt 0 ]; then job=("$@"); fi
dotnet run -c Release --project bench/Mtc.Benchmarks -- --filter '*Streams*' "${job[@]}"
dotnet run -c Release --no-build --project bench/Mtc.Benchmarks -- --allocations
