/**
 * Data-parallel training: {@link dev.autograd4j.distributed.Collective} groups of ranks (threads of one JVM,
 * or processes joined by a TCP ring) and the layers above them. Depends on {@code nn} and {@code optim}; the core
 * modules never depend on it.
 */
package dev.autograd4j.distributed;
