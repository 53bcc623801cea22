package io.keyless.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** A syslog server for tests: a UDP socket on a free loopback port that keeps every datagram as a line. */
public final class SyslogListener implements AutoCloseable {
    private final DatagramSocket socket;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final Thread reader;

    public SyslogListener() throws IOException {
        socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        reader = new Thread(this::receive, "syslog-listener");
        reader.setDaemon(true);
        reader.start();
    }

    /** The JVM options that point {@code --syslog} at this listener. */
    public List<String> jvmOptions() {
        return List.of("-Dkeyless.syslog.host=127.0.0.1", "-Dkeyless.syslog.port=" + socket.getLocalPort());
    }

    /** Every datagram so far, in the order received. */
    public List<String> received() {
        return List.copyOf(received);
    }

    /** Waits until a datagram matches; returns it, or fails with what did arrive once the time runs out. */
    public String await(Predicate<String> wanted, String what, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            for (String line : received) {
                if (wanted.test(line)) {
                    return line;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no syslog datagram with " + what + " within " + limit + "; received:\n"
                + String.join("\n", received));
    }

    /** Waits for a datagram containing {@code text}. */
    public String await(String text, Duration limit) throws InterruptedException {
        return await(line -> line.contains(text), "'" + text + "'", limit);
    }

    private void receive() {
        byte[] buffer = new byte[65536];
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (SocketException e) {
                return;
            } catch (IOException e) {
                continue;
            }
            received.add(new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8));
        }
    }

    @Override
    public void close() throws InterruptedException {
        socket.close();
        reader.join(5000);
    }
}
