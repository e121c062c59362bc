package dev.launcher.app;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Turns arguments and environment into {@link Options}. Flags take their value as the next argument or after
 * {@code =}; every option also has an environment variable, and the flag wins.
 */
final class CommandLine {

    /** What the user asked for. */
    enum Action { RUN, HELP, VERSION }

    private static final Map<String, String> VARIABLES = Map.of(
            "--addr", "LAUNCHER_ADDR",
            "--shutdown-timeout", "LAUNCHER_SHUTDOWN_TIMEOUT",
            "--drain-delay", "LAUNCHER_DRAIN_DELAY",
            "--worker-interval", "LAUNCHER_WORKER_INTERVAL",
            "--shutdown-token", "LAUNCHER_SHUTDOWN_TOKEN",
            "--log-format", "LAUNCHER_LOG_FORMAT",
            "--access-log", "LAUNCHER_ACCESS_LOG");

    private final Action action;
    private final Options options;

    private CommandLine(Action action, Options options) {
        this.action = action;
        this.options = options;
    }

    Action action() {
        return action;
    }

    /** The options; only for {@link Action#RUN}. */
    Options options() {
        return options;
    }

    /**
     * Parses the command line.
     *
     * @param env the environment (e.g. {@code System::getenv}); returns null for an unset variable
     * @throws UsageException naming the first problem found
     */
    static CommandLine parse(String[] args, Function<String, String> env) throws UsageException {
        Map<String, String> flags = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg;
            String value = null;
            int equals = arg.indexOf('=');
            if (arg.startsWith("--") && equals > 0) {
                name = arg.substring(0, equals);
                value = arg.substring(equals + 1);
            }
            switch (name) {
                case "--help":
                case "-h":
                    return new CommandLine(Action.HELP, null);
                case "--version":
                    return new CommandLine(Action.VERSION, null);
                case "--access-log":
                    flags.put(name, value == null ? "true" : value);
                    break;
                case "--addr":
                case "--log-format":
                case "--shutdown-timeout":
                case "--drain-delay":
                case "--worker-interval":
                case "--shutdown-token":
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            throw new UsageException("error.missing.value", name);
                        }
                        value = args[++i];
                    }
                    flags.put(name, value);
                    break;
                default:
                    if (arg.startsWith("-")) {
                        throw new UsageException("error.unknown.option", name);
                    }
                    throw new UsageException("error.unexpected.argument", arg);
            }
        }
        Setting setting = new Setting(flags, env);
        String addr = setting.value("--addr", Options.DEFAULT_ADDR);
        boolean inherit = addr.equals(Options.INHERIT_ADDR);
        String host = inherit ? "" : host(setting.source("--addr"), addr);
        int port = inherit ? 0 : port(setting.source("--addr"), addr);
        Duration timeout = setting.duration("--shutdown-timeout", Options.DEFAULT_SHUTDOWN_TIMEOUT);
        if (timeout.isZero() || timeout.isNegative()) {
            throw new UsageException("error.duration.not.positive", setting.source("--shutdown-timeout"),
                    setting.value("--shutdown-timeout", ""));
        }
        Duration drain = setting.duration("--drain-delay", Options.DEFAULT_DRAIN_DELAY);
        if (drain.isNegative()) {
            throw new UsageException("error.duration.negative", setting.source("--drain-delay"),
                    setting.value("--drain-delay", ""));
        }
        if (drain.compareTo(timeout) >= 0) {
            throw new UsageException("error.drain.not.shorter", Durations.format(drain), Durations.format(timeout));
        }
        Duration interval = setting.duration("--worker-interval", Options.DEFAULT_WORKER_INTERVAL);
        if (interval.isZero() || interval.isNegative()) {
            throw new UsageException("error.duration.not.positive", setting.source("--worker-interval"),
                    setting.value("--worker-interval", ""));
        }
        String token = setting.value("--shutdown-token", null);
        if (token != null && token.isEmpty()) {
            throw new UsageException("error.empty.token", setting.source("--shutdown-token"));
        }
        String format = setting.value("--log-format", "text");
        if (!format.equals("text") && !format.equals("json")) {
            throw new UsageException("error.bad.log.format", setting.source("--log-format"), format);
        }
        String access = setting.value("--access-log", "false");
        if (!access.matches("true|false|1|0")) {
            throw new UsageException("error.bad.boolean", setting.source("--access-log"), access);
        }
        return new CommandLine(Action.RUN, new Options(host, port, inherit, timeout, drain, interval, token,
                format.equals("json") ? Log.Format.JSON : Log.Format.TEXT, access.equals("true") || access.equals("1")));
    }

    /** The host of {@code [HOST]:PORT}; empty for all interfaces. IPv6 hosts are in brackets. */
    private static String host(String source, String addr) throws UsageException {
        int colon = addr.lastIndexOf(':');
        if (colon < 0) {
            throw new UsageException("error.bad.addr", source, addr);
        }
        String host = addr.substring(0, colon);
        if (host.startsWith("[")) {
            if (!host.endsWith("]") || host.length() < 3) {
                throw new UsageException("error.bad.addr", source, addr);
            }
            return host.substring(1, host.length() - 1);
        }
        if (host.contains(":") || host.contains("]") || host.chars().anyMatch(Character::isWhitespace)) {
            throw new UsageException("error.bad.addr", source, addr);
        }
        return host;
    }

    private static int port(String source, String addr) throws UsageException {
        String port = addr.substring(addr.lastIndexOf(':') + 1);
        try {
            if (!port.matches("[0-9]{1,5}")) {
                throw new NumberFormatException(port);
            }
            int number = Integer.parseInt(port);
            if (number > 65535) {
                throw new NumberFormatException(port);
            }
            return number;
        } catch (NumberFormatException e) {
            throw new UsageException("error.bad.port", source, port, addr);
        }
    }

    /** One option's value from its flag, else its variable, else a default; and where it came from. */
    private static final class Setting {
        private final Map<String, String> flags;
        private final Function<String, String> env;

        Setting(Map<String, String> flags, Function<String, String> env) {
            this.flags = flags;
            this.env = env;
        }

        String value(String flag, String fallback) {
            if (flags.containsKey(flag)) {
                return flags.get(flag);
            }
            String variable = env.apply(VARIABLES.get(flag));
            return variable != null ? variable : fallback;
        }

        /** The flag's name, or the variable's when the value came from there. */
        String source(String flag) {
            return !flags.containsKey(flag) && env.apply(VARIABLES.get(flag)) != null ? VARIABLES.get(flag) : flag;
        }

        Duration duration(String flag, Duration fallback) throws UsageException {
            String text = value(flag, null);
            if (text == null) {
                return fallback;
            }
            try {
                return Durations.parse(text);
            } catch (IllegalArgumentException e) {
                throw new UsageException("error.bad.duration", source(flag), text);
            }
        }
    }
}
