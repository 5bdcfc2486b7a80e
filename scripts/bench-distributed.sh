#!/usr/bin/env bash
# The distributed module's scaling figures (DistributedBenchmark): builds the examples module and its siblings
# from source (no install), then runs the benchmark, which starts every rank as a JVM of its own.
#   scripts/bench-distributed.sh [--max-mb 256] [--worlds 2,4] [--ranks 1,2,4] [--epochs 2] [--cnn]
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -o -q -pl examples -am compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt
CP="examples/target/classes:$(cat examples/target/bench-classpath.txt)"
exec java --add-modules=jdk.incubator.vector -cp "$CP" dev.autograd4j.examples.distributed.DistributedBenchmark "$@"
