package dev.launcher.app;

import java.math.BigDecimal;
import java.time.Duration;

/** Go-style durations: {@code 250ms}, {@code 5s}, {@code 1m30s}, {@code 1.5h}, {@code 0}. */
final class Durations {

    private Durations() {
    }

    /**
     * Parses a Go-style duration: one or more decimal numbers, each with a unit {@code ns us µs ms s m h}; a lone
     * {@code 0} is allowed. A sign is allowed on the whole.
     *
     * @throws IllegalArgumentException if the text is not a duration
     */
    static Duration parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("empty duration");
        }
        String rest = text;
        boolean negative = false;
        if (rest.charAt(0) == '-' || rest.charAt(0) == '+') {
            negative = rest.charAt(0) == '-';
            rest = rest.substring(1);
        }
        if (rest.equals("0")) {
            return Duration.ZERO;
        }
        if (rest.isEmpty()) {
            throw new IllegalArgumentException("no number in " + text);
        }
        BigDecimal nanos = BigDecimal.ZERO;
        int i = 0;
        while (i < rest.length()) {
            int start = i;
            while (i < rest.length() && (Character.isDigit(rest.charAt(i)) || rest.charAt(i) == '.')) {
                i++;
            }
            String number = rest.substring(start, i);
            if (number.isEmpty() || number.equals(".") || number.indexOf('.') != number.lastIndexOf('.')) {
                throw new IllegalArgumentException("bad number in " + text);
            }
            int unitStart = i;
            while (i < rest.length() && !Character.isDigit(rest.charAt(i)) && rest.charAt(i) != '.') {
                i++;
            }
            long unit = unitNanos(rest.substring(unitStart, i), text);
            nanos = nanos.add(new BigDecimal(number).multiply(BigDecimal.valueOf(unit)));
        }
        if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException("duration too large: " + text);
        }
        Duration result = Duration.ofNanos(nanos.longValue());
        return negative ? result.negated() : result;
    }

    private static long unitNanos(String unit, String text) {
        switch (unit) {
            case "ns":
                return 1L;
            case "us":
            case "µs":
            case "μs":
                return 1_000L;
            case "ms":
                return 1_000_000L;
            case "s":
                return 1_000_000_000L;
            case "m":
                return 60_000_000_000L;
            case "h":
                return 3_600_000_000_000L;
            default:
                throw new IllegalArgumentException(unit.isEmpty() ? "missing unit in " + text : "unknown unit " + unit);
        }
    }

    /** Formats like Go: {@code 5s}, {@code 250ms}, {@code 1m30s}, {@code 1.5s}, {@code 0s}. */
    static String format(Duration duration) {
        if (duration.isZero()) {
            return "0s";
        }
        String sign = duration.isNegative() ? "-" : "";
        Duration d = duration.abs();
        if (d.compareTo(Duration.ofSeconds(1)) < 0) {
            long nanos = d.toNanos();
            if (nanos % 1_000_000 == 0) {
                return sign + nanos / 1_000_000 + "ms";
            }
            if (nanos % 1_000 == 0) {
                return sign + nanos / 1_000 + "us";
            }
            return sign + nanos + "ns";
        }
        StringBuilder text = new StringBuilder(sign);
        long hours = d.toHours();
        long minutes = d.toMinutesPart();
        if (hours > 0) {
            text.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            text.append(minutes).append('m');
        }
        BigDecimal seconds = BigDecimal.valueOf(d.toSecondsPart()).add(BigDecimal.valueOf(d.toNanosPart(), 9));
        text.append(seconds.stripTrailingZeros().toPlainString()).append('s');
        return text.toString();
    }
}
