package dev.rsp.tls.audit;

import dev.rsp.tls.audit.CertificateRow.FileReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Writes audit reports as a table for people, or as JSON or CSV for tools: one record per certificate (and one per
 * unreadable file), the same columns in both, so that a data-frame library reads either directly
 * ({@code pandas.read_json}, {@code pandas.read_csv}). In JSON, {@code sans}, {@code flags} and {@code notes} are
 * arrays and absent values are {@code null}; in CSV lists are joined with {@code ;} and absent values are empty.
 */
enum ReportWriter {
    TABLE, JSON, CSV;

    /** The columns of JSON and CSV, in order. */
    static final List<String> COLUMNS = List.of("file", "domain", "source", "position", "best_chain_position",
            "subject", "sans", "issuer", "issuer_dn", "not_before", "not_after", "days_left", "key_type", "key_bits",
            "signature_algorithm", "self_signed", "chains_found", "flags", "notes", "error");

    static Optional<ReportWriter> named(String name) {
        for (ReportWriter w : values()) {
            if (w.name().equalsIgnoreCase(name)) {
                return Optional.of(w);
            }
        }
        return Optional.empty();
    }

    String write(List<FileReport> reports) {
        return switch (this) {
            case TABLE -> table(reports);
            case JSON -> json(reports);
            case CSV -> csv(reports);
        };
    }

    /** The cells of one record, in {@link #COLUMNS} order: String, Number, Boolean, List of String, or null. */
    private static List<List<Object>> records(List<FileReport> reports) {
        List<List<Object>> records = new ArrayList<>();
        for (FileReport f : reports) {
            String domain = f.domain().orElse(null);
            if (f.error().isPresent()) {
                records.add(java.util.Arrays.asList(f.file(), domain, null, null, null, null, List.of(), null, null,
                        null, null, null, null, null, null, null, 0, List.of(Flag.UNREADABLE.name()), List.of(),
                        f.error().get()));
                continue;
            }
            for (CertificateRow r : f.rows()) {
                records.add(java.util.Arrays.asList(f.file(), domain, r.source(), r.position(),
                        r.bestChainPosition().isPresent() ? r.bestChainPosition().getAsInt() : null, r.subject(),
                        r.sans(), r.issuer(), r.issuerDn(), r.notBefore().toString(), r.notAfter().toString(),
                        r.daysLeft(), r.keyType(), r.keyBits(), r.signatureAlgorithm(), r.selfSigned(), f.chainsFound(),
                        flagNames(r), r.notes(), null));
            }
        }
        return records;
    }

    private static List<String> flagNames(CertificateRow r) {
        return r.flags().stream().sorted().map(Flag::name).toList();
    }

    private static String json(List<FileReport> reports) {
        StringBuilder out = new StringBuilder("[");
        List<List<Object>> records = records(reports);
        for (int i = 0; i < records.size(); i++) {
            out.append(i == 0 ? "\n  {" : ",\n  {");
            List<Object> rec = records.get(i);
            for (int c = 0; c < COLUMNS.size(); c++) {
                out.append(c == 0 ? "" : ", ").append(jsonString(COLUMNS.get(c))).append(": ").append(jsonValue(rec.get(c)));
            }
            out.append('}');
        }
        return out.append(records.isEmpty() ? "]\n" : "\n]\n").toString();
    }

    private static String jsonValue(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Number || v instanceof Boolean) {
            return v.toString();
        }
        if (v instanceof List<?> list) {
            return list.stream().map(e -> jsonString(e.toString())).collect(Collectors.joining(", ", "[", "]"));
        }
        return jsonString(v.toString());
    }

    static String jsonString(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (ch < 0x20) {
                        b.append(String.format("\\u%04x", (int) ch));
                    } else {
                        b.append(ch);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    private static String csv(List<FileReport> reports) {
        StringBuilder out = new StringBuilder(String.join(",", COLUMNS)).append("\r\n");
        for (List<Object> rec : records(reports)) {
            out.append(rec.stream().map(ReportWriter::csvCell).collect(Collectors.joining(","))).append("\r\n");
        }
        return out.toString();
    }

    private static String csvCell(Object v) {
        String s = v == null ? "" : v instanceof List<?> list
                ? list.stream().map(Object::toString).collect(Collectors.joining(";")) : v.toString();
        if (s.isEmpty() || s.chars().noneMatch(c -> c == ',' || c == '"' || c == '\n' || c == '\r')) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    private static String table(List<FileReport> reports) {
        StringBuilder out = new StringBuilder();
        int flagged = 0;
        for (FileReport f : reports) {
            String flags = f.flags().isEmpty() ? "ok" : f.flags().stream().sorted().map(Flag::name).collect(Collectors.joining(", "));
            flagged += f.flags().isEmpty() ? 0 : 1;
            out.append(f.file()).append("  (domain ").append(f.domain().orElse("unknown")).append(")  ").append(flags).append('\n');
            f.error().ifPresent(e -> out.append("  cannot audit: ").append(e).append('\n'));
            for (CertificateRow r : f.rows()) {
                String where = r.source().equals("served") ? "#" + r.position() : "trust store";
                out.append(String.format(Locale.ROOT, "  %-11s %s%n", where, r.subject()));
                if (!r.sans().isEmpty()) {
                    out.append("              SANs: ").append(String.join(", ", r.sans())).append('\n');
                }
                out.append(String.format(Locale.ROOT, "              issuer: %s | %s .. %s (%d days left) | %s %d | %s%n",
                        r.issuer(), r.notBefore(), r.notAfter(), r.daysLeft(), r.keyType(), r.keyBits(), r.signatureAlgorithm()));
                if (!r.flags().isEmpty()) {
                    out.append("              flags: ").append(String.join(", ", flagNames(r))).append('\n');
                }
                for (String note : r.notes()) {
                    out.append("              note: ").append(note).append('\n');
                }
            }
            if (f.error().isEmpty()) {
                out.append("  best chain: ").append(bestChain(f)).append("  (").append(f.chainsFound())
                        .append(f.chainsFound() == 1 ? " chain" : " chains").append(" to the trust store)\n");
            }
            out.append('\n');
        }
        out.append(reports.size()).append(reports.size() == 1 ? " file, " : " files, ").append(flagged).append(" flagged\n");
        return out.toString();
    }

    private static String bestChain(FileReport f) {
        List<CertificateRow> chain = f.rows().stream().filter(r -> r.bestChainPosition().isPresent())
                .sorted(java.util.Comparator.comparingInt(r -> r.bestChainPosition().getAsInt())).toList();
        if (chain.isEmpty()) {
            return "none";
        }
        return chain.stream().map(r -> (r.source().equals("served") ? "#" + r.position() + " " : "trust store ")
                + CertificateFacts.displayName(new javax.security.auth.x500.X500Principal(r.subject())))
                .collect(Collectors.joining(" <- "));
    }
}
