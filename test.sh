#!/usr/bin/env bash
# Builds everything (warnings are errors) and runs every test suite.
set -euo pipefail
cd "$(dirname "$0")"
dotnet build MtcCore.slnx -c Release
dotnet test MtcCore.slnx -c Release --no-build --logger "console;verbosity=normal" "$@"
