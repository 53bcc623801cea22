package io.keyless.testclient;

/**
 * One check of a key server's behaviour, named by the sentence it proves.
 *
 * @param name what the case shows, as a sentence: "ping with a payload is echoed in a pong"
 */
record TestCase(String name, Body body) {
    /** The requests and checks of a case, run on whatever connection the mode gives it. */
    @FunctionalInterface
    interface Body {
        void run(CaseContext context) throws Exception;
    }
}
