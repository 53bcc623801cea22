package io.keyless.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Signatures per second that {@code openssl speed} measures: the yardstick of the performance report. */
final class OpensslSpeed {
    // "rsa 2048 bits 0.000314s 0.000018s   3188.6  56988.8" and " 256 bits ecdsa (nistp256) ... 44585.6  15242.7":
    // the figure before last is signatures per second.
    private static final Pattern RSA = Pattern.compile("^rsa\\s+(\\d+) bits\\s.*");
    private static final Pattern ECDSA = Pattern.compile("^\\d+ bits ecdsa \\((nistp\\d+)\\)\\s.*");

    private OpensslSpeed() {
    }

    /**
     * Runs {@code openssl speed} for RSA-2048, P-256 and P-384 signatures on {@code processes} processes, and
     * returns signatures per second by name: "rsa2048", "nistp256", "nistp384".
     */
    static Map<String, Double> signaturesPerSecond(int seconds, int processes) throws IOException,
            InterruptedException {
        List<String> command = new ArrayList<>(List.of("openssl", "speed", "-seconds", Integer.toString(seconds)));
        if (processes > 1) {
            command.addAll(List.of("-multi", Integer.toString(processes)));
        }
        command.addAll(List.of("rsa2048", "ecdsap256", "ecdsap384"));
        // Into a file, so that the wait below is what bounds a run that hangs, not a read of its output.
        Path output = Files.createTempFile("openssl-speed", ".txt");
        try {
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD)
                    .redirectOutput(output.toFile()).start();
            if (!process.waitFor(10L * seconds + 60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("openssl speed did not finish in " + (10L * seconds + 60) + " s: " + command);
            }
            if (process.exitValue() != 0) {
                throw new IOException("openssl speed failed with status " + process.exitValue() + ": " + command);
            }
            return parse(Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /** Reads the summary lines: the last one for each algorithm wins, as -multi repeats them per process. */
    static Map<String, Double> parse(String output) {
        Map<String, Double> rates = new HashMap<>();
        for (String line : output.split("\n")) {
            String trimmed = line.trim();
            String[] fields = trimmed.split("\\s+");
            Matcher rsa = RSA.matcher(trimmed);
            Matcher ecdsa = ECDSA.matcher(trimmed);
            if (rsa.matches()) {
                rates.put("rsa" + rsa.group(1), Double.parseDouble(fields[fields.length - 2]));
            } else if (ecdsa.matches()) {
                rates.put(ecdsa.group(1), Double.parseDouble(fields[fields.length - 2]));
            }
        }
        return rates;
    }
}
