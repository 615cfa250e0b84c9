/**
 * On-demand issuance policy of the ACME client: whether rsp may order a certificate, during a handshake, for a name it
 * has none for. {@link dev.rsp.tls.acme.ondemand.OnDemandPolicy#decide} answers from an allow-list file
 * ({@link dev.rsp.tls.acme.ondemand.AllowListFile}), an operator's ask URL
 * ({@link dev.rsp.tls.acme.ondemand.AskEndpoint}, answers cached both ways) and the budgets
 * ({@link dev.rsp.tls.acme.ondemand.IssuanceBudget}) that keep a flood of random server names from getting the
 * account rate-limited by its CA. Pure policy: no ACME, no certificates; private to the TLS bundle.
 */
package dev.rsp.tls.acme.ondemand;
