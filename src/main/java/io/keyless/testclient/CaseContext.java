package io.keyless.testclient;

import io.keyless.client.KeylessConnection;
import io.keyless.protocol.KeylessError;
import io.keyless.protocol.KeylessOpcode;
import io.keyless.protocol.KeylessRequest;
import io.keyless.protocol.KeylessResponse;
import io.netty.buffer.ByteBufUtil;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What a test case talks through: one connection, with every exchange checked for its id and, under
 * {@code --debug}, printed.
 */
final class CaseContext {
    /** How long any one response may take before the case fails. */
    static final long TIMEOUT_SECONDS = 30;

    private final KeylessConnection connection;
    private final PrintWriter debug;

    CaseContext(KeylessConnection connection, PrintWriter debug) {
        this.connection = connection;
        this.debug = debug;
    }

    /** Sends one request under a fresh id and returns its response. */
    KeylessResponse call(KeylessRequest.Builder request) throws CaseFailure {
        int id = connection.nextId();
        KeylessRequest built = request.id(id).build();
        debug("request id=%d opcode=0x%02X payload=%d bytes", id, built.opcodeCode() & 0xFF,
                built.payload().readableBytes());
        return check(id, await(connection.send(built)));
    }

    /** Sends raw bytes that carry the frames with the given ids, and returns their responses in that order. */
    List<KeylessResponse> callRaw(byte[] frames, int... ids) throws CaseFailure {
        List<CompletableFuture<KeylessResponse>> futures = new ArrayList<>();
        for (int i = 1; i < ids.length; i++) {
            futures.add(connection.expect(ids[i]));
        }
        futures.add(0, connection.sendRaw(ids[0], frames));
        debug("raw request %d bytes ids=%s", frames.length, Arrays.toString(ids));
        List<KeylessResponse> responses = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) {
            responses.add(check(ids[i], await(futures.get(i))));
        }
        return responses;
    }

    /** Sends every request without waiting, flushes once, and returns the responses in request order. */
    List<KeylessResponse> pipeline(List<KeylessRequest.Builder> requests) throws CaseFailure {
        List<Integer> ids = new ArrayList<>();
        List<CompletableFuture<KeylessResponse>> futures = new ArrayList<>();
        for (KeylessRequest.Builder request : requests) {
            int id = connection.nextId();
            ids.add(id);
            futures.add(connection.queue(request.id(id).build()));
        }
        connection.flush();
        debug("pipelined %d requests", requests.size());
        List<KeylessResponse> responses = new ArrayList<>();
        for (int i = 0; i < futures.size(); i++) {
            responses.add(check(ids.get(i), await(futures.get(i))));
        }
        return responses;
    }

    /** A fresh id for a request built by hand. */
    int nextId() {
        return connection.nextId();
    }

    private KeylessResponse check(int id, KeylessResponse response) throws CaseFailure {
        debug("response id=%d opcode=%s payload=%d bytes%s", response.id(), response.opcode(),
                response.payload().readableBytes(), response.error() == null ? "" : " error=" + response.error());
        if (response.id() != id) {
            throw new CaseFailure("response id " + Integer.toUnsignedString(response.id()) + " for request "
                    + Integer.toUnsignedString(id));
        }
        return response;
    }

    private static KeylessResponse await(CompletableFuture<KeylessResponse> future) throws CaseFailure {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new CaseFailure("no response within " + TIMEOUT_SECONDS + " s");
        } catch (ExecutionException e) {
            throw new CaseFailure("connection failed: " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CaseFailure("interrupted");
        }
    }

    private void debug(String format, Object... args) {
        if (debug != null) {
            synchronized (debug) {
                debug.printf("debug: " + format + "%n", args);
                debug.flush();
            }
        }
    }

    /** Fails unless the response is an error with this code. */
    static void expectError(KeylessResponse response, KeylessError error) throws CaseFailure {
        if (response.opcode() != KeylessOpcode.ERROR || response.error() != error) {
            throw new CaseFailure("expected error " + error + ", got " + describe(response));
        }
    }

    /** Fails unless the response has this opcode; returns its payload. */
    static byte[] expect(KeylessResponse response, KeylessOpcode opcode) throws CaseFailure {
        if (response.opcode() != opcode) {
            throw new CaseFailure("expected " + opcode + ", got " + describe(response));
        }
        return ByteBufUtil.getBytes(response.payload());
    }

    private static String describe(KeylessResponse response) {
        return response.opcode() == KeylessOpcode.ERROR
                ? "error " + (response.error() != null ? response.error() : "with an unknown code")
                : response.opcode() + " with " + response.payload().readableBytes() + " bytes";
    }
}
