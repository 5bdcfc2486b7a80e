package dev.autograd4j.conformance;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.platform.suite.api.IncludeClassNamePatterns;
import org.junit.platform.suite.api.SelectPackages;
import org.junit.platform.suite.api.Suite;

/**
 * Runs the whole autograd4j conformance suite: annotate one empty class in your test sources and
 * every test of the suite runs on every available device, including those of your backend.
 *
 * <pre>{@code
 * @AutogradConformance
 * class MyBackendConformanceTest {
 * }
 * }</pre>
 *
 * <p>with the test dependencies {@code dev.autograd4j:conformance} and your backend (a
 * {@code dev.autograd4j.spi} provider found by {@link java.util.ServiceLoader}). The annotation is a JUnit
 * Platform {@link Suite} selecting the package {@code dev.autograd4j.conformance} and its subpackages
 * (classes named {@code *Test}), so it needs the JUnit Platform suite engine, which the kit brings,
 * and a runner that launches the JUnit Platform (Maven Surefire 3, Gradle's {@code useJUnitPlatform()}).
 *
 * <p>Choosing what runs:
 * <ul>
 *   <li>{@code -Dautograd4j.conformance.devices=cpu,cuda:0} restricts the devices (see {@link Devices});
 *       a named device that is not available fails the run;</li>
 *   <li>{@code AUTOGRAD_REQUIRE_CUDA=1} fails the run when no CUDA device is available;</li>
 *   <li>every test's name says what it checks and where: {@code unary[cpu]} for a test run per device,
 *       {@code exp float64 cpu} for one case of a table, and a failing assertion inside a bundled test
 *       names its case; an IDE reruns one case by its JUnit unique id, and the JUnit console launcher
 *       selects one method with {@code --select-method}.</li>
 * </ul>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@Suite
@SelectPackages("dev.autograd4j.conformance")
@IncludeClassNamePatterns(".*Test")
public @interface AutogradConformance {
}
