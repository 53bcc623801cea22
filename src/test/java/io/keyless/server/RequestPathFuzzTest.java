package io.keyless.server;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Arbitrary bytes through the real request path. In {@code mvn verify} it fuzzes for a minute (JAZZER_FUZZ is set
 * for the test run); without JAZZER_FUZZ it replays the committed inputs in RequestPathFuzzTestInputs, among them
 * every input that ever broke something. {@code mvn -Pfuzz} fuzzes for as long as asked.
 */
class RequestPathFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void answersEveryWholeFrameOnceWhateverTheBytes(byte[] input) {
        fuzzOne(input);
    }

    /** The first byte sets the size of the pieces the rest arrives in: 1 to 64 bytes. */
    static void fuzzOne(byte[] input) {
        if (input.length == 0) {
            return;
        }
        int chunk = (input[0] & 63) + 1;
        byte[] stream = new byte[input.length - 1];
        System.arraycopy(input, 1, stream, 0, stream.length);
        RequestPathHarness.run(stream, chunk);
    }

    /** The entry point of Jazzer's command line, which {@code mvn -Pfuzz} runs. */
    public static void fuzzerTestOneInput(byte[] input) {
        fuzzOne(input);
    }
}
