package dev.rsp.tls.acme.ondemand;

/**
 * Why on-demand issuance is refused for a name. Each reason has a stable counter,
 * {@code acme.ondemand.refused.<counterName>}, that monitoring may rely on.
 */
public enum Refusal {
    /** On-demand issuance is switched off ({@code ondemand = false}). */
    DISABLED("disabled"),
    /** Not a host name a public CA issues for: malformed, one label only, or with an underscore. */
    INVALID_NAME("invalid_name"),
    /** An IPv4 or IPv6 literal: never ordered on demand. */
    IP_LITERAL("ip_literal"),
    /** Neither the allow-list has the name nor the ask URL said yes (a non-2xx answer, possibly cached). */
    NOT_ALLOWED("not_allowed"),
    /** The ask URL did not answer in time, could not be reached, or answered 5xx (possibly cached). */
    ASK_FAILED("ask_failed"),
    /** Too many asks already in flight ({@code ondemand.ask.max.in.flight}): refused without asking. */
    ASKS_IN_FLIGHT("asks_in_flight"),
    /** Too many orders in flight ({@code ondemand.max.in.flight}). */
    BUDGET_IN_FLIGHT("budget_in_flight"),
    /** The orders of the last hour reached {@code ondemand.orders.per.hour}. */
    BUDGET_HOURLY("budget_hourly"),
    /** The last order for this name failed and its backoff has not passed. */
    BACKOFF("backoff"),
    /** An order for this name is already in flight (the caller should have joined it). */
    IN_PROGRESS("in_progress");

    private final String counterName;

    Refusal(String counterName) {
        this.counterName = counterName;
    }

    /** The reason as it appears in counter names and logs, e.g. {@code budget_hourly}. */
    public String counterName() {
        return counterName;
    }

    /** The full counter name, e.g. {@code acme.ondemand.refused.budget_hourly}. */
    public String counter() {
        return "acme.ondemand.refused." + counterName;
    }
}
