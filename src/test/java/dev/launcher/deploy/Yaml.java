package dev.launcher.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads the subset of YAML that deploy/kubernetes.yaml is kept in: block mappings and sequences (also a mapping
 * started on a {@code - } line, and a sequence at its key's indentation), plain, single- and double-quoted
 * scalars on one line, comments, and documents separated by {@code ---}. Anything else — flow collections,
 * anchors, aliases, tags, block scalars, multi-line scalars, tabs, duplicate keys — is rejected with its line
 * number rather than misread.
 *
 * <p>Scalars follow YAML 1.2's core schema for the values used here: unquoted integers are {@link Long},
 * {@code true}/{@code false} {@link Boolean}, {@code null}/{@code ~} null, everything else (and every quoted
 * value) a {@link String}. Mappings are {@link LinkedHashMap}s in file order.
 */
final class Yaml {

    private static final Pattern INTEGER = Pattern.compile("[-+]?(0|[1-9][0-9]*)");

    private record Line(int number, int indent, String text) {
    }

    private final List<Line> lines;
    private int next;

    private Yaml(List<Line> lines) {
        this.lines = lines;
    }

    /** Every non-empty document of {@code text}, in order. */
    static List<Object> readAll(String text) {
        List<Object> documents = new ArrayList<>();
        List<Line> current = new ArrayList<>();
        String[] raw = text.split("\r?\n", -1);
        for (int i = 0; i < raw.length; i++) {
            int number = i + 1;
            String content = stripComment(raw[i], number);
            if (content.isBlank()) {
                continue;
            }
            if (content.equals("---") || content.equals("...")) {
                documents.add(new Yaml(current).document());
                current = new ArrayList<>();
                continue;
            }
            if (content.startsWith("%") || content.startsWith("--- ")) {
                throw error(number, "directives and content after --- are not supported");
            }
            int indent = 0;
            while (indent < content.length() && content.charAt(indent) == ' ') {
                indent++;
            }
            if (content.charAt(indent) == '\t') {
                throw error(number, "tab in indentation");
            }
            current.add(new Line(number, indent, content.substring(indent)));
        }
        documents.add(new Yaml(current).document());
        documents.removeIf(document -> document == null);
        return documents;
    }

    /** The node at {@code path} (mapping keys, or list indices as numbers), or null if any step is missing. */
    static Object at(Object node, Object... path) {
        Object current = node;
        for (Object step : path) {
            if (current instanceof Map<?, ?> map && step instanceof String key) {
                current = map.get(key);
            } else if (current instanceof List<?> list && step instanceof Integer index) {
                current = index < list.size() ? list.get(index) : null;
            } else {
                return null;
            }
        }
        return current;
    }

    private Object document() {
        if (lines.isEmpty()) {
            return null;
        }
        Object root = node(lines.get(0).indent);
        if (next < lines.size()) {
            throw error(lines.get(next).number, "unexpected indentation");
        }
        return root;
    }

    /** A mapping or a sequence whose lines start at column {@code indent}. */
    private Object node(int indent) {
        Line line = lines.get(next);
        if (line.indent != indent) {
            throw error(line.number, "unexpected indentation");
        }
        return isItem(line.text) ? sequence(indent) : mapping(indent);
    }

    private List<Object> sequence(int indent) {
        List<Object> items = new ArrayList<>();
        while (next < lines.size() && lines.get(next).indent == indent && isItem(lines.get(next).text)) {
            Line line = lines.get(next);
            String rest = line.text.substring(1).stripLeading();
            if (rest.isEmpty()) {
                next++;
                items.add(child(indent));
            } else if (isItem(rest) || keyEnd(rest, line.number) >= 0) {
                // a nested node starting on the "- " line: read it as if it started on a line of its own
                int column = indent + line.text.length() - rest.length();
                lines.set(next, new Line(line.number, column, rest));
                items.add(node(column));
            } else {
                next++;
                items.add(scalar(rest, line.number));
            }
        }
        return items;
    }

    private Map<String, Object> mapping(int indent) {
        Map<String, Object> map = new LinkedHashMap<>();
        while (next < lines.size() && lines.get(next).indent == indent) {
            Line line = lines.get(next);
            if (isItem(line.text)) {
                throw error(line.number, "a sequence item where a mapping key was expected");
            }
            int end = keyEnd(line.text, line.number);
            if (end < 0) {
                throw error(line.number, "expected 'key: value'");
            }
            Object keyNode = scalar(line.text.substring(0, end).strip(), line.number);
            if (!(keyNode instanceof String key)) {
                throw error(line.number, "keys must be strings");
            }
            if (map.containsKey(key)) {
                throw error(line.number, "duplicate key '" + key + "'");
            }
            String value = line.text.substring(end + 1).strip();
            next++;
            if (!value.isEmpty()) {
                map.put(key, scalar(value, line.number));
            } else if (next < lines.size() && lines.get(next).indent == indent && isItem(lines.get(next).text)) {
                map.put(key, sequence(indent)); // "key:" followed by "- item" at the key's indentation
            } else {
                map.put(key, child(indent));
            }
        }
        return map;
    }

    /** The block node below {@code parent} (more indented), or null if there is none. */
    private Object child(int indent) {
        if (next < lines.size() && lines.get(next).indent > indent) {
            return node(lines.get(next).indent);
        }
        return null;
    }

    private static boolean isItem(String text) {
        return text.equals("-") || text.startsWith("- ");
    }

    /** The index of the ':' ending a mapping key (outside quotes, followed by a space or the end), or -1. */
    private static int keyEnd(String text, int number) {
        char quote = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                if (c == '\\' && quote == '"') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if ((c == '"' || c == '\'') && i == 0) {
                quote = c;
            } else if (c == ':' && (i + 1 == text.length() || text.charAt(i + 1) == ' ')) {
                return i;
            }
        }
        return -1;
    }

    private static Object scalar(String text, int number) {
        char first = text.charAt(0);
        if (first == '"') {
            if (text.length() < 2 || !text.endsWith("\"")) {
                throw error(number, "unterminated double-quoted string (multi-line strings are not supported)");
            }
            StringBuilder value = new StringBuilder();
            for (int i = 1; i < text.length() - 1; i++) {
                char c = text.charAt(i);
                if (c == '"') {
                    throw error(number, "text after a double-quoted string");
                }
                if (c == '\\') {
                    char escaped = text.charAt(++i);
                    switch (escaped) {
                        case '"', '\\', '/' -> value.append(escaped);
                        case 'n' -> value.append('\n');
                        case 't' -> value.append('\t');
                        default -> throw error(number, "unsupported escape \\" + escaped);
                    }
                } else {
                    value.append(c);
                }
            }
            return value.toString();
        }
        if (first == '\'') {
            if (text.length() < 2 || !text.endsWith("'")) {
                throw error(number, "unterminated single-quoted string (multi-line strings are not supported)");
            }
            String inner = text.substring(1, text.length() - 1);
            if (inner.replace("''", "").contains("'")) {
                throw error(number, "text after a single-quoted string");
            }
            return inner.replace("''", "'");
        }
        if ("[]{},&*!|>%@`".indexOf(first) >= 0) {
            throw error(number, "'" + first + "' starts a YAML feature this reader does not support: " + text);
        }
        if (text.contains(": ") || text.endsWith(":")) {
            throw error(number, "': ' inside a plain value (quote it): " + text);
        }
        if (INTEGER.matcher(text).matches()) {
            return Long.parseLong(text);
        }
        switch (text) {
            case "true":
                return Boolean.TRUE;
            case "false":
                return Boolean.FALSE;
            case "null":
            case "~":
                return null;
            default:
                return text;
        }
    }

    /** The line without its comment ('#' at the start or after a space, outside quotes) and trailing spaces. */
    private static String stripComment(String line, int number) {
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == '\\' && quote == '"') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if ((c == '"' || c == '\'') && (i == 0 || " :-".indexOf(line.charAt(i - 1)) >= 0)) {
                quote = c;
            } else if (c == '#' && (i == 0 || line.charAt(i - 1) == ' ')) {
                return line.substring(0, i).stripTrailing();
            }
        }
        return line.stripTrailing();
    }

    private static IllegalArgumentException error(int number, String message) {
        return new IllegalArgumentException("line " + number + ": " + message);
    }
}
