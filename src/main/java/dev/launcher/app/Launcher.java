package dev.launcher.app;

import com.sun.net.httpserver.HttpHandler;
import dev.launcher.group.GroupHandle;
import dev.launcher.group.Outcome;
import dev.launcher.group.Service;
import dev.launcher.group.ServiceGroup;
import dev.launcher.group.ServiceGroupBuilder;
import dev.launcher.http.HttpService;
import dev.launcher.signal.SignalSource;
import dev.launcher.worker.Worker;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;

/**
 * The whole launcher as a library: the command line, the HTTP server with the built-in endpoints, the worker,
 * signals, the shutdown hook, the log and the exit code — with your own routes, members and worker job added.
 *
 * <pre>{@code
 * public static void main(String[] args) {
 *     System.exit(Launcher.builder()
 *             .route("/orders", new OrdersHandler())
 *             .member("consumer", new QueueConsumer())
 *             .workerJob(tick -> cleanUp())
 *             .build()
 *             .start(args));
 * }
 * }</pre>
 *
 * <p>{@link #start} parses the arguments and environment (see {@code --help}), runs the group until it stops, and
 * returns the exit code; the caller passes it to {@link System#exit}, which the launcher relies on (after
 * installing signal handlers the JVM no longer exits on SIGTERM by itself). A launcher starts once.
 */
public final class Launcher {

    private final PrintStream out;
    private final PrintStream err;
    private final Function<String, String> env;
    private final SignalSource signals;
    private final ProcessControl process;
    private final Map<String, HttpHandler> routes;
    private final Map<String, Service> members;
    private final Worker.Job workerJob;
    private final List<List<String>> stopOrder;

    private Launcher(Builder builder, PrintStream out, PrintStream err, Function<String, String> env,
                     SignalSource signals, ProcessControl process) {
        this.out = out;
        this.err = err;
        this.env = env;
        this.signals = signals;
        this.process = process;
        this.routes = Map.copyOf(builder.routes);
        this.members = new LinkedHashMap<>(builder.members);
        this.workerJob = builder.workerJob;
        this.stopOrder = builder.stopOrder;
    }

    /** {@return a builder for a launcher with your own routes, members and worker job} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs the launcher with {@code args} until its group stops. Blocks.
     *
     * @param args the command line (see {@code --help})
     * @return the exit code: 0 stopped in time, 1 a member failed, 2 usage error, 3 deadline passed (see the
     *         README); pass it to {@link System#exit}
     */
    public int start(String[] args) {
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
        HttpService.prepare();
        Log log = new Log(err, options.logFormat);
        log.event("log.starting", version(), Runtime.version(), ProcessHandle.current().pid());
        ServiceGroup group = wire(options, log);
        ProcessStop processStop = new ProcessStop(group, log, process);
        processStop.install(signals);
        // once the group is ready, a throwaway group's stop warms the stop path's code (idle stop ~28 -> ~12 ms)
        StopRehearsal.after(group, options.logFormat);
        Outcome outcome = group.run();
        ExitCode code = ExitCode.of(outcome);
        log.last("log.outcome", outcome.stopTime().toMillis(), code.code(), Messages.cause(outcome.cause()));
        processStop.exiting(code);
        return code.code();
    }

    /** The group: the HTTP member (your routes and the built-in ones), the worker, your members; not yet run. */
    private ServiceGroup wire(Options options, Log log) {
        ServiceGroupBuilder groupBuilder = ServiceGroup.builder()
                .shutdownTimeout(options.shutdownTimeout)
                .drainDelay(options.drainDelay)
                .listener(new GroupLog(log));
        GroupHandle handle = groupBuilder.handle();
        Endpoints endpoints = new Endpoints(handle, options.shutdownToken());
        HttpService.Builder httpBuilder = options.inheritListener ? HttpService.inheritedBuilder()
                : HttpService.builder(options.host, options.port);
        // the worker's report and /metrics read the server's exchanges and metrics: its builder hands them out
        Worker.Job job = workerJob != null ? workerJob : new TrafficReport(httpBuilder.exchanges(), log);
        Worker worker = new Worker(options.workerInterval, job);
        routes.forEach(httpBuilder::route);
        httpBuilder
                .route("/", endpoints.root())
                .route("/shutdown", endpoints.shutdown())
                .route("/healthz", endpoints.health())
                .route("/readyz", endpoints.ready())
                .route("/metrics", new MetricsEndpoint(handle, httpBuilder.metrics(), httpBuilder.exchanges(),
                        worker))
                .onListening(address -> log.event("log.listening", show(address)));
        if (options.accessLog) {
            httpBuilder.observer(new AccessLog(log));
        }
        HttpService http = httpBuilder.build();
        groupBuilder.add("http", http).add("worker", worker);
        members.forEach(groupBuilder::add);
        return groupBuilder.stopOrder(stopOrder).build();
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

    /** Builds a {@link Launcher}. Not thread-safe. */
    public static final class Builder {
        private static final Set<String> RESERVED_PATHS = Set.of("/", "/shutdown", "/healthz", "/readyz", "/metrics");
        private static final Set<String> RESERVED_MEMBERS = Set.of("http", "worker");
        private final Map<String, HttpHandler> routes = new LinkedHashMap<>();
        private final Map<String, Service> members = new LinkedHashMap<>();
        private Worker.Job workerJob;
        private List<List<String>> stopOrder = List.of();

        private Builder() {
        }

        /**
         * Serves {@code path} (exact match) with {@code handler}, beside the built-in endpoints.
         *
         * @param path    e.g. {@code /orders}
         * @param handler must send a response and close the exchange
         * @return this builder
         * @throws IllegalArgumentException for a built-in path ({@code / /shutdown /healthz /readyz /metrics})
         */
        public Builder route(String path, HttpHandler handler) {
            if (RESERVED_PATHS.contains(path)) {
                throw new IllegalArgumentException("built-in path: " + path);
            }
            routes.put(path, Objects.requireNonNull(handler, "handler"));
            return this;
        }

        /**
         * Adds a member to the group, beside {@code http} and {@code worker}.
         *
         * @param name    the member's name; also its thread's
         * @param service what it runs
         * @return this builder
         * @throws IllegalArgumentException for a name already taken
         */
        public Builder member(String name, Service service) {
            if (RESERVED_MEMBERS.contains(name) || members.containsKey(name)) {
                throw new IllegalArgumentException("member name taken: " + name);
            }
            members.put(name, Objects.requireNonNull(service, "service"));
            return this;
        }

        /**
         * Replaces the worker's default job (a traffic report) with {@code job}, run every --worker-interval.
         *
         * @param job the work; a job that throws fails the worker, and so the group
         * @return this builder
         */
        public Builder workerJob(Worker.Job job) {
            this.workerJob = Objects.requireNonNull(job, "job");
            return this;
        }

        /**
         * Stops the members in stages (see {@link ServiceGroupBuilder#stopOrder}); e.g.
         * {@code stopOrder(List.of("http"), List.of("worker"))} stops taking requests before stopping the worker.
         * Default: every member at once.
         *
         * @param stages the stages, first to stop first; each a list of member names
         * @return this builder
         */
        @SafeVarargs
        public final Builder stopOrder(List<String>... stages) {
            this.stopOrder = List.of(stages);
            return this;
        }

        /** {@return a launcher wired to the real process: stdout, stderr, the environment, OS signals, the JVM} */
        public Launcher build() {
            return build(System.out, System.err, System::getenv, SignalSource.jvm(), ProcessControl.RUNTIME);
        }

        /** {@return a launcher wired to the given streams, environment, signals and process (a test's)} */
        Launcher build(PrintStream out, PrintStream err, Function<String, String> env, SignalSource signals,
                       ProcessControl process) {
            return new Launcher(this, out, err, env, signals, process);
        }
    }
}
