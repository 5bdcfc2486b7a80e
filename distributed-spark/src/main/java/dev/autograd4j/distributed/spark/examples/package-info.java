/** A runnable example of {@link dev.autograd4j.distributed.spark.SparkTrainer}: MNIST on Spark. */
package dev.autograd4j.distributed.spark.examples;
