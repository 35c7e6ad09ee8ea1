package dev.keyroom.cli;

import dev.keyroom.client.BusClient;
import dev.keyroom.client.Delivery;
import dev.keyroom.client.KeyroomClient;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "tail",
        description = "Follow a room live over the data plane, verifying and decrypting each message here.")
final class TailCommand extends OnRoom {
    @Option(
            names = "--after",
            defaultValue = "0",
            description = "Replay the stored messages after this sequence first (0: all the room keeps), then follow")
    long after;

    @Option(
            names = "--count",
            defaultValue = "0",
            description = "Stop after this many messages (0: follow until evicted or stopped)")
    int count;

    @Option(
            names = "--show-keys",
            description = "Print blob references whole, with the key that decrypts each blob (kept out by default)")
    boolean showKeys;

    @Override
    Printed run(KeyroomClient c) throws Exception {
        CountDownLatch done = new CountDownLatch(count > 0 ? count : Integer.MAX_VALUE);
        CountDownLatch ended = new CountDownLatch(1);
        String[] why = {"stopped"};
        try (BusClient bus = c.connectBus()) {
            bus.subscribe(roomId(), after, new BusClient.RoomListener() {
                @Override
                public void onDelivery(Delivery d) {
                    print(client.output.json, HistoryCommand.json(d, showKeys), HistoryCommand.line(d, showKeys));
                    done.countDown();
                    if (done.getCount() == 0) {
                        ended.countDown();
                    }
                }

                @Override
                public void onDisconnected(long lastSeq, String reason) {
                    event(
                            Map.of("event", "disconnected", "after_seq", lastSeq, "reason", reason),
                            "-- lost the server (" + reason + "); reconnecting, to resume after sequence " + lastSeq);
                }

                @Override
                public void onResumed(long afterSeq) {
                    event(
                            Map.of("event", "resumed", "after_seq", afterSeq),
                            "-- reconnected; resuming after sequence " + afterSeq);
                }

                @Override
                public void onEvicted(String reason) {
                    why[0] = "evicted: " + reason;
                    ended.countDown();
                }
            });
            bus.closedForGood().thenAccept(closed -> {
                if (ended.getCount() > 0) {
                    why[0] = "closed: " + closed.code() + " " + closed.reason();
                }
                ended.countDown();
            });
            bus.ready().get(30, TimeUnit.SECONDS);
            ended.await();
        }
        return new Printed(Map.of("ended", why[0]), "-- " + why[0]);
    }

    /** A change of the connection: a JSON line among the messages, or a line for people on stderr. */
    private void event(Map<String, Object> json, String human) {
        if (client.output.json) {
            print(true, json, null);
        } else {
            err().println(human);
            err().flush();
        }
    }
}
