/**
 * Data-parallel training of autograd4j models on Apache Spark: {@link dev.autograd4j.distributed.spark.SparkTrainer}
 * runs one barrier stage whose tasks form a TCP ring (gradients all-reduced after every backward), or rounds of
 * parameter averaging through Spark alone. Spark is a {@code provided} dependency of this module.
 */
package dev.autograd4j.distributed.spark;
