package dev.launcher.app;

/**
 * One {@code /metrics} answer being written in the Prometheus text format, version 0.0.4. Each family starts with
 * {@link #family}, which writes its {@code # HELP} (the {@code metrics.help.NAME} message) and {@code # TYPE}
 * lines; its samples follow it. Not thread-safe: one per scrape.
 */
final class Exposition {

    private final StringBuilder out = new StringBuilder(8192);

    /** Starts the family {@code name} of {@code type} (counter, gauge, histogram, summary). */
    void family(String name, String type) {
        out.append("# HELP ").append(name).append(' ').append(Messages.get("metrics.help." + name)).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    /** A family of one unlabelled sample: its {@code # HELP} and {@code # TYPE} lines, then the sample. */
    void single(String name, String type, long value) {
        family(name, type);
        sample(name, value);
    }

    /** A family of one unlabelled floating-point sample. */
    void single(String name, String type, double value) {
        family(name, type);
        sample(name, value);
    }

    /** A sample; {@code series} is the sample name with its labels already written, e.g. {@code a_total{b="c"}}. */
    void sample(String series, long value) {
        out.append(series).append(' ').append(value).append('\n');
    }

    /** A sample with a floating-point value; NaN and the infinities are written as the format spells them. */
    void sample(String series, double value) {
        out.append(series).append(' ');
        value(value);
        out.append('\n');
    }

    /** A sample with one label, whose value is escaped here. */
    void sample(String name, String label, String labelValue, long value) {
        labelled(name, label, labelValue);
        out.append(value).append('\n');
    }

    /** A sample with one label and a floating-point value. */
    void sample(String name, String label, String labelValue, double value) {
        labelled(name, label, labelValue);
        value(value);
        out.append('\n');
    }

    /** The text written so far. */
    String text() {
        return out.toString();
    }

    /** A label value with backslash, quote and line feed escaped. */
    static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private void labelled(String name, String label, String labelValue) {
        out.append(name).append('{').append(label).append("=\"").append(escape(labelValue)).append("\"} ");
    }

    private void value(double value) {
        if (Double.isNaN(value)) {
            out.append("NaN");
        } else if (Double.isInfinite(value)) {
            out.append(value > 0 ? "+Inf" : "-Inf");
        } else {
            out.append(value);
        }
    }
}
