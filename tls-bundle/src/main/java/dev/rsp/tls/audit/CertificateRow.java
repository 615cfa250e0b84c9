package dev.rsp.tls.audit;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * One certificate as the audit reports it: one row of the CSV, one object of the JSON.
 *
 * @param source            {@code served} (from the audited file) or {@code trust_store} (a root the best chain
 *                          ends with that the file does not carry)
 * @param position          index in the file, leaf first (0); for trust-store rows, the index in the best chain
 * @param bestChainPosition index in the best chain (0 = leaf), empty when the certificate is not part of it
 * @param flags             this certificate's flags; the leaf row also carries the chain's flags (NAME_MISMATCH,
 *                          CHAIN_INCOMPLETE, CHAIN_ORDER, SELF_SIGNED, DISTRUSTED_ISSUER anywhere in the chain)
 */
public record CertificateRow(String source, int position, OptionalInt bestChainPosition, String subject,
        List<String> sans, String issuer, String issuerDn, Instant notBefore, Instant notAfter, long daysLeft,
        String keyType, int keyBits, String signatureAlgorithm, boolean selfSigned, Set<Flag> flags,
        List<String> notes) {

    public CertificateRow {
        sans = List.copyOf(sans);
        flags = Set.copyOf(flags);
        notes = List.copyOf(notes);
    }

    /** The report of one audited file. */
    public record FileReport(String file, Optional<String> domain, List<CertificateRow> rows, Optional<String> error,
            int chainsFound) {

        public FileReport {
            rows = List.copyOf(rows);
        }

        static FileReport unreadable(String file, Optional<String> domain, String error) {
            return new FileReport(file, domain, List.of(), Optional.of(error), 0);
        }

        /** Every flag of every row; UNREADABLE for a file that could not be read. */
        public Set<Flag> flags() {
            java.util.EnumSet<Flag> all = java.util.EnumSet.noneOf(Flag.class);
            rows.forEach(r -> all.addAll(r.flags()));
            if (error.isPresent()) {
                all.add(Flag.UNREADABLE);
            }
            return all;
        }
    }
}
