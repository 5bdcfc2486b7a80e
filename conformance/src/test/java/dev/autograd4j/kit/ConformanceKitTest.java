package dev.autograd4j.kit;

import dev.autograd4j.conformance.AutogradConformance;

/**
 * Runs the whole conformance suite the way a third-party backend does: one annotation on one empty class,
 * with the kit and the backends (here the CPU and CUDA backends) on the test classpath. The suite's
 * classes live in the kit's main jar, so Surefire's class scan does not find them again: each test runs
 * once, through this suite.
 */
@AutogradConformance
class ConformanceKitTest {
}
