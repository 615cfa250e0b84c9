package dev.rsp.core.ratelimit;

/** What is kept per host: the limits that apply to it (its rule, found once) and its request bucket. */
final class HostState extends TableEntry {

    final HostPolicy policy;
    final Bucket requests;

    HostState(long now, HostPolicy policy) {
        this.policy = policy;
        this.requests = new Bucket(now);
    }

    @Override
    boolean atRest(long now) {
        return requests.full(now);
    }
}
