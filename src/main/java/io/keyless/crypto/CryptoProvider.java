package io.keyless.crypto;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.conscrypt.Conscrypt;

import java.security.Provider;
import java.util.Locale;

/**
 * A JCA provider the private-key operations can run on, as {@code --crypto-provider} names it.
 */
public enum CryptoProvider {
    /** Amazon Corretto Crypto Provider: AWS-LC through JNI, the fastest here for every operation. */
    ACCP,
    /** Conscrypt: BoringSSL through JNI. */
    CONSCRYPT,
    /** The JDK's own providers (SunJCE for RSA, SunEC for ECDSA), always there. */
    JDK,
    /** BouncyCastle in pure Java, faster than the JDK's for ECDSA. */
    BC;

    /**
     * Loads the provider, or returns why it cannot be used on this machine. The JDK's is represented by
     * {@code null}: its engines are looked up without naming a provider.
     */
    Loaded load() {
        try {
            return switch (this) {
                case ACCP -> {
                    AmazonCorrettoCryptoProvider accp = AmazonCorrettoCryptoProvider.INSTANCE;
                    Throwable error = accp.getLoadingError();
                    yield error == null ? new Loaded(accp, null) : new Loaded(null, "does not load: " + error);
                }
                case CONSCRYPT -> {
                    // Throws the reason its native library did not load, if it did not.
                    Conscrypt.checkAvailability();
                    yield new Loaded(Conscrypt.newProvider(), null);
                }
                case BC -> new Loaded(new BouncyCastleProvider(), null);
                case JDK -> new Loaded(null, null);
            };
        } catch (LinkageError | RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return new Loaded(null, "does not load: " + cause);
        }
    }

    /** The name {@code --crypto-provider} and the logs use. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * A provider as loaded: the JCA provider ({@code null} for the JDK's defaults) or why it could not load.
     */
    record Loaded(Provider provider, String problem) {
    }
}
