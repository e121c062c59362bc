package dev.launcher.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java sources of bench/ that use the launcher's classes: Maven does not build them, so this test does. */
class BenchSourcesTest {

    /** bench/MetricsCost.java compiles against the launcher's classes, as bench/metrics-cost.sh compiles it. */
    @Test
    void metricsCostCompiles(@TempDir Path out) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "no compiler in this runtime");
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int code = javac.run(null, null, errors, "--release", "17", "-cp", System.getProperty("java.class.path"),
                "-d", out.toString(), Paths.get("bench", "MetricsCost.java").toString());
        assertEquals(0, code, errors.toString(StandardCharsets.UTF_8));
    }
}
