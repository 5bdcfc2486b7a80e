#!/usr/bin/env bash
# Replays the autograd tutorial in JShell (examples/tutorial.jsh) against the built library.
# Add "-i" as first argument to stay in JShell afterwards.
# Builds (./mvnw install) only when needed: on the first run, or when a source, a pom or the committed PTX
# changed since the last build, or an installed jar on the class path is missing or was replaced since
# (e.g. by another checkout's install). FORCE_BUILD=1 rebuilds anyway.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=examples/target/jshell-tutorial.stamp        # when the last good build started: sources newer than it rebuild
built=examples/target/jshell-tutorial.built        # when it ended: class path jars newer than it rebuild
cp_file=examples/target/jshell-tutorial.classpath

up_to_date() {
  [ "${FORCE_BUILD:-0}" = 1 ] && return 1
  [ -f "$stamp" ] && [ -f "$built" ] && [ -s "$cp_file" ] && [ -d examples/target/classes ] || return 1
  # any input newer than the last build?
  [ -z "$(find pom.xml ./*/pom.xml ./*/src native/ptx native/build-ptx.sh -newer "$stamp" -print -quit 2>/dev/null)" ] \
    || return 1
  # every class path entry still there, and none replaced after the last build?
  local entry
  IFS=: read -r -a entries < "$cp_file"
  for entry in "${entries[@]}"; do
    [ -e "$entry" ] && ! [ "$entry" -nt "$built" ] || return 1
  done
}

if up_to_date; then
  echo "jshell-tutorial: build is up to date (FORCE_BUILD=1 rebuilds)" >&2
else
  mkdir -p examples/target
  start=$(date +%s)
  # the stamp's time is taken before the build, so a source edited during the build triggers the next one
  touch "$stamp.new"
  ./mvnw -q install -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true
  ./mvnw -q -pl examples dependency:build-classpath -Dmdep.outputFile="$PWD/$cp_file" -Dmdep.includeScope=runtime
  mv "$stamp.new" "$stamp"
  touch "$built"
  echo "jshell-tutorial: built in $(( $(date +%s) - start )) s" >&2
fi

script=examples/tutorial.jsh
if [ "${1:-}" = "-i" ]; then
  script=$(mktemp --suffix=.jsh)
  grep -v '^/exit' examples/tutorial.jsh > "$script"
fi
exec jshell -R--add-modules=jdk.incubator.vector --class-path "examples/target/classes:$(cat "$cp_file")" "$script"
