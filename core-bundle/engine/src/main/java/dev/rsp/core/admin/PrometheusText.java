package dev.rsp.core.admin;

/**
 * Writes the Prometheus text exposition format, version 0.0.4: one {@code # HELP} and one {@code # TYPE} line per
 * family, then its samples (and comment lines), label values escaped ({@code \\}, {@code \"}, newline). Callers
 * keep the samples of a family together and name counters {@code *_total} and durations in seconds.
 */
final class PrometheusText {

    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final StringBuilder out = new StringBuilder(4096);

    /** Starts a family; {@code type} is counter, gauge or histogram. */
    PrometheusText family(String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ');
        for (int i = 0; i < help.length(); i++) {
            char c = help.charAt(i);
            out.append(c == '\\' ? "\\\\" : c == '\n' ? "\\n" : String.valueOf(c));
        }
        out.append('\n').append("# TYPE ").append(name).append(' ').append(type).append('\n');
        return this;
    }

    /**
     * A comment line ({@code # } then {@code text} on one line), which parsers skip: says what one sample of a family
     * means when the family's single HELP line cannot. Newlines in {@code text} become spaces; a text starting with
     * HELP or TYPE is refused (it would be read as such a line).
     */
    PrometheusText comment(String text) {
        if (text.startsWith("HELP") || text.startsWith("TYPE")) {
            throw new IllegalArgumentException("a comment may not start with HELP or TYPE: " + text);
        }
        out.append("# ").append(text.replace('\n', ' ')).append('\n');
        return this;
    }

    /** One sample; {@code labels} alternate name and value. */
    PrometheusText sample(String name, double value, String... labels) {
        out.append(name);
        if (labels.length > 0) {
            out.append('{');
            for (int i = 0; i + 1 < labels.length; i += 2) {
                if (i > 0) {
                    out.append(',');
                }
                out.append(labels[i]).append("=\"");
                escape(labels[i + 1]);
                out.append('"');
            }
            out.append('}');
        }
        out.append(' ').append(number(value)).append('\n');
        return this;
    }

    private void escape(String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
    }

    static String number(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
