#!/usr/bin/env bash
# Replays the autograd tutorial in JShell (examples/tutorial.jsh) against the built library.
# Add "-i" as first argument to stay in JShell afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q install -DskipTests
cp_file=$(mktemp)
./mvnw -q -pl examples dependency:build-classpath -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=runtime
script=examples/tutorial.jsh
if [ "${1:-}" = "-i" ]; then
  script=$(mktemp --suffix=.jsh)
  grep -v '^/exit' examples/tutorial.jsh > "$script"
fi
exec jshell -R--add-modules=jdk.incubator.vector --class-path "examples/target/classes:$(cat "$cp_file")" "$script"
