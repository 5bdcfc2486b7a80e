package dev.autograd4j.conformance;

import java.lang.reflect.Method;
import org.junit.jupiter.api.DisplayNameGenerator;

/**
 * The suite's display names: a test method is named by its name alone ({@code unary}, not
 * {@code unary(Device)}), so that {@link AllDevices} runs read {@code unary[cpu]}.
 */
public class ConformanceNames extends DisplayNameGenerator.Standard {
    /** Creates the generator (JUnit instantiates it). */
    public ConformanceNames() {
    }

    @Override
    public String generateDisplayNameForMethod(Class<?> testClass, Method testMethod) {
        return testMethod.getName();
    }
}
