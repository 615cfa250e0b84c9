import dev.rsp.core.CoreConfigs;
import dev.rsp.core.backend.BackendPublisher;
import dev.rsp.core.backend.BackendResolver;
import dev.rsp.core.backend.PassiveHealth;
import dev.rsp.core.backend.SourcedBackends;
import dev.rsp.core.proxy.ProxyEngine;
import dev.rsp.core.proxy.ProxySettings;
import dev.rsp.core.routing.RoutingTable;
import dev.rsp.spi.routing.Backend;
import dev.rsp.spi.routing.Decision;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The core engine without Felix, for load benchmarks: listens on 127.0.0.1:PORT and routes by a hash of the host
 * over the backends given as host:port arguments (or one comma-separated list) (a stand-in until the host-hash bundle exists).
 *
 * <pre>java -cp rsp-core.jar:rsp-api.jar:slf4j-api.jar bench/RspBench.java PORT LOOPS host:port...</pre>
 */
public class RspBench {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String loops = args[1];
        List<Backend> list = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            for (String target : args[i].split(",")) {
                String[] hp = target.split(":");
                list.add(new Backend("b" + (list.size() + 1), hp[0], Integer.parseInt(hp[1]), 1));
            }
        }
        ProxySettings s = ((ProxySettings.Valid) ProxySettings.from(CoreConfigs.with(Map.of(
                "http.listen", "127.0.0.1:" + port, "loops", loops, "routing.chain", "bench")))).settings();
        RoutingTable routing = new RoutingTable(Runnable::run);
        ProxyEngine engine = new ProxyEngine(s, routing, new PassiveHealth(3, 10_000_000_000L, System::nanoTime));
        engine.start();
        new BackendPublisher(Runnable::run, new BackendResolver(), engine::backends).offer(new SourcedBackends("bench", list));
        routing.strategyAdded("bench", all -> request -> {
            List<Backend> b = all.all();
            return Decision.to(b.get(Math.floorMod(request.host().hashCode(), b.size())).name());
        }, 1, 0);
        System.out.println("rsp bench proxy on 127.0.0.1:" + port + " -> " + list);
        new CountDownLatch(1).await();
    }
}
