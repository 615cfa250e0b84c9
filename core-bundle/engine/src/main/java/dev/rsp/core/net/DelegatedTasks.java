package dev.rsp.core.net;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import javax.net.ssl.SSLEngine;

/**
 * Runs an engine's delegated tasks (JSSE's key exchange and signature steps) on an executor, never on the loop. While
 * a batch runs the endpoint reads nothing ({@link #running()} takes OP_READ out of its interest); when it ends, the
 * loop is told and the endpoint's owner runs again through the loop's dispatch. An executor that refuses the batch
 * (stopping) closes the connection. Loop thread only, except the batch itself.
 */
final class DelegatedTasks {

    private final Endpoint ep;
    private final Executor executor;
    private final Runnable resume;
    private boolean running;

    /** {@code resume} runs on the loop when a batch has ended and the endpoint is still open. */
    DelegatedTasks(Endpoint ep, Executor executor, Runnable resume) {
        this.ep = ep;
        this.executor = executor;
        this.resume = resume;
    }

    boolean running() {
        return running;
    }

    /** Takes every task the engine has now and runs them as one batch; does nothing when it has none. */
    void start(SSLEngine engine) {
        List<Runnable> batch = new ArrayList<>(2);
        Runnable t;
        while ((t = engine.getDelegatedTask()) != null) {
            batch.add(t);
        }
        if (batch.isEmpty()) {
            return;
        }
        running = true;
        ep.applyInterest();
        EventLoop loop = ep.loop();
        try {
            executor.execute(() -> {
                try {
                    batch.forEach(Runnable::run);
                } finally {
                    loop.execute(this::ended);
                }
            });
        } catch (RejectedExecutionException e) {
            running = false;
            ep.close();
        }
    }

    private void ended() {
        running = false;
        if (!ep.isClosed()) {
            ep.applyInterest();
            resume.run();
        }
    }
}
