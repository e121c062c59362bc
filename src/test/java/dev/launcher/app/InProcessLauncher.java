package dev.launcher.app;

import dev.launcher.signal.SignalSource;
import dev.launcher.testing.LogLines;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** The launcher run in this JVM with a fake signal source and a fake process: signals are method calls. */
final class InProcessLauncher {

    final LogLines err = new LogLines();
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final List<Integer> halts = new CopyOnWriteArrayList<>();
    final List<Thread> hooks = new CopyOnWriteArrayList<>();
    private volatile Consumer<String> signalHandler;
    private final List<SignalSource.Unhandled> unhandled;
    private CompletableFuture<Integer> exit;

    InProcessLauncher(List<SignalSource.Unhandled> unhandled) {
        this.unhandled = unhandled;
    }

    InProcessLauncher() {
        this(List.of());
    }

    /** Starts the plain launcher on a background thread with these arguments and environment. */
    InProcessLauncher start(Map<String, String> env, String... args) {
        return start(Launcher.builder(), env, args);
    }

    /** Starts the launcher {@code builder} describes on a background thread with these arguments and environment. */
    InProcessLauncher start(Launcher.Builder builder, Map<String, String> env, String... args) {
        SignalSource signals = (names, handler) -> {
            signalHandler = handler;
            return unhandled;
        };
        ProcessControl process = new ProcessControl() {
            @Override
            public void halt(int code) {
                halts.add(code);
            }

            @Override
            public void addShutdownHook(Thread hook) {
                hooks.add(hook);
            }
        };
        Launcher launcher = builder.build(new PrintStream(out, true), err.printStream(), env::get, signals, process);
        exit = CompletableFuture.supplyAsync(() -> launcher.start(args));
        return this;
    }

    int awaitPort() throws InterruptedException {
        return Integer.parseInt(err.await("listening on http://[^ ]*:(\\d+)", Duration.ofSeconds(10)).group(1));
    }

    /** Delivers a signal as the JVM would. */
    void signal(String name) {
        signalHandler.accept(name);
    }

    int awaitExit() throws Exception {
        return exit.get(20, TimeUnit.SECONDS);
    }
}
