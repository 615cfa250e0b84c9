package dev.rsp.core.ratelimit;

/**
 * What is kept per client address: its connection bucket and, per client scope, its request bucket and its requests
 * in progress. Made full; safe to share between loops (every part is lock-free).
 */
final class ClientState extends TableEntry {

    final Bucket connections;
    final Bucket[] requests;
    final InFlight[] inFlight;

    ClientState(long now, int scopes) {
        connections = new Bucket(now);
        requests = new Bucket[scopes];
        inFlight = new InFlight[scopes];
        for (int i = 0; i < scopes; i++) {
            requests[i] = new Bucket(now);
            inFlight[i] = new InFlight();
        }
    }

    @Override
    boolean atRest(long now) {
        if (!connections.full(now)) {
            return false;
        }
        for (int i = 0; i < requests.length; i++) {
            if (!requests[i].full(now) || inFlight[i].count() > 0) {
                return false;
            }
        }
        return true;
    }
}
