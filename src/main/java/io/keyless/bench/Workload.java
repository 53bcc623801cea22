package io.keyless.bench;

import io.keyless.keys.KeyType;
import io.keyless.keys.PublicKeyIdentity;
import io.keyless.protocol.KeylessOpcode;
import io.keyless.protocol.KeylessRequest;

import javax.crypto.Cipher;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One kind of request the load tool sends, named {@code KEY-OPERATION}: {@code rsa2048-sha256} signs a SHA-256
 * hash with the key named rsa2048, {@code rsa2048-decrypt} decrypts a premaster secret, {@code p256-sha384}
 * signs with ECDSA; {@code ping} needs no key.
 *
 * @param weight the share of requests, relative to the other workloads of a mix
 */
record Workload(String name, KeylessOpcode opcode, byte[] ski, byte[] payload, int weight) {
    private static final SecureRandom RANDOM = new SecureRandom();

    KeylessRequest request(int id) {
        KeylessRequest.Builder builder = KeylessRequest.builder(opcode).id(id).payload(payload);
        return ski == null ? builder.build() : builder.ski(ski).build();
    }

    /**
     * Parses {@code name} or {@code name:weight,name:weight...}.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    static List<Workload> parseMix(String mix, Map<String, PublicKeyIdentity> keys) {
        List<Workload> workloads = new ArrayList<>();
        for (String part : mix.split(",")) {
            String[] nameAndWeight = part.trim().split(":");
            if (nameAndWeight.length > 2 || nameAndWeight[0].isEmpty()) {
                throw new IllegalArgumentException("'" + part + "' is not NAME or NAME:WEIGHT");
            }
            int weight = 1;
            if (nameAndWeight.length == 2) {
                try {
                    weight = Integer.parseInt(nameAndWeight[1]);
                } catch (NumberFormatException e) {
                    weight = -1;
                }
                if (weight < 1) {
                    throw new IllegalArgumentException("weight of '" + part + "' is not a positive whole number");
                }
            }
            workloads.add(parse(nameAndWeight[0], weight, keys));
        }
        return workloads;
    }

    static Workload parse(String name, int weight, Map<String, PublicKeyIdentity> keys) {
        if (name.equals("ping")) {
            return new Workload(name, KeylessOpcode.PING, null, new byte[32], weight);
        }
        int dash = name.lastIndexOf('-');
        if (dash <= 0) {
            throw new IllegalArgumentException("'" + name + "' is not KEY-OPERATION or ping");
        }
        String keyName = name.substring(0, dash);
        String operation = name.substring(dash + 1).toLowerCase(Locale.ROOT);
        PublicKeyIdentity key = keys.get(keyName);
        if (key == null) {
            throw new IllegalArgumentException("no key named '" + keyName + "'; give it with --key " + keyName
                    + "=FILE (known: " + String.join(", ", keys.keySet()) + ")");
        }
        KeylessOpcode opcode = opcode(key, operation, name);
        return new Workload(name, opcode, key.ski(), payload(key, opcode), weight);
    }

    private static KeylessOpcode opcode(PublicKeyIdentity key, String operation, String name) {
        if (operation.equals("decrypt") || operation.equals("rawdecrypt")) {
            if (key.type() != KeyType.RSA) {
                throw new IllegalArgumentException("'" + name + "': only RSA keys decrypt");
            }
            return operation.equals("decrypt") ? KeylessOpcode.RSA_DECRYPT : KeylessOpcode.RSA_DECRYPT_RAW;
        }
        for (KeylessOpcode opcode : KeylessOpcode.values()) {
            boolean fits = key.type() == KeyType.RSA
                    ? opcode.kind() == KeylessOpcode.Kind.RSA_SIGN
                    : opcode.kind() == KeylessOpcode.Kind.ECDSA_SIGN;
            if (fits && opcode.hash().name().equalsIgnoreCase(operation)) {
                return opcode;
            }
        }
        throw new IllegalArgumentException("'" + name + "': operation '" + operation + "' is not one of "
                + "md5sha1, sha1, sha224, sha256, sha384, sha512, decrypt, rawdecrypt");
    }

    private static byte[] payload(PublicKeyIdentity key, KeylessOpcode opcode) {
        if (opcode.hash() != null) {
            byte[] hash = new byte[opcode.hash().length()];
            RANDOM.nextBytes(hash);
            return hash;
        }
        try {
            // A TLS 1.2 premaster secret: version 3.3 and 46 random bytes, encrypted as a client would.
            byte[] premaster = new byte[48];
            RANDOM.nextBytes(premaster);
            premaster[0] = 3;
            premaster[1] = 3;
            Cipher cipher = Cipher.getInstance("RSA/ECB/PKCS1Padding");
            cipher.init(Cipher.ENCRYPT_MODE, key.publicKey());
            return cipher.doFinal(premaster);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot encrypt for " + key.file() + ": " + e.getMessage());
        }
    }

    /** The share of this workload in a mix, as a percentage. */
    static double share(Workload workload, List<Workload> mix) {
        return 100.0 * workload.weight() / mix.stream().mapToInt(Workload::weight).sum();
    }
}
