package dev.autograd4j.distributed.spark;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Without Spark on the class path, the entry point says which dependency is missing. */
class SparkMissingTest {
    @Test
    void builderNamesTheMissingSparkDependency() throws Exception {
        String path = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<URL> urls = new ArrayList<>();
        for (String entry : path.split(File.pathSeparator)) {
            String name = new File(entry).getName();
            if (entry.isEmpty() || name.startsWith("spark-") || name.startsWith("scala-")) {
                continue;
            }
            urls.add(new File(entry).toURI().toURL());
        }
        try (URLClassLoader loader = new URLClassLoader(urls.toArray(new URL[0]),
                ClassLoader.getPlatformClassLoader())) {
            assertThrows(ClassNotFoundException.class, () -> loader.loadClass("org.apache.spark.SparkContext"));
            Class<?> trainer = loader.loadClass(SparkTrainer.class.getName());
            Class<?> models = loader.loadClass(ModelFactory.class.getName());
            Class<?> optimizers = loader.loadClass(OptimizerFactory.class.getName());
            // a method handle links the one method as a compiled call does (reflection's getMethod would load
            // every method's parameter types, Spark's included)
            MethodHandle builder = MethodHandles.publicLookup().findStatic(trainer, "builder",
                    MethodType.methodType(loader.loadClass(SparkTrainer.Builder.class.getName()), models, optimizers));
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> builder.invoke(null, null));
            String message = e.getMessage();
            assertTrue(message.startsWith("Apache Spark is not on the class path: SparkTrainer needs "
                    + "org.apache.spark:spark-core_2.13 4.x"), message);
        }
    }
}
