package dev.autograd4j.conformance;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A test method run once per device of {@link Devices#list()}, taking the {@link dev.autograd4j.Device}
 * as its parameter (PyTorch's {@code instantiate_device_type_tests}). Each run is named by its device,
 * {@code [cpu]}, under the method's name ({@code add}, when the class is annotated with
 * {@code @DisplayNameGeneration(ConformanceNames.class)}); reports that join the two, as Surefire's
 * phrased names do, read {@code add[cpu]}.
 *
 * <pre>{@code
 * @AllDevices
 * void exp(Device device) { ... }
 * }</pre>
 */
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ParameterizedTest(name = "[{0}]")
@MethodSource("dev.autograd4j.conformance.Devices#all")
public @interface AllDevices {
}
