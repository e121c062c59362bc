package dev.launcher.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The files under deploy/ and what the tests read from them: the launcher's options, durations, JSON arrays. */
final class DeployFiles {

    /** The launcher's defaults (README, --help). */
    static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);
    static final Duration DEFAULT_DRAIN_DELAY = Duration.ZERO;
    /** How long the group waits for interrupted members after the deadline before abandoning them. */
    static final Duration INTERRUPT_GRACE = Duration.ofMillis(500);

    private static final Pattern GO_DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");
    private static final Pattern SYSTEMD_SPAN_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|sec|min|m|h)?");

    private DeployFiles() {
    }

    /** The project's root: the {@code basedir} the build sets, else the working directory. */
    static Path root() {
        return Paths.get(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
    }

    static Path deploy(String name) {
        return root().resolve("deploy").resolve(name);
    }

    static String read(String name) {
        try {
            return Files.readString(deploy(name), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The documents of deploy/kubernetes.yaml. */
    static List<Object> kubernetes() {
        return Yaml.readAll(read("kubernetes.yaml"));
    }

    /** The first document of deploy/kubernetes.yaml of this kind. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> kubernetes(String kind) {
        return kubernetes().stream()
                .filter(document -> kind.equals(Yaml.at(document, "kind")))
                .map(document -> (Map<String, Object>) document)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " in deploy/kubernetes.yaml"));
    }

    /** The launcher's options in an argument list: {@code --name=value} or {@code --name value}, in order. */
    static Map<String, String> flags(List<String> args) {
        Map<String, String> flags = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--")) {
                continue;
            }
            int equals = arg.indexOf('=');
            if (equals > 0) {
                flags.put(arg.substring(0, equals), arg.substring(equals + 1));
            } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
                flags.put(arg, args.get(++i));
            } else {
                flags.put(arg, "");
            }
        }
        return flags;
    }

    /** A Go-style duration as the launcher takes it: 250ms, 5s, 1m30s, 1.5s, 0s. */
    static Duration goDuration(String text) {
        if (text.equals("0")) {
            return Duration.ZERO;
        }
        Matcher part = GO_DURATION_PART.matcher(text);
        long nanos = 0;
        int end = 0;
        while (part.find() && part.start() == end) {
            nanos += scaled(part.group(1), switch (part.group(2)) {
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                default -> 3_600_000_000_000L;
            });
            end = part.end();
        }
        if (end == 0 || end != text.length()) {
            throw new IllegalArgumentException("not a duration: " + text);
        }
        return Duration.ofNanos(nanos);
    }

    /** A systemd time span: 15s, 1min 30s, 90 (seconds). */
    static Duration systemdSpan(String text) {
        Matcher part = SYSTEMD_SPAN_PART.matcher(text.strip());
        long nanos = 0;
        int end = 0;
        while (end < text.strip().length() && part.find(end) && part.start() == end) {
            String unit = part.group(2) == null ? "s" : part.group(2);
            nanos += scaled(part.group(1), switch (unit) {
                case "ms" -> 1_000_000L;
                case "s", "sec" -> 1_000_000_000L;
                case "min", "m" -> 60_000_000_000L;
                default -> 3_600_000_000_000L;
            });
            end = part.end();
            while (end < text.strip().length() && text.strip().charAt(end) == ' ') {
                end++;
            }
        }
        if (end == 0 || end != text.strip().length()) {
            throw new IllegalArgumentException("not a systemd time span: " + text);
        }
        return Duration.ofNanos(nanos);
    }

    /** A Dockerfile instruction: its keyword in upper case and its arguments, continuation lines joined. */
    record Instruction(int line, String keyword, String arguments) {
    }

    /** The instructions of deploy/Dockerfile, in order (comments and parser directives skipped). */
    static List<Instruction> dockerfile() {
        List<Instruction> instructions = new ArrayList<>();
        String[] lines = read("Dockerfile").split("\r?\n", -1);
        StringBuilder current = null;
        int start = 0;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.startsWith("#") || (current == null && line.isEmpty())) {
                continue;
            }
            if (current == null) {
                current = new StringBuilder();
                start = i + 1;
            }
            boolean continues = line.endsWith("\\");
            current.append(continues ? line.substring(0, line.length() - 1) : line).append(' ');
            if (!continues) {
                String text = current.toString().strip();
                int space = text.indexOf(' ');
                instructions.add(new Instruction(start, (space < 0 ? text : text.substring(0, space)).toUpperCase(),
                        space < 0 ? "" : text.substring(space + 1).strip()));
                current = null;
            }
        }
        return instructions;
    }

    private static long scaled(String number, long unit) {
        return new java.math.BigDecimal(number).multiply(java.math.BigDecimal.valueOf(unit)).longValueExact();
    }

    /**
     * A Dockerfile exec-form argument: a JSON array of strings, strictly ({@code ["a", "b"]}). Docker runs
     * anything else through {@code /bin/sh -c}, so a malformed array is an error here, not a shell command.
     */
    static List<String> jsonStrings(String text) {
        try {
            return parseJsonStrings(text);
        } catch (IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("not a JSON array of strings: " + text);
        }
    }

    private static List<String> parseJsonStrings(String text) {
        String s = text.strip();
        if (!s.startsWith("[") || !s.endsWith("]")) {
            throw new IllegalArgumentException("not a JSON array (Docker would run it through a shell): " + text);
        }
        List<String> values = new ArrayList<>();
        int i = 1;
        boolean expectValue = true;
        while (true) {
            while (s.charAt(i) == ' ') {
                i++;
            }
            char c = s.charAt(i);
            if (c == ']' && i == s.length() - 1 && (values.isEmpty() || !expectValue)) {
                return values;
            }
            if (expectValue && c == '"') {
                StringBuilder value = new StringBuilder();
                for (i++; s.charAt(i) != '"'; i++) {
                    if (s.charAt(i) == '\\') {
                        char escaped = s.charAt(++i);
                        if ("\"\\/".indexOf(escaped) < 0) {
                            throw new IllegalArgumentException("unsupported escape in " + text);
                        }
                        value.append(escaped);
                    } else {
                        value.append(s.charAt(i));
                    }
                }
                values.add(value.toString());
                i++;
                expectValue = false;
            } else if (!expectValue && c == ',') {
                i++;
                expectValue = true;
            } else {
                throw new IllegalArgumentException("not a JSON array of strings (at " + i + "): " + text);
            }
        }
    }
}
