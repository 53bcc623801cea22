package io.keyless.crypto;

import io.keyless.keys.LoadedKey;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which provider runs the operations of each key family: a forced one, or the fastest that loads and passes its
 * self-test. Keys are translated to their provider's own key type once, when loaded, never per request.
 */
public final class CryptoProviders {
    /**
     * Fastest first, per family, as measured on x86_64 (JMH, ops/s per thread; see the README's performance
     * section): ACCP leads everywhere; Conscrypt is next for RSA and P-256 but slower than BouncyCastle on P-384
     * and P-521; the JDK's own is last except for RSA, where BouncyCastle is no faster.
     */
    private static final Map<KeyFamily, List<CryptoProvider>> PREFERENCE = new EnumMap<>(Map.of(
            KeyFamily.RSA, List.of(CryptoProvider.ACCP, CryptoProvider.CONSCRYPT, CryptoProvider.JDK),
            KeyFamily.P256, List.of(CryptoProvider.ACCP, CryptoProvider.CONSCRYPT, CryptoProvider.BC,
                    CryptoProvider.JDK),
            KeyFamily.P384, List.of(CryptoProvider.ACCP, CryptoProvider.BC, CryptoProvider.CONSCRYPT,
                    CryptoProvider.JDK),
            KeyFamily.P521, List.of(CryptoProvider.ACCP, CryptoProvider.BC, CryptoProvider.CONSCRYPT,
                    CryptoProvider.JDK)));

    /** The provider chosen for one family; {@code provider} is {@code null} for the JDK's defaults. */
    public record Choice(String name, Provider provider) {
    }

    private final Map<KeyFamily, Choice> choices;
    private final List<String> skipped;

    private CryptoProviders(Map<KeyFamily, Choice> choices, List<String> skipped) {
        this.choices = choices;
        this.skipped = skipped;
    }

    /**
     * Chooses a provider for every family.
     *
     * @param forced the provider to use for everything, or {@code null} to choose the fastest that works
     * @throws GeneralSecurityException when the forced provider does not load or fails a self-test
     */
    public static CryptoProviders select(CryptoProvider forced) throws GeneralSecurityException {
        Map<CryptoProvider, CryptoProvider.Loaded> loaded = new EnumMap<>(CryptoProvider.class);
        Map<KeyFamily, Choice> choices = new EnumMap<>(KeyFamily.class);
        List<String> skipped = new ArrayList<>();
        for (KeyFamily family : KeyFamily.values()) {
            List<CryptoProvider> candidates = forced != null ? List.of(forced) : PREFERENCE.get(family);
            for (CryptoProvider candidate : candidates) {
                CryptoProvider.Loaded load = loaded.computeIfAbsent(candidate, CryptoProvider::load);
                String problem = load.problem() != null ? load.problem() : SelfTest.problem(load.provider(), family);
                if (problem == null) {
                    choices.put(family, new Choice(candidate.label(), load.provider()));
                    break;
                }
                String note = candidate.label() + " for " + family + ": " + problem;
                if (forced != null) {
                    throw new GeneralSecurityException("--crypto-provider " + note);
                }
                skipped.add(note);
            }
            if (!choices.containsKey(family)) {
                throw new GeneralSecurityException("no crypto provider works for " + family + ": " + skipped);
            }
        }
        return new CryptoProviders(choices, skipped);
    }

    /**
     * Uses {@code provider} for every family without a self-test: for providers whose keys the self-test cannot
     * make, such as a hardware module's, when the server is embedded.
     */
    public static CryptoProviders using(String name, Provider provider) {
        Map<KeyFamily, Choice> choices = new EnumMap<>(KeyFamily.class);
        for (KeyFamily family : KeyFamily.values()) {
            choices.put(family, new Choice(name, provider));
        }
        return new CryptoProviders(choices, List.of());
    }

    public Choice choice(KeyFamily family) {
        return choices.get(family);
    }

    /** The provider for a family; {@code null} means the JDK's defaults. */
    public Provider provider(KeyFamily family) {
        return choices.get(family).provider();
    }

    /** The candidates passed over while choosing, with the reason: one line each, for the log. */
    public List<String> skipped() {
        return skipped;
    }

    /**
     * Turns a loaded key into its provider's own key type, so that requests pay no conversion.
     *
     * @throws GeneralSecurityException when the provider cannot take the key
     */
    public PrivateKey translate(LoadedKey key) throws GeneralSecurityException {
        KeyFamily family = KeyFamily.of(key);
        return translate(provider(family), family, key.privateKey());
    }

    /** Makes {@code provider}'s own key object for a key; the JDK's (a {@code null} provider) keep theirs. */
    static PrivateKey translate(Provider provider, KeyFamily family, PrivateKey key) throws GeneralSecurityException {
        if (provider == null || provider.getService("KeyFactory", family.jcaAlgorithm()) == null) {
            // The JDK's own keys, or a provider that takes keys as they come.
            return key;
        }
        // From the encoding rather than with translateKey: ACCP marks translated keys as ephemeral and destroys
        // them the next time an engine is initialised with another key.
        return KeyFactory.getInstance(family.jcaAlgorithm(), provider)
                .generatePrivate(new PKCS8EncodedKeySpec(key.getEncoded()));
    }

    /** {@code rsa=accp p256=accp p384=accp p521=accp}. */
    public String describe() {
        StringBuilder description = new StringBuilder();
        choices.forEach((family, choice) -> description.append(description.length() == 0 ? "" : " ")
                .append(family.name().toLowerCase(Locale.ROOT)).append('=').append(choice.name()));
        return description.toString();
    }
}
