package io.keyless.server;

import io.keyless.keys.LoadedKey;
import io.keyless.protocol.KeylessRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;

/**
 * One line per request under {@code --verbose}, on its own logger so that it can be routed to its own file:
 * {@code id=7 op=RSA_SIGN_SHA256 key=site.key sni=example.com client_ip=192.0.2.1 peer=10.0.0.2:41234 result=OK
 * duration_us=812}. Never a payload.
 */
final class AccessLog {
    static final String LOGGER_NAME = "keyless.access";

    /** Longest SNI written; a name is at most 253 characters, anything longer is noise from a broken client. */
    private static final int MAX_SNI_LENGTH = 256;

    private static final Logger log = LoggerFactory.getLogger(LOGGER_NAME);

    private final boolean enabled;

    AccessLog(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * Starts the entry of a request, reading what it needs from the request before it is released; returns
     * {@code null} when the access log is off, so that a request then costs nothing.
     */
    Entry start(Channel channel, KeylessRequest request, long startNanos) {
        if (!enabled || !log.isInfoEnabled()) {
            return null;
        }
        return new Entry(request, channel, startNanos);
    }

    /** What the access log says of one request, completed when its response is ready. */
    static final class Entry {
        private final int id;
        private final String operation;
        private final String sni;
        private final String clientIp;
        private final String peer;
        private final String requestedKey;
        private final long startNanos;
        private String key = "-";

        private Entry(KeylessRequest request, Channel channel, long startNanos) {
            this.id = request.id();
            this.operation = request.failure() == null ? request.opcode().name() : "-";
            this.sni = request.serverName() == null ? "-" : printable(request.serverName());
            this.clientIp = request.clientIp() == null ? "-" : address(request.clientIp());
            this.peer = String.valueOf(channel.remoteAddress());
            this.requestedKey = request.ski() != null ? "ski=" + ByteBufUtil.hexDump(request.ski())
                    : request.digest() != null ? "digest=" + ByteBufUtil.hexDump(request.digest()) : "-";
            this.startNanos = startNanos;
        }

        /** Records the key that served the request. */
        void key(LoadedKey loaded) {
            this.key = String.valueOf(loaded.file().getFileName());
        }

        /** Writes the line; {@code reason} says why a request failed, {@code null} if it did not. */
        void finish(String result, String reason) {
            long micros = (System.nanoTime() - startNanos) / 1000;
            String keyField = key.equals("-") && !requestedKey.equals("-") ? "- " + requestedKey : key;
            if (reason == null) {
                log.info("id={} op={} key={} sni={} client_ip={} peer={} result={} duration_us={}",
                        Integer.toUnsignedString(id), operation, keyField, sni, clientIp, peer, result, micros);
            } else {
                log.info("id={} op={} key={} sni={} client_ip={} peer={} result={} duration_us={} reason=\"{}\"",
                        Integer.toUnsignedString(id), operation, keyField, sni, clientIp, peer, result, micros,
                        reason);
            }
        }

        private static String printable(ByteBuf name) {
            String text = name.toString(name.readerIndex(), Math.min(name.readableBytes(), MAX_SNI_LENGTH),
                    StandardCharsets.UTF_8);
            StringBuilder clean = new StringBuilder(text.length());
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                // Host names are printable ASCII; anything else could break the line, or the log viewer.
                clean.append(c > 0x20 && c < 0x7F && c != '"' ? c : '?');
            }
            return clean.length() == 0 ? "-" : clean.toString();
        }

        private static String address(ByteBuf bytes) {
            try {
                return InetAddress.getByAddress(ByteBufUtil.getBytes(bytes)).getHostAddress();
            } catch (UnknownHostException e) {
                return "-";
            }
        }
    }
}
