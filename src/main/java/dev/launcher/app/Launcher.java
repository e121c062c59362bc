package dev.launcher.app;

import dev.launcher.group.Outcome;
import dev.launcher.group.ServiceGroup;
import dev.launcher.http.HttpService;
import dev.launcher.signal.JvmSignals;
import dev.launcher.signal.SignalSource;
import dev.launcher.worker.Worker;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Wires the launcher: parses the command line, builds the group (the HTTP server and the worker), routes signals
 * and the JVM shutdown to it, runs it, and turns its outcome into an exit code and a last log line.
 */
final class Launcher {

    private final PrintStream out;
    private final PrintStream err;
    private final Function<String, String> env;
    private final SignalSource signals;
    private final ProcessControl process;

    Launcher(PrintStream out, PrintStream err, Function<String, String> env, SignalSource signals,
             ProcessControl process) {
        this.out = out;
        this.err = err;
        this.env = env;
        this.signals = signals;
        this.process = process;
    }

    /** The real launcher: stdout, stderr, the environment, OS signals, the JVM. */
    static Launcher forProcess() {
        return new Launcher(System.out, System.err, System::getenv, new JvmSignals(), ProcessControl.RUNTIME);
    }

    /**
     * Runs the launcher with {@code args} until its group stops.
     *
     * @return the exit code (see {@link ExitCode})
     */
    int start(String[] args) {
        CommandLine commandLine;
        try {
            commandLine = CommandLine.parse(args, env);
        } catch (UsageException e) {
            err.println(Messages.get("error.prefix", e.getMessage()));
            err.flush();
            return ExitCode.USAGE.code();
        }
        switch (commandLine.action()) {
            case HELP:
                out.print(Messages.get("usage"));
                out.flush();
                return ExitCode.OK.code();
            case VERSION:
                out.println(Messages.get("version", version()));
                out.flush();
                return ExitCode.OK.code();
            case RUN:
                return run(commandLine.options());
            default:
                throw new AssertionError(commandLine.action());
        }
    }

    private int run(Options options) {
        Log log = new Log(err);
        log.event("log.starting", version(), Runtime.version(), ProcessHandle.current().pid());
        AtomicReference<ServiceGroup> groupHolder = new AtomicReference<>();
        Endpoints endpoints = new Endpoints(groupHolder::get, options.shutdownToken());
        HttpService http = HttpService.builder(options.host, options.port)
                .route("/", endpoints.root())
                .route("/shutdown", endpoints.shutdown())
                .route("/healthz", endpoints.health())
                .route("/readyz", endpoints.ready())
                .onListening(address -> log.event("log.listening", show(address)))
                .build();
        Worker worker = new Worker(options.workerInterval, new TrafficReport(http.exchanges(), log));
        ServiceGroup group = ServiceGroup.builder()
                .shutdownTimeout(options.shutdownTimeout)
                .drainDelay(options.drainDelay)
                .listener(new GroupLog(log))
                .add("http", http)
                .add("worker", worker)
                .build();
        groupHolder.set(group);

        SignalStopper stopper = new SignalStopper(group, log, process);
        for (SignalSource.Unhandled unhandled : signals.install(List.of("INT", "TERM"), stopper::onSignal)) {
            if (unhandled.ignoredAtStart()) {
                log.event("log.signal.ignored", unhandled.signal());
            } else {
                log.event("log.signal.refused", unhandled.signal(), unhandled.detail());
            }
        }
        ShutdownHook hook = new ShutdownHook(group, log, process);
        process.addShutdownHook(hook.thread());

        Outcome outcome = group.run();
        int code = ExitCode.of(outcome).code();
        log.event("log.outcome", outcome.stopTime().toMillis(), code, outcome.cause());
        hook.exitCodeKnown(code);
        return code;
    }

    /** {@code host:port} as a URL authority; the wildcard address shows as 0.0.0.0. */
    static String show(InetSocketAddress address) {
        if (address.getAddress() == null) {
            return address.getHostString() + ":" + address.getPort();
        }
        if (address.getAddress().isAnyLocalAddress()) {
            return "0.0.0.0:" + address.getPort();
        }
        String host = address.getAddress().getHostAddress();
        if (address.getAddress() instanceof Inet6Address) {
            int scope = host.indexOf('%');
            host = "[" + (scope >= 0 ? host.substring(0, scope) : host) + "]";
        }
        return host + ":" + address.getPort();
    }

    /** The version from the build, or {@code dev} when run from unpackaged classes. */
    static String version() {
        Properties properties = new Properties();
        try (InputStream in = Launcher.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            return "dev";
        }
        String version = properties.getProperty("version", "dev");
        return version.startsWith("$") ? "dev" : version;
    }
}
