package io.keyless.cli;

import io.keyless.client.KeylessClient;
import io.keyless.client.KeylessConnection;
import io.keyless.keys.LoadedKey;
import io.keyless.protocol.KeylessOpcode;
import io.keyless.protocol.KeylessRequest;
import io.keyless.protocol.KeylessResponse;
import io.keyless.testing.KeylessProcess;
import io.keyless.testing.Samples;
import io.keyless.testing.Signatures;
import io.keyless.testing.TestKeys;
import io.netty.buffer.ByteBufUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs every opcode, good and bad, against the packaged server with {@code --verbose} and every logger at DEBUG, and
 * searches everything the process wrote for the bytes it must never write: payloads, results, and the private keys.
 * Once with a bare configuration, once with the production file and the access log in a file of its own.
 */
class LogHygieneIT {
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path dir;

    @Test
    void neitherPayloadsNorResultsNorKeysAppearInTheLogs() throws Exception {
        Path debugConfig = dir.resolve("logback-debug.xml");
        Files.writeString(debugConfig, """
                <configuration>
                  <appender name="console" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%d %-5level %logger %msg%n%ex</pattern></encoder>
                  </appender>
                  <root level="DEBUG"><appender-ref ref="console"/></root>
                </configuration>
                """);

        String output = exercise(debugConfig, null);

        assertThat(output).contains(" debug ").contains("access id=1 ");
    }

    @Test
    void norWithTheProductionConfigurationAndAnAccessLogFile() throws Exception {
        Path config = dir.resolve("logback.xml");
        String production = Files.readString(Path.of("config/logback.xml"));
        Files.writeString(config, production
                .replace("<logger name=\"io.keyless\" level=\"INFO\"/>",
                        "<logger name=\"io.keyless\" level=\"DEBUG\"/>")
                .replace("<root level=\"INFO\">", "<root level=\"DEBUG\">"));
        assertThat(Files.readString(config)).contains("<logger name=\"io.keyless\" level=\"DEBUG\"/>")
                .contains("<root level=\"DEBUG\">");

        String output = exercise(config, dir.resolve("access.log"));

        assertThat(output).contains(" debug ").containsPattern("z id=1 op=");
    }

    /**
     * Sends every opcode, good and bad, to a server logging with {@code config} and {@code --verbose} (to
     * {@code accessLog} if not null), and checks that no secret is in what it wrote; returns that, in lower case.
     */
    private String exercise(Path config, Path accessLog) throws Exception {
        int port = KeylessProcess.freePort();
        List<String> flags = KeylessProcess.sampleFlags(port);
        flags.add("--verbose");
        if (accessLog != null) {
            flags.addAll(List.of("--access-log", accessLog.toString()));
        }
        List<String> secrets = new ArrayList<>();

        try (KeylessProcess server = KeylessProcess.start(dir,
                List.of("-Dlogback.configurationFile=" + config), flags);
             KeylessClient client = Samples.newClient()) {
            server.awaitOutput("listening", Duration.ofSeconds(30));
            try (KeylessConnection connection = client.connect("127.0.0.1", port)) {
                LoadedKey rsa = Samples.rsaKey();
                LoadedKey ec = Samples.ecKey();
                LoadedKey p384 = TestKeys.load(Samples.KEYS.resolve("p384.key"));
                int id = 1;
                for (KeylessOpcode opcode : KeylessOpcode.values()) {
                    switch (opcode.kind()) {
                        case RSA_SIGN -> exchange(connection, secrets, opcode, id++, rsa.ski(),
                                random(opcode.hash().length()));
                        case ECDSA_SIGN -> {
                            exchange(connection, secrets, opcode, id++, ec.ski(), random(opcode.hash().length()));
                            exchange(connection, secrets, opcode, id++, p384.ski(), random(opcode.hash().length()));
                        }
                        case RSA_DECRYPT, RSA_DECRYPT_RAW -> exchange(connection, secrets, opcode, id++, rsa.ski(),
                                Signatures.encrypt(Samples.rsaPublicKey(), random(48)));
                        case PING -> exchange(connection, secrets, opcode, id++, null,
                                "canary-ping-payload-7f3a".getBytes(StandardCharsets.US_ASCII));
                        case REPLY -> exchange(connection, secrets, opcode, id++, rsa.ski(), random(32));
                    }
                }
                // Failures carry payloads too: unknown key, wrong hash length, a ciphertext that is not one.
                exchange(connection, secrets, KeylessOpcode.RSA_SIGN_SHA256, id++, random(20), random(32));
                exchange(connection, secrets, KeylessOpcode.ECDSA_SIGN_SHA256, id++, ec.ski(), random(31));
                exchange(connection, secrets, KeylessOpcode.RSA_DECRYPT, id++, rsa.ski(), random(256));
                exchange(connection, secrets, (byte) 0x42, id++, rsa.ski(), random(32));
                awaitAccessLine(server, accessLog, "id=" + (id - 1) + " ");
            }
            server.signal("TERM");
            assertThat(server.waitFor(Duration.ofSeconds(20))).isZero();

            String written = server.stdout() + server.stderr() + (accessLog == null ? "" : Files.readString(accessLog));
            String output = written.toLowerCase(Locale.ROOT);
            for (Path keyFile : keyFiles()) {
                secrets.addAll(keyMaterial(keyFile));
            }
            for (String secret : secrets) {
                assertThat(output).as("the log holds a secret").doesNotContain(secret.toLowerCase(Locale.ROOT));
            }
            return output;
        }
    }

    private static void awaitAccessLine(KeylessProcess server, Path accessLog, String text) throws Exception {
        if (accessLog == null) {
            server.awaitOutput(text, Duration.ofSeconds(10));
            return;
        }
        for (int i = 0; i < 500 && !(Files.exists(accessLog) && Files.readString(accessLog).contains(text)); i++) {
            Thread.sleep(20);
        }
        assertThat(accessLog).content().contains(text);
    }

    private static void exchange(KeylessConnection connection, List<String> secrets, KeylessOpcode opcode, int id,
                                 byte[] ski, byte[] payload) throws Exception {
        exchange(connection, secrets, opcode.code(), id, ski, payload);
    }

    private static void exchange(KeylessConnection connection, List<String> secrets, byte opcode, int id,
                                 byte[] ski, byte[] payload) throws Exception {
        KeylessRequest.Builder request = KeylessRequest.builder(opcode).id(id).payload(payload);
        if (ski != null) {
            request.ski(ski);
        }
        KeylessResponse response = connection.send(request.build()).get(10, TimeUnit.SECONDS);
        assertThat(response.id()).isEqualTo(id);
        secrets.addAll(forms(payload));
        if (response.error() == null) {
            secrets.addAll(forms(ByteBufUtil.getBytes(response.payload())));
        }
    }

    /** The ways a byte string could be written to a log: hex, base64, or as text when it is text. */
    private static List<String> forms(byte[] bytes) {
        List<String> forms = new ArrayList<>();
        if (bytes.length < 8) {
            return forms;
        }
        byte[] head = java.util.Arrays.copyOf(bytes, 8);
        forms.add(HexFormat.of().formatHex(head));
        forms.add(HexFormat.ofDelimiter(" ").formatHex(head));
        forms.add(HexFormat.ofDelimiter(":").formatHex(head));
        forms.add(Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(bytes, 12)));
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        if (text.chars().allMatch(c -> c >= 0x20 && c < 0x7F)) {
            forms.add(text);
        }
        return forms;
    }

    private static List<Path> keyFiles() throws Exception {
        List<Path> files = new ArrayList<>(List.of(Samples.SERVER_KEY));
        try (var entries = Files.newDirectoryStream(Samples.KEYS, "*.key")) {
            entries.forEach(files::add);
        }
        return files;
    }

    /** A key's secret numbers in hex and decimal, and every line of its PEM body. */
    private static List<String> keyMaterial(Path keyFile) throws Exception {
        List<String> forms = new ArrayList<>();
        List<BigInteger> numbers = new ArrayList<>();
        if (TestKeys.load(keyFile).privateKey() instanceof RSAPrivateCrtKey key) {
            numbers.addAll(List.of(key.getPrivateExponent(), key.getPrimeP(), key.getPrimeQ(),
                    key.getPrimeExponentP(), key.getPrimeExponentQ(), key.getCrtCoefficient()));
        } else {
            numbers.add(((ECPrivateKey) TestKeys.load(keyFile).privateKey()).getS());
        }
        for (BigInteger number : numbers) {
            forms.add(number.toString(16).substring(0, 16));
            forms.add(number.toString(10).substring(0, 20));
        }
        for (String line : Files.readAllLines(keyFile)) {
            if (!line.startsWith("-----") && line.length() >= 16) {
                forms.add(line.substring(0, 16));
            }
        }
        assertThat(forms).hasSizeGreaterThan(2);
        return forms;
    }

    private static byte[] random(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
