package dev.keyroom.cli;

import dev.keyroom.client.BusClient;
import dev.keyroom.client.Delivery;
import dev.keyroom.client.KeyroomClient;
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

    @Override
    Printed run(KeyroomClient c) throws Exception {
        CountDownLatch done = new CountDownLatch(count > 0 ? count : Integer.MAX_VALUE);
        CountDownLatch ended = new CountDownLatch(1);
        String[] why = {"stopped"};
        try (BusClient bus = c.connectBus()) {
            bus.subscribe(roomId(), after, new BusClient.RoomListener() {
                @Override
                public void onDelivery(Delivery d) {
                    print(client.output.json, HistoryCommand.json(d), HistoryCommand.line(d));
                    done.countDown();
                    if (done.getCount() == 0) {
                        ended.countDown();
                    }
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
        return new Printed(java.util.Map.of("ended", why[0]), "-- " + why[0]);
    }
}
