package dev.keyroom.server;

import dev.keyroom.protocol.bus.Frame;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A WebSocket client by hand (RFC 6455) over {@link RawHttp}'s TLS socket, so that an attack test
 * can send what a browser or the JDK client will not, such as another {@code Host}. One binary
 * message per frame, as the data plane sends them.
 */
public final class RawWebSocket implements AutoCloseable {
    /** What the server answered to the upgrade: 101 and a socket, or a refusal. */
    public final int status;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private RawWebSocket(int status, Socket socket) throws IOException {
        this.status = status;
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Opens {@code /v1/bus} from {@code source}, naming {@code host} in the Host header. */
    public static RawWebSocket open(TestNode node, String source, String host) throws IOException {
        Socket s = RawHttp.connect(node, source);
        s.setSoTimeout(10_000);
        String key = Base64.getEncoder().encodeToString(new byte[16]);
        String head = "GET /v1/bus HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
        s.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        InputStream raw = s.getInputStream();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int last4 = 0;
        while (last4 != 0x0d0a0d0a) {
            int b = raw.read();
            if (b < 0) {
                break;
            }
            line.write(b);
            last4 = (last4 << 8) | b;
        }
        String response = line.toString(StandardCharsets.ISO_8859_1);
        int status = Integer.parseInt(response.split(" ")[1]);
        return new RawWebSocket(status, s);
    }

    /** The next data frame from the server, or the close frame's code as a negative number in {@link Received}. */
    public Received receive() throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        long len = b1 & 0x7f;
        if (len == 126) {
            len = in.readUnsignedShort();
        } else if (len == 127) {
            len = in.readLong();
        }
        byte[] payload = new byte[(int) len];
        in.readFully(payload);
        int opcode = b0 & 0x0f;
        if (opcode == 8) {
            int code = payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
            String reason =
                    payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
            return new Received(null, code, reason);
        }
        try {
            return new Received(Frame.decode(ByteBuffer.wrap(payload)), 0, "");
        } catch (Frame.FormatException e) {
            throw new IOException("the server sent a malformed frame", e);
        }
    }

    /** A frame, or a close (frame null, with its code and reason). */
    public record Received(Frame frame, int closeCode, String closeReason) {}

    /** Sends {@code f} as one masked binary frame. */
    public void send(Frame f) throws IOException {
        ByteBuffer body = Frame.encode(f);
        byte[] payload = new byte[body.remaining()];
        body.get(payload);
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x82);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xff);
        }
        byte[] mask = {1, 2, 3, 4};
        frame.write(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        out.write(frame.toByteArray());
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
