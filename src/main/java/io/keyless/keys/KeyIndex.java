package io.keyless.keys;

import io.netty.buffer.ByteBuf;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The keys being served, found by SKI or by digest in constant time whatever their number. Immutable: a reload
 * builds a new index and swaps it in whole.
 */
public final class KeyIndex {
    private final List<LoadedKey> keys;
    private final Map<ByteBuffer, LoadedKey> bySki;
    private final Map<ByteBuffer, LoadedKey> byDigest;

    /** Indexes distinct keys; two keys with the same digest are the same key and must have been merged already. */
    public KeyIndex(List<LoadedKey> keys) {
        this.keys = List.copyOf(keys);
        this.bySki = new HashMap<>(capacityFor(keys.size()));
        this.byDigest = new HashMap<>(capacityFor(keys.size()));
        for (LoadedKey key : keys) {
            if (byDigest.put(ByteBuffer.wrap(key.digestArray()), key) != null) {
                throw new IllegalArgumentException("two keys with the digest of " + key);
            }
            bySki.put(ByteBuffer.wrap(key.skiArray()), key);
        }
    }

    private static int capacityFor(int size) {
        return (int) Math.min(Integer.MAX_VALUE, size * 4L / 3 + 1);
    }

    /**
     * Finds the key a request names: by SKI when the request has one, else by digest. The buffers are read, not
     * consumed or retained.
     *
     * @return the key, or {@code null} when none is loaded under that name
     */
    public LoadedKey find(ByteBuf ski, ByteBuf digest) {
        if (ski != null) {
            return bySki.get(ski.nioBuffer());
        }
        if (digest != null) {
            return byDigest.get(digest.nioBuffer());
        }
        return null;
    }

    public LoadedKey findBySki(byte[] ski) {
        return bySki.get(ByteBuffer.wrap(ski));
    }

    public LoadedKey findByDigest(byte[] digest) {
        return byDigest.get(ByteBuffer.wrap(digest));
    }

    /** Every key, in the order of their file names. */
    public List<LoadedKey> keys() {
        return keys;
    }

    public int size() {
        return keys.size();
    }

    /** Number of keys of one type. */
    public long count(KeyType type) {
        return keys.stream().filter(key -> key.type() == type).count();
    }
}
