package io.keyless.keys;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.List;

/**
 * The keys being served, found by SKI or by digest straight from a request's buffer, in about the same time
 * whatever their number. Immutable: a reload builds a new index and swaps it in whole.
 */
public final class KeyIndex {
    private final List<LoadedKey> keys;
    private final IdentifierTable bySki;
    private final IdentifierTable byDigest;

    /**
     * Indexes distinct keys; two keys with the same digest are the same key and must have been merged already.
     *
     * @throws IllegalArgumentException if two keys share a digest or an SKI
     */
    public KeyIndex(List<LoadedKey> keys) {
        this.keys = List.copyOf(keys);
        this.bySki = new IdentifierTable(this.keys, 20, LoadedKey::skiArray);
        this.byDigest = new IdentifierTable(this.keys, 32, LoadedKey::digestArray);
    }

    /**
     * Finds the key a request names: by SKI when the request has one, else by digest. The buffers are read, not
     * consumed or retained.
     *
     * @return the key, or {@code null} when none is loaded under that name
     */
    public LoadedKey find(ByteBuf ski, ByteBuf digest) {
        if (ski != null) {
            return bySki.find(ski);
        }
        if (digest != null) {
            return byDigest.find(digest);
        }
        return null;
    }

    public LoadedKey findBySki(byte[] ski) {
        return bySki.find(Unpooled.wrappedBuffer(ski));
    }

    public LoadedKey findByDigest(byte[] digest) {
        return byDigest.find(Unpooled.wrappedBuffer(digest));
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
