/** Conformance tests of {@code dev.autograd4j.data}: datasets, the data loader, random splits. */
package dev.autograd4j.conformance.data;
