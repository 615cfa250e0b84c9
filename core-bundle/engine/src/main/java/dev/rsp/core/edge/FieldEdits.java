package dev.rsp.core.edge;

import java.util.List;

/**
 * What one header rule does to the fields of one direction (the request for the backend, or the response for the
 * client): the fields it drops (those it removes and those it sets, by lower-case name) and the fields it writes
 * ({@code set} ones first, then {@code add} ones, each in the order of their names). Values are literal text, checked
 * when the configuration was read. Immutable; read on the loops by index, allocating nothing.
 */
public final class FieldEdits {

    static final FieldEdits NONE = new FieldEdits(List.of(), List.of(), List.of(), List.of());

    private final String[] drops;
    private final String[] names;
    private final String[] lowerNames;
    private final String[] values;
    /** What each part does, for logs. */
    private final String[] described;

    FieldEdits(List<String> drops, List<String> names, List<String> values, List<String> described) {
        this.drops = drops.toArray(new String[0]);
        this.names = names.toArray(new String[0]);
        this.lowerNames = names.stream().map(n -> n.toLowerCase(java.util.Locale.ROOT)).toArray(String[]::new);
        this.values = values.toArray(new String[0]);
        this.described = described.toArray(new String[0]);
    }

    /** Whether this changes nothing. */
    public boolean isEmpty() {
        return drops.length == 0 && names.length == 0;
    }

    public int dropCount() {
        return drops.length;
    }

    /** The lower-case name of the {@code k}-th field dropped from the message. */
    public String drop(int k) {
        return drops[k];
    }

    /** Whether this drops fields named {@code lowerName}. */
    public boolean drops(String lowerName) {
        for (String d : drops) {
            if (d.equals(lowerName)) {
                return true;
            }
        }
        return false;
    }

    public int fieldCount() {
        return names.length;
    }

    /** The name of the {@code k}-th field written, as the configuration spells it. */
    public String name(int k) {
        return names[k];
    }

    public String lowerName(int k) {
        return lowerNames[k];
    }

    public String value(int k) {
        return values[k];
    }

    /** For logs: {@code remove Server; set X-Env: prod}. */
    @Override
    public String toString() {
        return String.join("; ", described);
    }
}
