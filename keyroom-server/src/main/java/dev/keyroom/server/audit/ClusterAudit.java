package dev.keyroom.server.audit;

import dev.keyroom.protocol.audit.AuditChain;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.StreamInfoOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/** Reads the cluster's audit stream back: each node's chain, checked on its own. */
public final class ClusterAudit {
    private ClusterAudit() {}

    /** What was found for one node: its entries in the stream and the chain check. */
    public record NodeReport(String node, long entries, AuditChain.Report chain) {}

    /** Verifies the chain of every node that has entries in the audit stream, by node. */
    public static Map<String, NodeReport> verify(Connection nats, Duration timeout)
            throws IOException, JetStreamApiException, InterruptedException {
        JetStreamManagement jsm = nats.jetStreamManagement();
        Map<String, Long> subjects = jsm.getStreamInfo(
                        StreamAuditMirror.STREAM,
                        StreamInfoOptions.filterSubjects(StreamAuditMirror.SUBJECT_PREFIX + ">"))
                .getStreamState()
                .getSubjectMap();
        Map<String, NodeReport> out = new TreeMap<>();
        JetStream js = nats.jetStream();
        for (Map.Entry<String, Long> s : new TreeMap<>(subjects).entrySet()) {
            String node = s.getKey().substring(StreamAuditMirror.SUBJECT_PREFIX.length());
            StringBuilder lines = new StringBuilder();
            JetStreamSubscription sub = js.subscribe(
                    s.getKey(),
                    PushSubscribeOptions.builder().stream(StreamAuditMirror.STREAM)
                            .ordered(true)
                            .build());
            try {
                for (long i = 0; i < s.getValue(); i++) {
                    Message m = sub.nextMessage(timeout);
                    if (m == null) {
                        throw new IOException("the audit stream did not deliver " + s.getKey() + " in time");
                    }
                    lines.append(new String(m.getData(), StandardCharsets.UTF_8))
                            .append('\n');
                }
            } finally {
                sub.unsubscribe();
            }
            AuditChain.Report report = AuditChain.verify(
                    new BufferedReader(new StringReader(lines.toString())),
                    new BufferedReader(new StringReader("")),
                    new byte[32]);
            out.put(node, new NodeReport(node, s.getValue(), report));
        }
        return out;
    }
}
