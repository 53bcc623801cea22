package io.keyless.testclient;

/** A check of a test case that did not hold, with what was expected and what came back. */
final class CaseFailure extends Exception {
    private static final long serialVersionUID = 1L;

    CaseFailure(String message) {
        super(message, null, false, false);
    }
}
