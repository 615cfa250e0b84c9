package dev.rsp.core.h2;

import static dev.rsp.core.h2.ClientServerPair.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.core.proxy.Counter;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The client side against rsp's own server side in memory, real HPACK both ways: exchanges, concurrency, GOAWAY. */
class H2ClientSessionTest {

    static final H2ClientLimits CD = H2ClientLimits.DEFAULT;
    static final H2Limits SD = H2Limits.DEFAULT;

    static H2Limits serverConcurrency(int streams) {
        return new H2Limits(streams, 200, 1000, 100, 16_384, 1000, 1000, 65_535, 1 << 20);
    }

    /** A pair past the opening exchange: SETTINGS both ways and their ACKs. */
    static ClientServerPair started(H2ClientLimits clientLimits, H2Limits serverLimits) {
        ClientServerPair p = new ClientServerPair(clientLimits, serverLimits);
        p.pump();
        p.client.events.clear();
        return p;
    }

    @Test
    void theClientOpensWithThePrefaceItsSettingsAndTheConnectionWindow() {
        ClientHarness h = new ClientHarness(CD);
        assertTrue(h.session.hasControlOutput());
        assertEquals(List.of("SETTINGS Settings{2=0}", "WINDOW_UPDATE 0 +983041"), h.written(), "after the preface");
        ClientHarness small = new ClientHarness(new H2ClientLimits(100, 65_536, 1000, 1000, 65_535, 1000));
        assertEquals(List.of("SETTINGS Settings{2=0, 4=1000}"), small.written());
        assertFalse(small.session.hasControlOutput());
    }

    @Test
    void theOpeningNeedsRoomForThePrefaceWhole() {
        ClientHarness h = new ClientHarness(CD);
        ByteBuffer tiny = ByteBuffer.allocate(Preface.LENGTH - 1);
        assertFalse(h.session.writeControl(tiny));
        assertEquals(0, tiny.position(), "nothing of the preface written");
    }

    @Test
    void aRequestWithABodyGetsAResponseWithABodyAndTrailers() {
        ClientServerPair p = started(CD, SD);
        assertEquals(SD.maxConcurrentStreams(), p.clientSession.peerSettings().maxConcurrentStreams());
        H2Stream s = p.request("POST", "/upload", false);
        assertEquals(1, s.id());
        assertEquals(5, p.send(s, text("hello"), true));
        assertEquals(StreamState.HALF_CLOSED_LOCAL, s.state());
        p.pump();
        assertEquals(List.of("request 1 [:method: POST, :scheme: http, :path: /upload, :authority: backend]", "end 1"),
                p.server.events);
        assertEquals("hello", p.server.bodies.get(1).toString());

        H2Stream served = p.server.streams.get(1);
        assertTrue(p.serverSession.writeHeaders(served, p.responseBlock(200, "content-type", "text/plain"), false,
                p.toClient));
        assertEquals(5, p.respond(served, text("world"), false));
        assertTrue(p.serverSession.writeHeaders(served, p.responseBlock(0, "grpc-status", "0"), true, p.toClient));
        p.pump();
        assertEquals(List.of("head 1 [:status: 200, content-type: text/plain]", "trailers 1 [grpc-status: 0]"),
                p.client.significant());
        assertEquals("world", p.client.body(1));
        assertEquals(StreamState.CLOSED, s.state());
        assertEquals(0, p.clientSession.activeStreams());
        assertEquals(0, p.serverSession.activeStreams());
        assertEquals(ErrorCode.NO_ERROR, p.clientSession.failure());
    }

    @Test
    void interimHeadsComeBeforeTheFinalHead() {
        ClientServerPair p = started(CD, SD);
        H2Stream s = p.request("GET", "/", true);
        p.pump();
        H2Stream served = p.server.streams.get(1);
        p.serverSession.writeHeaders(served, p.responseBlock(103, "link", "</a.css>; rel=preload"), false, p.toClient);
        p.serverSession.writeHeaders(served, p.responseBlock(100), false, p.toClient);
        p.serverSession.writeHeaders(served, p.responseBlock(204), true, p.toClient);
        p.pump();
        assertEquals(List.of("head 1 [:status: 103, link: </a.css>; rel=preload]", "head 1 [:status: 100]",
                "head 1 [:status: 204] END_STREAM"), p.client.significant());
        assertEquals(StreamState.CLOSED, s.state());
    }

    @Test
    void streamsKeepToTheServersConcurrencyLimit() {
        ClientServerPair p = started(CD, serverConcurrency(3));
        List<H2Stream> open = new ArrayList<>();
        while (p.clientSession.canOpen()) {
            open.add(p.request("GET", "/" + open.size(), true));
        }
        assertEquals(3, open.size(), "the server's MAX_CONCURRENT_STREAMS");
        assertThrows(IllegalStateException.class, p.clientSession::open);
        p.pump();
        H2Stream served = p.server.streams.get(1);
        p.serverSession.writeHeaders(served, p.responseBlock(200), true, p.toClient);
        p.pump();
        assertTrue(p.clientSession.canOpen(), "a stream ended: room for one more");
        assertEquals(2, p.clientSession.activeStreams());

        // Twenty requests through a glue that opens whenever it may and a server that answers all it has.
        int started = 0;
        int answered = 1;
        for (int round = 0; round < 100 && answered < 23; round++) {
            while (p.clientSession.canOpen() && started < 20) {
                p.request("GET", "/more/" + started++, true);
                assertTrue(p.clientSession.activeStreams() <= 3);
            }
            p.pump();
            for (H2Stream s : List.copyOf(p.server.streams.values())) {
                if (s.state().weMaySend()) {
                    p.serverSession.writeHeaders(s, p.responseBlock(200), true, p.toClient);
                    answered++;
                }
            }
            p.pump();
        }
        assertEquals(23, answered);
        assertEquals(0, p.clientSession.activeStreams());
        assertEquals(0, p.count(Counter.H2_REFUSED_STREAM), "the server never had to refuse one");
    }

    @Test
    void theClientsOwnLimitBoundsItsStreamsToo() {
        ClientServerPair p = new ClientServerPair(new H2ClientLimits(2, 65_536, 1000, 65_535, 1 << 20, 1000), SD);
        p.request("GET", "/a", true);
        p.request("GET", "/b", true);
        assertFalse(p.clientSession.canOpen(), "before the server's SETTINGS too");
        p.pump();
        assertFalse(p.clientSession.canOpen(), "the server allows 100, the client 2");
    }

    @Test
    void streamsOpenedBeforeTheServersSettingsAreRefusedOverItsLimitAndMayBeRetried() {
        ClientServerPair p = new ClientServerPair(CD, serverConcurrency(2));
        for (int i = 0; i < 4; i++) {
            assertTrue(p.clientSession.canOpen(), "100 assumed until the server's SETTINGS arrive");
            p.request("GET", "/" + i, true);
        }
        p.pump();
        assertEquals(List.of("reset 5 REFUSED_STREAM by peer", "reset 7 REFUSED_STREAM by peer"),
                p.client.events.stream().filter(e -> e.startsWith("reset")).toList());
        assertEquals(2, p.count(Counter.H2_BACKEND_REFUSED_STREAM));
        assertEquals(2, p.clientSession.activeStreams());
        assertFalse(p.clientSession.canOpen(), "now the server's 2 apply");
    }

    @Test
    void aMegabyteRequestBodyPassesA65535WindowOnlyAsTheServerConsumes() {
        H2Limits small = new H2Limits(100, 200, 1000, 100, 16_384, 1000, 1000, 65_535, 65_535);
        ClientServerPair p = started(CD, small);
        p.server.consumeAtOnce = false;
        H2Stream s = p.request("POST", "/big", false);
        ByteBuffer body = ByteBuffer.allocate(1 << 20);
        p.send(s, body, true);
        p.pump();
        p.send(s, body, true);
        p.pump();
        assertEquals(65_535, p.server.bodyBytes.get(1), "the window and no more, however often the client tries");
        assertEquals(0, p.clientSession.sendable(s));
        for (int round = 0; round < 1000 && s.state().weMaySend(); round++) {
            p.server.consumeAll(p.server.streams.get(1));
            p.pump();
            p.send(s, body, true);
            p.pump();
        }
        p.server.consumeAll(p.server.streams.get(1));
        p.pump();
        assertEquals(1 << 20, p.server.bodyBytes.get(1));
        assertEquals("end 1", p.server.events.get(p.server.events.size() - 1));
        assertEquals(StreamState.HALF_CLOSED_LOCAL, s.state());
    }

    @Test
    void aMegabyteResponseBodyPassesA65535WindowOnlyAsTheClientConsumes() {
        ClientServerPair p = started(new H2ClientLimits(100, 65_536, 1000, 65_535, 65_535, 1000), SD);
        p.client.consumeAtOnce = false;
        H2Stream s = p.request("GET", "/big", true);
        p.pump();
        H2Stream served = p.server.streams.get(1);
        p.serverSession.writeHeaders(served, p.responseBlock(200), false, p.toClient);
        ByteBuffer body = ByteBuffer.allocate(1 << 20);
        p.respond(served, body, true);
        p.pump();
        p.respond(served, body, true);
        p.pump();
        assertEquals(65_535, p.client.bodyBytes(1));
        assertEquals(0, p.serverSession.sendable(served));
        for (int round = 0; round < 1000 && served.state().weMaySend(); round++) {
            p.clientSession.consumed(s, (int) p.client.unconsumed);
            p.client.unconsumed = 0;
            p.pump();
            p.respond(served, body, true);
            p.pump();
        }
        assertEquals(1 << 20, p.client.bodyBytes(1));
        assertTrue(p.client.events.contains("end 1"));
        assertEquals(StreamState.CLOSED, s.state());
    }

    @Test
    void aResetFromTheServerReachesTheClientAsAResetByThePeer() {
        ClientServerPair p = started(CD, SD);
        H2Stream s = p.request("POST", "/", false);
        p.pump();
        p.serverSession.reset(p.server.streams.get(1), ErrorCode.CANCEL);
        p.pump();
        assertEquals(List.of("reset 1 CANCEL by peer"), p.client.significant());
        assertEquals(StreamState.CLOSED, s.state());
        assertEquals(0, p.clientSession.activeStreams());
        assertThrows(IllegalStateException.class, () -> p.clientSession.writeData(s, text("x"), true, p.toServer));
    }

    @Test
    void aGoAwayRefusesTheStreamsAboveItsLastStreamAfterSayingSo() {
        ClientServerPair p = started(CD, SD);
        H2Stream one = p.request("GET", "/1", true);
        p.request("GET", "/3", true);
        p.pump();
        H2Stream five = p.request("GET", "/5", true);
        H2Stream seven = p.clientSession.open();
        p.serverSession.goAway(false);
        p.toClient();
        assertEquals(List.of("goaway 3 NO_ERROR", "reset 5 REFUSED_STREAM by peer", "reset 7 REFUSED_STREAM by peer"),
                p.client.significant());
        assertEquals(2, p.count(Counter.H2_BACKEND_REFUSED_STREAM));
        assertEquals(StreamState.CLOSED, five.state());
        assertFalse(p.clientSession.canOpen());
        assertThrows(IllegalStateException.class,
                () -> p.clientSession.writeHeaders(seven, text("x"), true, p.toServer));
        assertFalse(p.clientSession.finished(), "streams 1 and 3 go on");
        p.pump();
        for (int id : new int[] {1, 3}) {
            p.serverSession.writeHeaders(p.server.streams.get(id), p.responseBlock(200), true, p.toClient);
        }
        p.pump();
        assertEquals(StreamState.CLOSED, one.state());
        assertTrue(p.clientSession.finished());
        assertTrue(p.serverSession.finished());
    }

    @Test
    void thePingOfTheServersDrainIsAnsweredAndItsFinalGoAwayNamesTheLastStream() {
        ClientServerPair p = started(CD, SD);
        p.request("GET", "/", true);
        p.pump();
        p.serverSession.goAway(true);
        p.pump();
        assertEquals(List.of("goaway 2147483647 NO_ERROR", "goaway 1 NO_ERROR"), p.client.significant(),
                "the second GOAWAY comes only once the PING came back");
        assertEquals(1, p.clientSession.activeStreams());
        p.serverSession.writeHeaders(p.server.streams.get(1), p.responseBlock(200), true, p.toClient);
        p.pump();
        assertTrue(p.clientSession.finished());
    }

    @Test
    void theClientsGoAwayStopsNewStreamsAndLetsTheActiveOnesFinish() {
        ClientServerPair p = started(CD, SD);
        H2Stream s = p.request("GET", "/", true);
        H2Stream unsent = p.clientSession.open();
        p.clientSession.goAway();
        p.clientSession.goAway();
        assertFalse(p.clientSession.canOpen());
        assertTrue(p.clientSession.writeHeaders(unsent, p.responseBlock(0, ":method", "GET", ":path", "/late",
                ":scheme", "http"), true, p.toServer), "a stream opened before may still go");
        p.pump();
        assertEquals(List.of("goaway 0 NO_ERROR"), p.server.events.stream().filter(e -> e.startsWith("goaway")).toList());
        assertFalse(p.clientSession.finished());
        for (int id : new int[] {1, 3}) {
            p.serverSession.writeHeaders(p.server.streams.get(id), p.responseBlock(200), true, p.toClient);
        }
        p.pump();
        assertEquals(StreamState.CLOSED, s.state());
        assertTrue(p.clientSession.finished());
    }

    @Test
    void aStreamResetByTheClientIsResetOnTheServerAndItsLateBytesStillCreditTheConnection() {
        ClientServerPair p = started(new H2ClientLimits(100, 65_536, 1000, 65_535, 65_535, 1000), SD);
        H2Stream s = p.request("GET", "/", true);
        p.pump();
        H2Stream served = p.server.streams.get(1);
        p.serverSession.writeHeaders(served, p.responseBlock(200), false, p.toClient);
        p.respond(served, ByteBuffer.allocate(40_000), false);
        p.clientSession.reset(s, ErrorCode.CANCEL);
        p.pump();
        assertEquals(List.of("reset 1 CANCEL by peer"), p.server.events.subList(1, 2));
        assertEquals(List.of(), p.client.significant(), "no event for a stream the glue reset, nor its late frames");
        p.request("GET", "/again", true);
        p.pump();
        assertEquals(65_535 - 40_000 + 2 * 16_384, p.serverSession.sendable(p.server.streams.get(3)),
                "the ignored DATA was credited to the connection: two frames, half the window, at once");
    }
}
