package dev.launcher.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.launcher.testing.LauncherProcess;
import dev.launcher.testing.RawHttp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The jlink runtime of deploy/build-runtime.sh, built once for this class with the JDK running the tests: it holds
 * just the modules jdeps finds, is a fraction of the JDK, and runs the jar — started as the Dockerfile's entry point
 * starts it — until SIGTERM stops it with exit 0.
 */
@Timeout(180)
class RuntimeImageIT {

    private static final Duration EXIT = Duration.ofSeconds(20);

    private static Path runtime;
    private static String buildOutput;

    /** Runs deploy/build-runtime.sh into target/deploy-it/runtime-jdkN (its own directory: others use target/). */
    @BeforeAll
    static void buildRuntime() throws Exception {
        Path root = DeployFiles.root();
        runtime = root.resolve("target/deploy-it/runtime-jdk" + Runtime.version().feature());
        ProcessBuilder builder = new ProcessBuilder("bash", root.resolve("deploy/build-runtime.sh").toString(),
                "--jar", LauncherProcess.jar().toAbsolutePath().toString(), "--output", runtime.toString())
                .directory(root.toFile())
                .redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = builder.start();
        process.getOutputStream().close();
        buildOutput = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "build-runtime.sh did not end:\n" + buildOutput);
        assertEquals(0, process.exitValue(), "build-runtime.sh failed:\n" + buildOutput);
        System.out.print(buildOutput);
    }

    /**
     * The runtime holds exactly the modules jdeps finds in the jar (none hard-coded) and those they require, as jlink
     * resolves them (jdk.management brings java.management), java.base among them.
     */
    @Test
    void holdsJustTheModulesJdepsFinds() throws Exception {
        Path jdeps = Paths.get(System.getProperty("java.home"), "bin", "jdeps");
        Process process = new ProcessBuilder(jdeps.toString(), "--print-module-deps", "--ignore-missing-deps",
                LauncherProcess.jar().toString()).redirectErrorStream(true).start();
        String found = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), found);
        Set<String> expected = new TreeSet<>(List.of(found.split(",")));
        assertTrue(expected.containsAll(List.of("java.base", "jdk.httpserver")), found);
        assertEquals(withRequired(expected), releaseModules());
        assertTrue(buildOutput.contains("runtime:") && buildOutput.contains("full JDK:"), buildOutput);
    }

    /** The runtime is under a third of the JDK it was linked from (measured: about an eighth). */
    @Test
    void isAFractionOfTheJdk() {
        long runtimeBytes = size(runtime);
        long jdkBytes = size(Paths.get(System.getProperty("java.home")));
        System.out.printf("runtime %.1f MB, JDK %.1f MB (%s)%n", runtimeBytes / 1e6, jdkBytes / 1e6,
                System.getProperty("java.home"));
        assertTrue(runtimeBytes * 3 < jdkBytes, runtimeBytes + " bytes vs the JDK's " + jdkBytes);
    }

    /** The jar on the runtime, with the Dockerfile's JVM options: listens, answers /healthz, SIGTERM exits 0. */
    @Test
    void runsTheLauncherAndStopsOnSigterm() throws Exception {
        List<String> entry = DeployFiles.jsonStrings(DeployFlagsIT.dockerfile("ENTRYPOINT"));
        List<String> command = new ArrayList<>();
        command.add(runtime.resolve("bin/java").toString());
        command.addAll(entry.subList(1, entry.indexOf("-jar")));
        command.addAll(List.of("-jar", LauncherProcess.jar().toString(), "--addr", "127.0.0.1:0"));
        try (LauncherProcess launcher = LauncherProcess.startCommand(Map.of(), command)) {
            int port = launcher.awaitPort();
            assertEquals(200, RawHttp.get(port, "/healthz").status);
            launcher.signal("TERM");
            assertEquals(0, launcher.awaitExit(EXIT), launcher.err.text());
            String last = launcher.err.last();
            assertTrue(last.contains("exit=0 cause=SIGTERM"), last);
            assertFalse(launcher.err.text().contains("Exception"), launcher.err.text());
        }
    }

    /** MODULES of the runtime's release file. */
    /** The modules and, transitively, those they require (static requires aside), from this JDK's system modules. */
    private static Set<String> withRequired(Set<String> modules) {
        Set<String> all = new TreeSet<>();
        List<String> todo = new ArrayList<>(modules);
        while (!todo.isEmpty()) {
            String name = todo.remove(todo.size() - 1);
            if (all.add(name)) {
                ModuleFinder.ofSystem().find(name).orElseThrow(() -> new AssertionError("no module " + name))
                        .descriptor().requires().stream()
                        .filter(r -> !r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC))
                        .forEach(r -> todo.add(r.name()));
            }
        }
        return all;
    }

    private static Set<String> releaseModules() throws IOException {
        for (String line : Files.readAllLines(runtime.resolve("release"), StandardCharsets.UTF_8)) {
            if (line.startsWith("MODULES=")) {
                return new TreeSet<>(List.of(line.substring("MODULES=".length()).replace("\"", "").split(" ")));
            }
        }
        throw new AssertionError("no MODULES in " + runtime.resolve("release"));
    }

    /** Bytes of the regular files under a directory (links not followed). */
    private static long size(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> {
                try {
                    return Files.size(file);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
