package io.keyless.keys;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;

/** Turns a key as read into the key object a crypto provider works with, once, when keys are loaded. */
@FunctionalInterface
public interface KeyTranslator {
    /** Keeps keys as the JDK read them. */
    KeyTranslator NONE = LoadedKey::privateKey;

    PrivateKey translate(LoadedKey key) throws GeneralSecurityException;
}
