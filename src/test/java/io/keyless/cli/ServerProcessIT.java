package io.keyless.cli;

import io.keyless.client.KeylessClient;
import io.keyless.client.KeylessConnection;
import io.keyless.keys.KeyType;
import io.keyless.keys.LoadedKey;
import io.keyless.protocol.KeylessError;
import io.keyless.protocol.KeylessOpcode;
import io.keyless.protocol.KeylessRequest;
import io.keyless.protocol.KeylessResponse;
import io.keyless.testing.KeylessProcess;
import io.keyless.testing.Samples;
import io.keyless.testing.TestKeys;
import io.netty.buffer.ByteBufUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The packaged server as a process: pid file, signals, access log, silence. */
class ServerProcessIT {
    private static final Duration START = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void writesThePidFileOnceListeningAndRemovesItOnSigterm() throws Exception {
        int port = KeylessProcess.freePort();
        Path pid = dir.resolve("keyless.pid");
        List<String> flags = KeylessProcess.sampleFlags(port);
        flags.addAll(List.of("--pid-file", pid.toString()));

        try (KeylessProcess server = KeylessProcess.start(dir, flags)) {
            server.awaitOutput("listening address=127.0.0.1:" + port, START);
            awaitFile(pid);

            assertThat(Files.readString(pid)).isEqualTo(server.pid() + "\n");
            assertThat(ping(port)).isEqualTo(KeylessOpcode.PONG);

            server.signal("TERM");

            assertThat(server.waitFor(Duration.ofSeconds(20))).isZero();
            assertThat(pid).doesNotExist();
            assertThat(server.stdout()).contains("stopped");
        }
    }

    @Test
    void reloadsKeysOnSighupAndKeepsThemWhenANewFileIsBad() throws Exception {
        Path keys = Files.createDirectories(dir.resolve("keys"));
        Files.copy(Samples.EC_KEY, keys.resolve("ec.key"));
        int port = KeylessProcess.freePort();
        List<String> flags = KeylessProcess.sampleFlags(port);
        flags.set(flags.indexOf("--private-key-directory") + 1, keys.toString());

        try (KeylessProcess server = KeylessProcess.start(dir, flags);
             KeylessClient client = Samples.newClient()) {
            server.awaitOutput("listening", START);
            LoadedKey added = TestKeys.load(TestKeys.generate(keys, "rsa-2048"));
            try (KeylessConnection connection = client.connect("127.0.0.1", port)) {
                assertThat(sign(connection, added).error()).isEqualTo(KeylessError.KEY_NOT_FOUND);

                server.signal("HUP");
                server.awaitOutput("keys reloaded count=2 previously=1", START);

                assertThat(sign(connection, added).opcode()).isEqualTo(KeylessOpcode.RESPONSE);

                Files.writeString(keys.resolve("zz-broken.key"), "garbage");
                server.signal("HUP");
                server.awaitOutput("still serving the 2 keys", START);

                assertThat(server.stdout()).contains("reload failed file=" + keys.resolve("zz-broken.key"));
                assertThat(sign(connection, added).opcode()).isEqualTo(KeylessOpcode.RESPONSE);
                assertThat(sign(connection, Samples.ecKey()).opcode()).isEqualTo(KeylessOpcode.RESPONSE);
            }
            server.signal("TERM");
            assertThat(server.waitFor(Duration.ofSeconds(20))).isZero();
        }
    }

    @Test
    void answersRequestsInFlightBeforeStoppingOnSigterm() throws Exception {
        int port = KeylessProcess.freePort();
        List<String> flags = KeylessProcess.sampleFlags(port);
        flags.addAll(List.of("--num-workers", "1"));

        try (KeylessProcess server = KeylessProcess.start(dir, flags);
             KeylessClient client = Samples.newClient()) {
            server.awaitOutput("listening", START);
            LoadedKey rsa = Samples.rsaKey();
            List<CompletableFuture<KeylessResponse>> responses = new ArrayList<>();
            try (KeylessConnection connection = client.connect("127.0.0.1", port)) {
                for (int i = 0; i < 300; i++) {
                    responses.add(connection.queue(KeylessRequest.builder(KeylessOpcode.RSA_SIGN_SHA256).id(i)
                            .ski(rsa.ski()).payload(new byte[32]).build()));
                }
                connection.flush();
                // The first answer proves the requests arrived; most are still queued behind one worker.
                responses.get(0).get(10, TimeUnit.SECONDS);

                server.signal("TERM");

                for (CompletableFuture<KeylessResponse> response : responses) {
                    assertThat(response.get(20, TimeUnit.SECONDS).opcode()).isEqualTo(KeylessOpcode.RESPONSE);
                }
            }
            assertThat(server.waitFor(Duration.ofSeconds(20))).isZero();
            assertThat(server.stdout()).containsPattern("stopping connections=1 in_flight=[1-9]");
        }
    }

    @Test
    void verboseWritesOneAccessLogLinePerRequestWithoutPayloads() throws Exception {
        int port = KeylessProcess.freePort();
        List<String> flags = KeylessProcess.sampleFlags(port);
        flags.add("--verbose");

        try (KeylessProcess server = KeylessProcess.start(dir, flags);
             KeylessClient client = Samples.newClient()) {
            server.awaitOutput("listening", START);
            LoadedKey ec = Samples.ecKey();
            try (KeylessConnection connection = client.connect("127.0.0.1", port)) {
                byte[] hash = new byte[32];
                new SecureRandom().nextBytes(hash);
                KeylessResponse signed = connection.send(KeylessRequest.builder(KeylessOpcode.ECDSA_SIGN_SHA256)
                        .id(77).ski(ec.ski()).serverName("shop.example").clientIp(InetAddress.getByName("192.0.2.9"))
                        .payload(hash).build()).get(10, TimeUnit.SECONDS);
                connection.send(KeylessRequest.builder(KeylessOpcode.RSA_SIGN_SHA256).id(78).ski(new byte[20])
                        .payload(new byte[32]).build()).get(10, TimeUnit.SECONDS);

                server.awaitOutput("id=78", START);
                String log = server.stdout();
                assertThat(log).containsPattern("INFO  access id=77 op=ECDSA_SIGN_SHA256 key=p256.key "
                        + "sni=shop.example client_ip=192.0.2.9 peer=/127.0.0.1:\\d+ result=OK duration_us=\\d+\n");
                assertThat(log).containsPattern("id=78 op=RSA_SIGN_SHA256 key=- ski=0{40} .* result=KEY_NOT_FOUND");
                // Neither what was signed nor the signature, in any case of hex.
                for (String secret : List.of(ByteBufUtil.hexDump(hash), ByteBufUtil.hexDump(signed.payload()))) {
                    assertThat(log.toLowerCase()).doesNotContain(secret.substring(0, 16));
                }
            }
        }
    }

    @Test
    void syslogSendsTheLogLinesToTheSyslogListener() throws Exception {
        int port = KeylessProcess.freePort();
        List<String> flags = KeylessProcess.sampleFlags(port);
        flags.add("--syslog");
        try (DatagramSocket listener = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            listener.setSoTimeout(30_000);
            List<String> options = List.of("-Dkeyless.syslog.port=" + listener.getLocalPort());
            try (KeylessProcess server = KeylessProcess.start(dir, options, flags)) {
                List<String> received = new ArrayList<>();
                byte[] buffer = new byte[4096];
                while (received.stream().noneMatch(line -> line.contains("listening address=127.0.0.1:" + port))) {
                    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                    listener.receive(packet);
                    received.add(new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8));
                }

                // Facility daemon (3), severity info (6): priority 30.
                assertThat(received).allMatch(line -> line.startsWith("<")).anyMatch(line -> line.startsWith("<30>"));
                assertThat(received).anyMatch(line -> line.contains("keyless: KeylessServer keys loaded count=3"));
                assertThat(server.stdout()).doesNotContain("listening");
            }
        }
    }

    @Test
    void silentPrintsNothingWhileServing() throws Exception {
        int port = KeylessProcess.freePort();
        Path pid = dir.resolve("silent.pid");
        List<String> flags = KeylessProcess.sampleFlags(port);
        flags.addAll(List.of("--silent", "--pid-file", pid.toString()));

        try (KeylessProcess server = KeylessProcess.start(dir, flags)) {
            awaitFile(pid);
            assertThat(ping(port)).isEqualTo(KeylessOpcode.PONG);
            server.signal("TERM");
            assertThat(server.waitFor(Duration.ofSeconds(20))).isZero();
            assertThat(server.stdout()).isEmpty();
            assertThat(server.stderr()).isEmpty();
        }
    }

    /** The pid file appears just after the server says it listens. */
    private static void awaitFile(Path file) throws InterruptedException {
        for (int i = 0; i < 1500 && !Files.exists(file); i++) {
            Thread.sleep(20);
        }
        assertThat(file).exists();
    }

    private static KeylessOpcode ping(int port) throws Exception {
        try (KeylessClient client = Samples.newClient();
             KeylessConnection connection = client.connect("127.0.0.1", port)) {
            return connection.send(KeylessRequest.builder(KeylessOpcode.PING)).get(10, TimeUnit.SECONDS).opcode();
        }
    }

    private static KeylessResponse sign(KeylessConnection connection, LoadedKey key) throws Exception {
        KeylessOpcode opcode = key.type() == KeyType.RSA
                ? KeylessOpcode.RSA_SIGN_SHA256 : KeylessOpcode.ECDSA_SIGN_SHA256;
        return connection.send(KeylessRequest.builder(opcode).ski(key.ski()).payload(new byte[32]))
                .get(10, TimeUnit.SECONDS);
    }
}
