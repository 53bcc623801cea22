package io.keyless.soak;

import io.keyless.keys.PublicKeyIdentity;
import io.keyless.protocol.KeylessError;
import io.keyless.protocol.KeylessOpcode;
import io.keyless.protocol.KeylessRequest;
import io.keyless.protocol.KeylessResponse;
import io.netty.buffer.ByteBufUtil;

import javax.crypto.Cipher;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The soak's requests, valid and invalid, each with the one answer a correct server gives it. Signatures are
 * checked with the public key on a sample of requests; everything else on every one.
 */
final class RequestMix {
    /** Check one signature in this many: verifying all would cost the client more than the server. */
    private static final int VERIFY_ONE_IN = 16;

    /** What a request is, how often it is sent, and what its answer must be. */
    enum Kind {
        PING(15, null),
        RSA_SIGN(6, null),
        ECDSA_P256_SIGN(25, null),
        ECDSA_P384_SIGN(4, null),
        RSA_DECRYPT(4, null),
        RELOADED_KEY_SIGN(0, null),
        UNKNOWN_KEY(8, KeylessError.KEY_NOT_FOUND),
        WRONG_HASH_LENGTH(5, KeylessError.CRYPTO_FAILED),
        RSA_OPCODE_ON_EC_KEY(3, KeylessError.CRYPTO_FAILED),
        CIPHERTEXT_TOO_LONG(3, KeylessError.CRYPTO_FAILED),
        BAD_OPCODE(5, KeylessError.BAD_OPCODE),
        REPLY_OPCODE(3, KeylessError.UNEXPECTED_OPCODE),
        VERSION_MISMATCH(3, KeylessError.VERSION_MISMATCH),
        TRUNCATED_ITEM(4, KeylessError.FORMAT_ERROR);

        final int weight;
        final KeylessError expectedError;

        Kind(int weight, KeylessError expectedError) {
            this.weight = weight;
            this.expectedError = expectedError;
        }
    }

    /** A request ready to send: either built, or raw bytes for what no well-behaved client would build. */
    record Planned(Kind kind, int id, KeylessRequest request, byte[] raw, byte[] expected, byte[] message) {
    }

    private final PublicKeyIdentity rsa;
    private final PublicKeyIdentity p256;
    private final PublicKeyIdentity p384;
    private final PublicKeyIdentity reloaded;
    private final byte[][] plaintexts;
    private final byte[][] ciphertexts;
    private final int totalWeight;

    /**
     * @param reloaded the key that only the reload in the middle of the soak brings in
     */
    RequestMix(PublicKeyIdentity rsa, PublicKeyIdentity p256, PublicKeyIdentity p384, PublicKeyIdentity reloaded)
            throws GeneralSecurityException {
        this.rsa = rsa;
        this.p256 = p256;
        this.p384 = p384;
        this.reloaded = reloaded;
        SplittableRandom random = new SplittableRandom(1);
        plaintexts = new byte[16][];
        ciphertexts = new byte[16][];
        Cipher cipher = Cipher.getInstance("RSA/ECB/PKCS1Padding");
        for (int i = 0; i < plaintexts.length; i++) {
            plaintexts[i] = bytes(random, 48);
            cipher.init(Cipher.ENCRYPT_MODE, rsa.publicKey());
            ciphertexts[i] = cipher.doFinal(plaintexts[i]);
        }
        int sum = 0;
        for (Kind kind : Kind.values()) {
            sum += kind.weight;
        }
        totalWeight = sum;
    }

    /** The P-256 sample key, for checks outside the mix. */
    PublicKeyIdentity p256() {
        return p256;
    }

    /** A random request under {@code id}; after the reload, some use the key it added. */
    Planned next(SplittableRandom random, int id, boolean reloadDone) {
        Kind kind = pick(random);
        if (reloadDone && random.nextInt(20) == 0) {
            kind = Kind.RELOADED_KEY_SIGN;
        }
        return plan(kind, random, id);
    }

    private Kind pick(SplittableRandom random) {
        int roll = random.nextInt(totalWeight);
        for (Kind kind : Kind.values()) {
            roll -= kind.weight;
            if (roll < 0) {
                return kind;
            }
        }
        throw new AssertionError("weights do not add up");
    }

    private Planned plan(Kind kind, SplittableRandom random, int id) {
        switch (kind) {
            case PING -> {
                byte[] echo = bytes(random, random.nextInt(65));
                return built(kind, id, KeylessRequest.builder(KeylessOpcode.PING).payload(echo), echo, null);
            }
            case RSA_SIGN -> {
                return signature(kind, random, id, KeylessOpcode.RSA_SIGN_SHA256, rsa, "SHA-256");
            }
            case ECDSA_P256_SIGN -> {
                return signature(kind, random, id, KeylessOpcode.ECDSA_SIGN_SHA256, p256, "SHA-256");
            }
            case ECDSA_P384_SIGN -> {
                return signature(kind, random, id, KeylessOpcode.ECDSA_SIGN_SHA384, p384, "SHA-384");
            }
            case RELOADED_KEY_SIGN -> {
                return signature(kind, random, id, KeylessOpcode.ECDSA_SIGN_SHA256, reloaded, "SHA-256");
            }
            case RSA_DECRYPT -> {
                int which = random.nextInt(ciphertexts.length);
                return built(kind, id, KeylessRequest.builder(KeylessOpcode.RSA_DECRYPT).ski(rsa.ski())
                        .payload(ciphertexts[which]), plaintexts[which], null);
            }
            case UNKNOWN_KEY -> {
                return built(kind, id, KeylessRequest.builder(KeylessOpcode.RSA_SIGN_SHA256).ski(bytes(random, 20))
                        .payload(bytes(random, 32)), null, null);
            }
            case WRONG_HASH_LENGTH -> {
                return built(kind, id, KeylessRequest.builder(KeylessOpcode.ECDSA_SIGN_SHA256).ski(p256.ski())
                        .payload(bytes(random, 31)), null, null);
            }
            case RSA_OPCODE_ON_EC_KEY -> {
                return built(kind, id, KeylessRequest.builder(KeylessOpcode.RSA_SIGN_SHA256).ski(p256.ski())
                        .payload(bytes(random, 32)), null, null);
            }
            case CIPHERTEXT_TOO_LONG -> {
                return built(kind, id, KeylessRequest.builder(KeylessOpcode.RSA_DECRYPT).ski(rsa.ski())
                        .payload(bytes(random, 257)), null, null);
            }
            case BAD_OPCODE -> {
                return built(kind, id, KeylessRequest.builder((byte) 0x99).ski(rsa.ski()).payload(bytes(random, 8)),
                        null, null);
            }
            case REPLY_OPCODE -> {
                return built(kind, id, KeylessRequest.builder(KeylessOpcode.PONG).payload(bytes(random, 8)), null,
                        null);
            }
            case VERSION_MISMATCH -> {
                // | major 2 | minor 0 | length 4 | id | opcode item: ping |
                return raw(kind, id, new byte[] {2, 0, 0, 4, 0, 0, 0, 0, 0x11, 0, 1, (byte) 0xF1});
            }
            case TRUNCATED_ITEM -> {
                // A body of two bytes: an item header cut short.
                return raw(kind, id, new byte[] {1, 0, 0, 2, 0, 0, 0, 0, 0x11, 0});
            }
            default -> throw new AssertionError(kind);
        }
    }

    private static Planned built(Kind kind, int id, KeylessRequest.Builder request, byte[] expected,
                                 byte[] message) {
        return new Planned(kind, id, request.id(id).build(), null, expected, message);
    }

    private static Planned raw(Kind kind, int id, byte[] frame) {
        frame[4] = (byte) (id >>> 24);
        frame[5] = (byte) (id >>> 16);
        frame[6] = (byte) (id >>> 8);
        frame[7] = (byte) id;
        return new Planned(kind, id, null, frame, null, null);
    }

    private static Planned signature(Kind kind, SplittableRandom random, int id, KeylessOpcode opcode,
                                     PublicKeyIdentity key, String hash) {
        byte[] message = bytes(random, 32);
        byte[] digest;
        try {
            digest = MessageDigest.getInstance(hash).digest(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        return built(kind, id, KeylessRequest.builder(opcode).ski(key.ski()).payload(digest), null,
                random.nextInt(VERIFY_ONE_IN) == 0 ? message : null);
    }

    /**
     * What is wrong with {@code response} as the answer to {@code planned}, or {@code null} if it is right.
     */
    String check(Planned planned, KeylessResponse response) {
        if (response.id() != planned.id()) {
            return "answer to " + planned.id() + " carries id " + response.id();
        }
        Kind kind = planned.kind();
        if (kind.expectedError != null) {
            return response.error() == kind.expectedError ? null
                    : kind + " answered " + outcome(response) + ", not " + kind.expectedError;
        }
        if (response.error() != null) {
            return kind + " answered " + response.error();
        }
        byte[] payload = ByteBufUtil.getBytes(response.payload());
        switch (kind) {
            case PING -> {
                return response.opcode() == KeylessOpcode.PONG && Arrays.equals(payload, planned.expected()) ? null
                        : "PING not echoed";
            }
            case RSA_DECRYPT -> {
                return Arrays.equals(payload, planned.expected()) ? null : "RSA_DECRYPT gave another plaintext";
            }
            default -> {
                if (planned.message() == null) {
                    return payload.length > 0 ? null : kind + " gave an empty signature";
                }
                return verifies(kind, planned.message(), payload) ? null : kind + " signature does not verify";
            }
        }
    }

    private boolean verifies(Kind kind, byte[] message, byte[] signature) {
        try {
            Signature verifier = switch (kind) {
                case RSA_SIGN -> init(Signature.getInstance("SHA256withRSA"), rsa);
                case ECDSA_P256_SIGN -> init(Signature.getInstance("SHA256withECDSA"), p256);
                case ECDSA_P384_SIGN -> init(Signature.getInstance("SHA384withECDSA"), p384);
                case RELOADED_KEY_SIGN -> init(Signature.getInstance("SHA256withECDSA"), reloaded);
                default -> throw new IllegalArgumentException(kind.toString());
            };
            verifier.update(message);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static Signature init(Signature signature, PublicKeyIdentity key) throws GeneralSecurityException {
        signature.initVerify(key.publicKey());
        return signature;
    }

    /** How an answer is counted: OK, PONG, or its error's name. */
    static String outcome(KeylessResponse response) {
        if (response.error() != null) {
            return response.error().name();
        }
        return response.opcode() == KeylessOpcode.PONG ? "PONG" : "OK";
    }

    private static byte[] bytes(SplittableRandom random, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        return bytes;
    }
}
