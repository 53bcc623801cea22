package io.keyless.crypto;

import io.keyless.keys.EcCurve;
import io.keyless.keys.KeyType;
import io.keyless.keys.LoadedKey;

/**
 * The kinds of key whose operations may each run on a different provider: providers differ most by curve.
 */
public enum KeyFamily {
    RSA,
    P256,
    P384,
    P521;

    public static KeyFamily of(LoadedKey key) {
        return of(key.type(), key.curve());
    }

    public static KeyFamily of(KeyType type, EcCurve curve) {
        if (type == KeyType.RSA) {
            return RSA;
        }
        return switch (curve) {
            case P256 -> P256;
            case P384 -> P384;
            case P521 -> P521;
        };
    }

    /** The curve of an EC family; {@code null} for RSA. */
    public EcCurve curve() {
        return switch (this) {
            case RSA -> null;
            case P256 -> EcCurve.P256;
            case P384 -> EcCurve.P384;
            case P521 -> EcCurve.P521;
        };
    }

    /** The JCA key algorithm: "RSA" or "EC". */
    String jcaAlgorithm() {
        return this == RSA ? "RSA" : "EC";
    }
}
