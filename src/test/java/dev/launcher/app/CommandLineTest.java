package dev.launcher.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parsing of flags and environment variables. */
class CommandLineTest {

    private static Options parse(Map<String, String> env, String... args) throws UsageException {
        CommandLine commandLine = CommandLine.parse(args, env::get);
        assertEquals(CommandLine.Action.RUN, commandLine.action());
        return commandLine.options();
    }

    /** No flags: every default. */
    @Test
    void defaults() throws Exception {
        Options options = parse(Map.of());
        assertEquals("", options.host);
        assertEquals(8080, options.port);
        assertEquals(Duration.ofSeconds(5), options.shutdownTimeout);
        assertEquals(Duration.ZERO, options.drainDelay);
        assertEquals(Duration.ofSeconds(2), options.workerInterval);
        assertTrue(options.shutdownToken().isEmpty());
    }

    /** Addresses: host and port, all interfaces, IPv6 in brackets, both flag forms. */
    @ParameterizedTest
    @CsvSource({
        "':8080',          '',           8080",
        "'127.0.0.1:0',    '127.0.0.1',  0",
        "'localhost:9000', 'localhost',  9000",
        "'[::1]:8081',     '::1',        8081",
        "'0.0.0.0:65535',  '0.0.0.0',    65535",
    })
    void addresses(String addr, String host, int port) throws Exception {
        Options options = parse(Map.of(), "--addr", addr);
        assertEquals(host, options.host);
        assertEquals(port, options.port);
        Options joined = parse(Map.of(), "--addr=" + addr);
        assertEquals(host, joined.host);
        assertEquals(port, joined.port);
    }

    /** {@code inherit}, from the flag or the variable, serves on the inherited socket; an address wins over it. */
    @Test
    void inheritedListener() throws Exception {
        assertTrue(parse(Map.of(), "--addr", "inherit").inheritListener);
        assertTrue(parse(Map.of(), "--addr=inherit").inheritListener);
        assertTrue(parse(Map.of("LAUNCHER_ADDR", "inherit")).inheritListener);
        Options bound = parse(Map.of("LAUNCHER_ADDR", "inherit"), "--addr", "127.0.0.1:0");
        assertFalse(bound.inheritListener);
        assertEquals("127.0.0.1", bound.host);
        assertFalse(parse(Map.of()).inheritListener);
        assertThrows(UsageException.class, () -> parse(Map.of(), "--addr", "Inherit"));
    }

    /** The flag wins over its variable; the variable wins over the default. */
    @Test
    void flagWinsOverEnvironment() throws Exception {
        Map<String, String> env = Map.of("LAUNCHER_ADDR", "127.0.0.1:1234", "LAUNCHER_SHUTDOWN_TOKEN", "from-env",
                "LAUNCHER_SHUTDOWN_TIMEOUT", "7s");
        Options fromEnv = parse(env);
        assertEquals(1234, fromEnv.port);
        assertEquals("from-env", fromEnv.shutdownToken().orElseThrow());
        assertEquals(Duration.ofSeconds(7), fromEnv.shutdownTimeout);
        Options fromFlags = parse(env, "--addr", ":9", "--shutdown-token", "from-flag");
        assertEquals(9, fromFlags.port);
        assertEquals("from-flag", fromFlags.shutdownToken().orElseThrow());
    }

    /** --help and --version win over everything else. */
    @Test
    void helpAndVersion() throws Exception {
        assertEquals(CommandLine.Action.HELP, CommandLine.parse(new String[]{"--addr", ":1", "--help"}, k -> null).action());
        assertEquals(CommandLine.Action.VERSION, CommandLine.parse(new String[]{"--version"}, k -> null).action());
    }

    /** Every kind of bad input is a usage error whose one-line message names the problem. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--nope                                        | unknown option --nope",
        "-x                                            | unknown option -x",
        "stray                                         | unexpected argument stray",
        "--addr                                        | option --addr needs a value",
        "--addr 8080                                   | --addr: invalid address",
        "--addr :99999                                 | --addr: invalid port",
        "--addr :http                                  | --addr: invalid port",
        "--addr a:b:1                                  | --addr: invalid address",
        "--shutdown-timeout 5                          | --shutdown-timeout: invalid duration \"5\"",
        "--shutdown-timeout soon                       | --shutdown-timeout: invalid duration",
        "--shutdown-timeout 0s                         | --shutdown-timeout must be above zero",
        "--shutdown-timeout -1s                        | --shutdown-timeout must be above zero",
        "--drain-delay -1s                             | --drain-delay must not be negative",
        "--drain-delay 5s                              | --drain-delay (5s) must be shorter than --shutdown-timeout (5s)",
        "--drain-delay 10s --shutdown-timeout 2s       | must be shorter than --shutdown-timeout (2s)",
        "--worker-interval 0                           | --worker-interval must be above zero",
        "--worker-interval 1x                          | --worker-interval: invalid duration",
        "--shutdown-token=                             | --shutdown-token must not be empty",
        "--log-format xml                              | --log-format: invalid value \"xml\" (use text or json)",
        "--access-log=maybe                            | --access-log: invalid value \"maybe\" (use true or false)",
    })
    void badInput(String args, String message) {
        UsageException error = assertThrows(UsageException.class,
                () -> CommandLine.parse(args.trim().split("\\s+"), k -> null));
        assertTrue(error.getMessage().contains(message.trim()), error.getMessage());
        assertTrue(!error.getMessage().contains("\n"), error.getMessage());
    }

    /** A bad environment value names the variable. */
    @Test
    void badEnvironmentNamesTheVariable() {
        UsageException error = assertThrows(UsageException.class,
                () -> CommandLine.parse(new String[0], Map.of("LAUNCHER_SHUTDOWN_TIMEOUT", "never")::get));
        assertTrue(error.getMessage().contains("LAUNCHER_SHUTDOWN_TIMEOUT"), error.getMessage());
    }
}
