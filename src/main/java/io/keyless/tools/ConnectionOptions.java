package io.keyless.tools;

import io.keyless.client.KeylessClient;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The flags that say where a key server is and how to authenticate to it, shared by the client tools. */
public final class ConnectionOptions {
    @Option(names = "--server", paramLabel = "HOST", defaultValue = "localhost",
            description = "Key server host name or address (default: ${DEFAULT-VALUE}).")
    public String server;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "2407",
            description = "Key server port (default: ${DEFAULT-VALUE}).")
    public int port;

    @Option(names = "--client-cert", paramLabel = "FILE", required = true,
            description = "PEM client certificate to present.")
    public Path clientCert;

    @Option(names = "--client-key", paramLabel = "FILE", required = true,
            description = "PEM private key of --client-cert.")
    public Path clientKey;

    @Option(names = "--ca-file", paramLabel = "FILE", required = true,
            description = "PEM CA certificate(s) the server's certificate must chain to.")
    public Path caFile;

    /** One line per file that cannot be read, naming the flag. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        check("--client-cert", clientCert, problems);
        check("--client-key", clientKey, problems);
        check("--ca-file", caFile, problems);
        return problems;
    }

    /** A client for the server; {@code threads} event loops. */
    public KeylessClient client(int threads) throws IOException {
        return KeylessClient.builder()
                .clientCertificate(clientCert, clientKey)
                .trustedCa(caFile)
                .threads(threads)
                .build();
    }

    static void check(String flag, Path file, List<String> problems) {
        if (!Files.isRegularFile(file)) {
            problems.add(flag + " " + file + ": no such file");
        } else if (!Files.isReadable(file)) {
            problems.add(flag + " " + file + ": permission denied");
        }
    }
}
