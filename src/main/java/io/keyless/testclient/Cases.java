package io.keyless.testclient;

import io.keyless.keys.KeyType;
import io.keyless.keys.PublicKeyIdentity;
import io.keyless.protocol.KeylessError;
import io.keyless.protocol.KeylessOpcode;
import io.keyless.protocol.KeylessRequest;
import io.keyless.protocol.KeylessResponse;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.keyless.testclient.CaseContext.expect;
import static io.keyless.testclient.CaseContext.expectError;

/** The cases the test client runs against a key server, built for the keys it was given. */
final class Cases {
    /** Requests in each of the pipelining cases. */
    static final int PIPELINED = 1000;

    private Cases() {
    }

    static List<TestCase> all(List<PublicKeyIdentity> rsaKeys, List<PublicKeyIdentity> ecKeys) {
        List<TestCase> cases = new ArrayList<>(opcodeCases(rsaKeys.isEmpty() ? ecKeys.get(0) : rsaKeys.get(0)));
        cases.addAll(pingCases());
        for (PublicKeyIdentity key : rsaKeys) {
            cases.addAll(rsaCases(key));
        }
        for (PublicKeyIdentity key : ecKeys) {
            cases.addAll(ecCases(key));
        }
        cases.addAll(malformedCases());
        cases.addAll(pipelineCases(rsaKeys, ecKeys));
        return cases;
    }

    private static List<TestCase> opcodeCases(PublicKeyIdentity key) {
        List<TestCase> cases = new ArrayList<>();
        cases.add(new TestCase("an unknown opcode is answered BAD_OPCODE", context -> expectError(
                context.call(KeylessRequest.builder((byte) 0x99).ski(key.ski()).payload(new byte[32])),
                KeylessError.BAD_OPCODE)));
        for (KeylessOpcode reply : List.of(KeylessOpcode.PONG, KeylessOpcode.RESPONSE, KeylessOpcode.ERROR)) {
            cases.add(new TestCase("the " + reply + " opcode sent as a request is answered UNEXPECTED_OPCODE",
                    context -> expectError(context.call(KeylessRequest.builder(reply).payload(new byte[1])),
                            KeylessError.UNEXPECTED_OPCODE)));
        }
        return cases;
    }

    private static List<TestCase> pingCases() {
        return List.of(
                new TestCase("a ping without payload is answered with an empty pong", context -> {
                    byte[] echo = expect(context.call(KeylessRequest.builder(KeylessOpcode.PING)),
                            KeylessOpcode.PONG);
                    require(echo.length == 0, "pong carries " + echo.length + " bytes");
                }),
                new TestCase("a ping with a payload is echoed in a pong", context -> {
                    byte[] payload = Crypto.random(1200);
                    byte[] echo = expect(context.call(KeylessRequest.builder(KeylessOpcode.PING).payload(payload)),
                            KeylessOpcode.PONG);
                    require(Arrays.equals(echo, payload), "pong does not echo the payload");
                }),
                new TestCase("a ping with major version 2 is answered VERSION_MISMATCH and the request behind it "
                        + "is still answered", context -> {
                    int refused = context.nextId();
                    int next = context.nextId();
                    byte[] frames = concat(Frames.ping(2, refused, new byte[16]), Frames.ping(1, next, new byte[] {7}));
                    List<KeylessResponse> responses = context.callRaw(frames, refused, next);
                    expectError(responses.get(0), KeylessError.VERSION_MISMATCH);
                    require(Arrays.equals(expect(responses.get(1), KeylessOpcode.PONG), new byte[] {7}),
                            "the pong behind does not echo its ping");
                }));
    }

    private static List<TestCase> rsaCases(PublicKeyIdentity key) {
        String on = " (" + key.file().getFileName() + ")";
        int k = key.modulusLength();
        List<TestCase> cases = new ArrayList<>();
        cases.add(new TestCase("RSA decrypt of a PKCS#1 ciphertext by digest returns the plaintext" + on,
                context -> decrypts(context, key, false)));
        cases.add(new TestCase("RSA decrypt of a PKCS#1 ciphertext by SKI returns the plaintext" + on,
                context -> decrypts(context, key, true)));
        cases.add(new TestCase("RSA decrypt of an all-zero ciphertext is answered CRYPTO_FAILED" + on,
                context -> expectError(context.call(KeylessRequest.builder(KeylessOpcode.RSA_DECRYPT)
                        .ski(key.ski()).payload(new byte[k])), KeylessError.CRYPTO_FAILED)));
        cases.add(new TestCase("RSA decrypt with an unknown digest is answered KEY_NOT_FOUND" + on,
                context -> expectError(context.call(KeylessRequest.builder(KeylessOpcode.RSA_DECRYPT)
                        .digest(flipped(key.digest())).payload(Crypto.encrypt(key.publicKey(), new byte[48]))),
                        KeylessError.KEY_NOT_FOUND)));
        cases.add(new TestCase("RSA decrypt with an unknown SKI is answered KEY_NOT_FOUND" + on,
                context -> expectError(context.call(KeylessRequest.builder(KeylessOpcode.RSA_DECRYPT)
                        .ski(flipped(key.ski())).payload(Crypto.encrypt(key.publicKey(), new byte[48]))),
                        KeylessError.KEY_NOT_FOUND)));
        cases.add(new TestCase("RSA raw decrypt returns the padded block, which unpads to the plaintext" + on,
                context -> {
                    byte[] premaster = Crypto.random(48);
                    byte[] block = expect(context.call(KeylessRequest.builder(KeylessOpcode.RSA_DECRYPT_RAW)
                            .ski(key.ski()).payload(Crypto.encrypt(key.publicKey(), premaster))),
                            KeylessOpcode.RESPONSE);
                    require(block.length == k, "block of " + block.length + " bytes, modulus of " + k);
                    require(Arrays.equals(Crypto.unpad(block), premaster), "block does not unpad to the plaintext");
                }));
        cases.add(new TestCase("RSA raw decrypt of a ciphertext one byte longer than the modulus is answered "
                + "CRYPTO_FAILED" + on, context -> expectError(context.call(KeylessRequest.builder(
                        KeylessOpcode.RSA_DECRYPT_RAW).ski(key.ski()).payload(Crypto.random(k + 1))),
                KeylessError.CRYPTO_FAILED)));
        for (KeylessOpcode opcode : KeylessOpcode.values()) {
            if (opcode.kind() == KeylessOpcode.Kind.RSA_SIGN) {
                cases.add(new TestCase(opcode + " signs so that the public key verifies" + on,
                        context -> signs(context, key, opcode)));
            }
        }
        cases.add(new TestCase("RSA sign with a hash of the wrong length is answered CRYPTO_FAILED" + on,
                context -> expectError(context.call(KeylessRequest.builder(KeylessOpcode.RSA_SIGN_SHA256)
                        .ski(key.ski()).payload(new byte[31])), KeylessError.CRYPTO_FAILED)));
        return cases;
    }

    private static List<TestCase> ecCases(PublicKeyIdentity key) {
        String on = " (" + key.file().getFileName() + ")";
        List<TestCase> cases = new ArrayList<>();
        for (KeylessOpcode opcode : KeylessOpcode.values()) {
            if (opcode.kind() == KeylessOpcode.Kind.ECDSA_SIGN) {
                cases.add(new TestCase(opcode + " signs so that the public key verifies" + on,
                        context -> signs(context, key, opcode)));
            }
        }
        cases.add(new TestCase("ECDSA sign with a hash of the wrong length is answered CRYPTO_FAILED" + on,
                context -> expectError(context.call(KeylessRequest.builder(KeylessOpcode.ECDSA_SIGN_SHA384)
                        .ski(key.ski()).payload(new byte[47])), KeylessError.CRYPTO_FAILED)));
        cases.add(new TestCase("an RSA opcode on the EC key is answered CRYPTO_FAILED" + on,
                context -> expectError(context.call(KeylessRequest.builder(KeylessOpcode.RSA_SIGN_SHA256)
                        .digest(key.digest()).payload(new byte[32])), KeylessError.CRYPTO_FAILED)));
        return cases;
    }

    private static List<TestCase> malformedCases() {
        return List.of(
                malformed("an empty body is answered FORMAT_ERROR", new byte[0]),
                malformed("a truncated item is answered FORMAT_ERROR", new byte[] {0x11, 0, 1, (byte) 0xF1, 0x12, 0}),
                malformed("a body without opcode is answered FORMAT_ERROR", new byte[] {0x12, 0, 1, 5}),
                malformed("a body without payload is answered FORMAT_ERROR", new byte[] {0x11, 0, 1, (byte) 0xF1}));
    }

    private static TestCase malformed(String name, byte[] body) {
        return new TestCase(name, context -> {
            int id = context.nextId();
            expectError(context.callRaw(Frames.frame(1, id, body), id).get(0), KeylessError.FORMAT_ERROR);
        });
    }

    private static List<TestCase> pipelineCases(List<PublicKeyIdentity> rsaKeys, List<PublicKeyIdentity> ecKeys) {
        List<PublicKeyIdentity> keys = new ArrayList<>(ecKeys);
        keys.addAll(rsaKeys);
        return List.of(
                new TestCase(PIPELINED + " pipelined pings on one connection are all answered", context -> {
                    List<KeylessRequest.Builder> pings = new ArrayList<>();
                    for (int i = 0; i < PIPELINED; i++) {
                        pings.add(KeylessRequest.builder(KeylessOpcode.PING).payload(Frames.intBytes(i)));
                    }
                    List<KeylessResponse> pongs = context.pipeline(pings);
                    for (int i = 0; i < PIPELINED; i++) {
                        require(Arrays.equals(expect(pongs.get(i), KeylessOpcode.PONG), Frames.intBytes(i)),
                                "pong " + i + " does not echo its ping");
                    }
                }),
                new TestCase(PIPELINED + " pipelined signatures on one connection are all answered and verify",
                        context -> {
                    List<KeylessRequest.Builder> requests = new ArrayList<>();
                    List<byte[]> messages = new ArrayList<>();
                    for (int i = 0; i < PIPELINED; i++) {
                        PublicKeyIdentity key = keys.get(i % keys.size());
                        byte[] message = Frames.intBytes(i);
                        messages.add(message);
                        requests.add(KeylessRequest.builder(signOpcode(key)).ski(key.ski())
                                .payload(Crypto.hash(signOpcode(key).hash(), message)));
                    }
                    List<KeylessResponse> signatures = context.pipeline(requests);
                    for (int i = 0; i < PIPELINED; i++) {
                        PublicKeyIdentity key = keys.get(i % keys.size());
                        byte[] signature = expect(signatures.get(i), KeylessOpcode.RESPONSE);
                        require(Crypto.verifies(signOpcode(key), key.publicKey(), messages.get(i), signature),
                                "signature " + i + " does not verify");
                    }
                }));
    }

    static KeylessOpcode signOpcode(PublicKeyIdentity key) {
        return key.type() == KeyType.RSA
                ? KeylessOpcode.RSA_SIGN_SHA256 : KeylessOpcode.ECDSA_SIGN_SHA256;
    }

    private static void decrypts(CaseContext context, PublicKeyIdentity key, boolean bySki) throws Exception {
        byte[] premaster = Crypto.random(48);
        KeylessRequest.Builder request = KeylessRequest.builder(KeylessOpcode.RSA_DECRYPT)
                .payload(Crypto.encrypt(key.publicKey(), premaster));
        if (bySki) {
            request.ski(key.ski());
        } else {
            request.digest(key.digest());
        }
        byte[] plaintext = expect(context.call(request), KeylessOpcode.RESPONSE);
        require(Arrays.equals(plaintext, premaster), "plaintext differs from what was encrypted");
    }

    private static void signs(CaseContext context, PublicKeyIdentity key, KeylessOpcode opcode) throws Exception {
        byte[] message = Crypto.random(256);
        byte[] signature = expect(context.call(KeylessRequest.builder(opcode).digest(key.digest())
                .payload(Crypto.hash(opcode.hash(), message))), KeylessOpcode.RESPONSE);
        require(Crypto.verifies(opcode, key.publicKey(), message, signature),
                "signature does not verify with the public key");
    }

    private static byte[] flipped(byte[] identifier) {
        byte[] other = identifier.clone();
        other[0] ^= (byte) 0xFF;
        return other;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    static void require(boolean condition, String failure) throws CaseFailure {
        if (!condition) {
            throw new CaseFailure(failure);
        }
    }
}
