package io.keyless.crypto;

import io.keyless.protocol.KeylessHash;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.DigestInfo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/**
 * The DER bytes that precede a hash inside the DigestInfo of a PKCS#1 v1.5 signature (RFC 8017 section 9.2).
 */
final class DigestInfoPrefix {
    private static final Map<KeylessHash, byte[]> PREFIXES = new EnumMap<>(KeylessHash.class);

    static {
        // MD5SHA1 has no DigestInfo: TLS 1.0 and 1.1 sign the 36 bytes as they are.
        PREFIXES.put(KeylessHash.MD5SHA1, new byte[0]);
        PREFIXES.put(KeylessHash.SHA1, prefix(OIWObjectIdentifiers.idSHA1, KeylessHash.SHA1));
        PREFIXES.put(KeylessHash.SHA224, prefix(NISTObjectIdentifiers.id_sha224, KeylessHash.SHA224));
        PREFIXES.put(KeylessHash.SHA256, prefix(NISTObjectIdentifiers.id_sha256, KeylessHash.SHA256));
        PREFIXES.put(KeylessHash.SHA384, prefix(NISTObjectIdentifiers.id_sha384, KeylessHash.SHA384));
        PREFIXES.put(KeylessHash.SHA512, prefix(NISTObjectIdentifiers.id_sha512, KeylessHash.SHA512));
    }

    private DigestInfoPrefix() {
    }

    /** Returns {@code prefix(hash) || hash}, the block a PKCS#1 v1.5 signature pads and exponentiates. */
    static byte[] wrap(KeylessHash hash, byte[] value) {
        return wrap(hash, Unpooled.wrappedBuffer(value));
    }

    /** As {@link #wrap(KeylessHash, byte[])}, reading the hash straight from a buffer without consuming it. */
    static byte[] wrap(KeylessHash hash, ByteBuf value) {
        byte[] prefix = PREFIXES.get(hash);
        byte[] block = Arrays.copyOf(prefix, prefix.length + value.readableBytes());
        value.getBytes(value.readerIndex(), block, prefix.length, value.readableBytes());
        return block;
    }

    private static byte[] prefix(ASN1ObjectIdentifier oid, KeylessHash hash) {
        try {
            byte[] encoded = new DigestInfo(new AlgorithmIdentifier(oid, DERNull.INSTANCE), new byte[hash.length()])
                    .getEncoded(ASN1Encoding.DER);
            return Arrays.copyOf(encoded, encoded.length - hash.length());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
