package dev.launcher.it;

import dev.launcher.testing.LauncherProcess;
import dev.launcher.testing.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** examples/EmbeddedExample.java, compiled against the built jar and run: a slow request survives SIGTERM. */
@Timeout(60)
class ExampleIT {

    @Test
    void embeddedExampleStopsGracefully(@TempDir Path classes) throws Exception {
        Path source = Paths.get("examples", "EmbeddedExample.java");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int compiled = javac.run(null, null, errors, "--release", "17", "-cp", LauncherProcess.jar().toString(),
                "-d", classes.toString(), source.toString());
        assertEquals(0, compiled, errors.toString());

        String classpath = LauncherProcess.jar() + File.pathSeparator + classes;
        try (LauncherProcess example = LauncherProcess.startCommand(Map.of(),
                List.of(LauncherProcess.java(), "-cp", classpath, "EmbeddedExample", "127.0.0.1:0"))) {
            int port = Integer.parseInt(example.out.await("listening on (\\d+)", LauncherProcess.START).group(1));
            example.out.await("job 1", LauncherProcess.START);
            try (RawHttp slow = new RawHttp(port)) {
                slow.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
                example.out.await("slow request started", LauncherProcess.START);
                example.signal("TERM");
                RawHttp.Response response = slow.read(false);
                assertEquals(200, response.status);
                assertEquals("done\n", response.body);
            }
            assertEquals(0, example.awaitExit(Duration.ofSeconds(15)), example.out.text() + example.err.text());
            assertTrue(example.out.last().startsWith("stopped: cause=SIGTERM"), example.out.last());
            assertTrue(example.out.last().contains("http=stopped") && example.out.last().contains("job=stopped"),
                    example.out.last());
        }
    }
}
