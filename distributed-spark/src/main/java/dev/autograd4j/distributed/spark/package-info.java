/** The spark side of {@code dev.autograd4j.distributed} (being built). */
package dev.autograd4j.distributed.spark;
