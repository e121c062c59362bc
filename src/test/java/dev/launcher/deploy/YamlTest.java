package dev.launcher.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The small YAML reader and the other parsers the deploy checks rely on. */
class YamlTest {

    /** Nested mappings, sequences of mappings and scalars, comments and documents read as YAML reads them. */
    @Test
    void readsTheBlockSubset() {
        List<Object> documents = Yaml.readAll(String.join("\n",
                "# heading",
                "a: 1            # a comment",
                "b:",
                "  c: \"x # not a comment\"",
                "  d: 'it''s'",
                "  e:",
                "    - p: 8080",
                "      q: true",
                "    - plain:value",
                "    -",
                "      - nested",
                "f:",
                "- at the key's indentation",
                "g: \"1\"",
                "h:",
                "---",
                "---",
                "second: ~",
                ""));
        assertEquals(2, documents.size());
        Object first = documents.get(0);
        assertEquals(1L, Yaml.at(first, "a"));
        assertEquals("x # not a comment", Yaml.at(first, "b", "c"));
        assertEquals("it's", Yaml.at(first, "b", "d"));
        assertEquals(8080L, Yaml.at(first, "b", "e", 0, "p"));
        assertEquals(Boolean.TRUE, Yaml.at(first, "b", "e", 0, "q"));
        assertEquals("plain:value", Yaml.at(first, "b", "e", 1));
        assertEquals(List.of("nested"), Yaml.at(first, "b", "e", 2));
        assertEquals(List.of("at the key's indentation"), Yaml.at(first, "f"));
        assertEquals("1", Yaml.at(first, "g"));
        assertTrue(((Map<?, ?>) first).containsKey("h"));
        assertNull(Yaml.at(first, "h"));
        assertTrue(((Map<?, ?>) documents.get(1)).containsKey("second"));
    }

    /** What the reader does not support is an error naming the line, never a silent misreading. */
    @ParameterizedTest
    @ValueSource(strings = {
        "a: [1, 2]",
        "a: {b: 1}",
        "a: &anchor 1",
        "a: *anchor",
        "a: !!str 1",
        "a: |\n  text",
        "a: >\n  text",
        "a: b: c",
        "a: 1\na: 2",
        "a:\n\tb: 1",
        "a: \"open",
        "a: 'open",
        "a: \"x\" y",
        "a: plain\n  continued",
        "a:\n  b: 1\n c: 2",
        "- a\nb: 1",
        "just text",
    })
    void rejectsWhatItDoesNotRead(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Yaml.readAll(text));
        assertTrue(e.getMessage().startsWith("line "), e.getMessage());
    }

    /** Go-style durations, as the launcher's flags take them. */
    @ParameterizedTest
    @CsvSource({"0s, 0", "0, 0", "250ms, 250", "5s, 5000", "1.5s, 1500", "1m30s, 90000", "1h, 3600000"})
    void readsGoDurations(String text, long millis) {
        assertEquals(Duration.ofMillis(millis), DeployFiles.goDuration(text));
    }

    /** systemd time spans, as TimeoutStopSec takes them. */
    @ParameterizedTest
    @CsvSource({"15s, 15000", "90, 90000", "1min 30s, 90000", "500ms, 500", "2min, 120000"})
    void readsSystemdSpans(String text, long millis) {
        assertEquals(Duration.ofMillis(millis), DeployFiles.systemdSpan(text));
    }

    /** Only a strict JSON array of strings is exec form; anything else Docker would hand to a shell. */
    @Test
    void readsExecFormStrictly() {
        assertEquals(List.of("/bin/java", "-jar", "a \"b\""),
                DeployFiles.jsonStrings("[\"/bin/java\", \"-jar\",\"a \\\"b\\\"\"]"));
        assertEquals(List.of(), DeployFiles.jsonStrings("[]"));
        for (String bad : List.of("java -jar x", "[\"java\", \"-jar\"", "['java']", "[\"java\",]", "[\"java\" \"x\"]",
                "[\"java]")) {
            assertThrows(IllegalArgumentException.class, () -> DeployFiles.jsonStrings(bad), bad);
        }
    }
}
