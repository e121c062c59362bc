package dev.launcher.http.server;

import java.time.LocalDateTime;
import java.time.ZoneOffset;

/** The {@code Date} header's value (IMF-fixdate, RFC 9110 5.6.7), formatted once per second. Thread-safe. */
final class HttpDate {

    private static final String[] DAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    private static final String[] MONTHS =
            {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

    /** The last second formatted and its text, published together. */
    private static volatile Formatted last = new Formatted(Long.MIN_VALUE, "");

    private HttpDate() {
    }

    private record Formatted(long second, String text) {
    }

    /** {@return the current time, e.g. {@code Sun, 06 Nov 1994 08:49:37 GMT}} */
    static String now() {
        long second = System.currentTimeMillis() / 1000;
        Formatted current = last;
        if (current.second != second) {
            current = new Formatted(second, format(second));
            last = current;
        }
        return current.text;
    }

    /** {@return the IMF-fixdate of {@code epochSecond}} */
    static String format(long epochSecond) {
        LocalDateTime time = LocalDateTime.ofEpochSecond(epochSecond, 0, ZoneOffset.UTC);
        StringBuilder text = new StringBuilder(29);
        text.append(DAYS[time.getDayOfWeek().ordinal()]).append(", ");
        twoDigits(text, time.getDayOfMonth()).append(' ').append(MONTHS[time.getMonthValue() - 1]).append(' ')
                .append(time.getYear()).append(' ');
        twoDigits(text, time.getHour()).append(':');
        twoDigits(text, time.getMinute()).append(':');
        twoDigits(text, time.getSecond()).append(" GMT");
        return text.toString();
    }

    private static StringBuilder twoDigits(StringBuilder text, int value) {
        return text.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
    }
}
