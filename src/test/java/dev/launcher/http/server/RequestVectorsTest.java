package dev.launcher.http.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The parser against the vector table {@code request-vectors.txt} (rows taken from public suites, each naming its
 * source), below the socket: each row's bytes are framed whole, one byte at a time, and through a small input
 * buffer, and must give the row's outcome each way.
 */
class RequestVectorsTest {

    /** A row of the table. */
    record Vector(int line, String source, String input, String expected) {
        @Override
        public String toString() {
            return line + ": " + source;
        }
    }

    static List<Vector> vectors() throws IOException {
        List<Vector> vectors = new ArrayList<>();
        try (InputStream in = RequestVectorsTest.class.getResourceAsStream("request-vectors.txt");
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int first = line.indexOf(" | ");
                int last = line.lastIndexOf(" | ");
                if (first < 0 || first == last) {
                    throw new IllegalStateException("line " + number + ": not source | input | expected");
                }
                vectors.add(new Vector(number, line.substring(0, first), line.substring(first + 3, last),
                        line.substring(last + 3).trim()));
            }
        }
        return vectors;
    }

    static Stream<Arguments> rows() throws IOException {
        return vectors().stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void framesAsExpected(Vector vector) throws IOException {
        assertEquals(vector.expected(), Framer.frame(vector.input(), Integer.MAX_VALUE, 16 * 1024).describe(),
                "whole, " + vector.input());
        assertEquals(vector.expected(), Framer.frame(vector.input(), 1, 16 * 1024).describe(),
                "byte at a time, " + vector.input());
        assertEquals(vector.expected(), Framer.frame(vector.input(), 7, 24).describe(),
                "24-byte buffer, " + vector.input());
    }

    /** The table is as large as RELIABILITY says, and every row names a source. */
    @Test
    void tableSize() throws IOException {
        List<Vector> vectors = vectors();
        assertTrue(vectors.size() >= 300, "rows: " + vectors.size());
        for (Vector vector : vectors) {
            assertTrue(!vector.source().isBlank(), "line " + vector.line() + " names no source");
        }
    }
}
