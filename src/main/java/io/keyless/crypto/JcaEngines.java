package io.keyless.crypto;

import javax.crypto.Cipher;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.Signature;

/** The engines private-key operations run on, from a chosen provider or, given {@code null}, the JDK's default. */
final class JcaEngines {
    /** ECDSA over a hash the caller computed: what a TLS stack asks a key server to sign. */
    static final String RAW_ECDSA = "NONEwithECDSA";

    private JcaEngines() {
    }

    static Cipher cipher(String transformation, Provider provider) throws GeneralSecurityException {
        return provider == null ? Cipher.getInstance(transformation) : Cipher.getInstance(transformation, provider);
    }

    static Signature rawEcdsa(Provider provider) throws GeneralSecurityException {
        return provider == null ? Signature.getInstance(RAW_ECDSA) : Signature.getInstance(RAW_ECDSA, provider);
    }
}
