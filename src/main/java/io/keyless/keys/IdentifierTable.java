package io.keyless.keys;

import io.netty.buffer.ByteBuf;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Finds keys by an identifier of fixed length (a 32-byte digest, a 20-byte SKI) straight from a request's buffer:
 * no allocation, and about the same cost with one key or a hundred thousand.
 *
 * <p>Open addressing over two flat arrays, the first eight bytes of each identifier and the key's index, at most
 * half full; identifiers are hashes, so their first bytes are a hash already. All identifiers sit in one array in
 * key order, so a lookup touches two or three cache lines where a hash map of byte buffers touches five or six
 * scattered objects.
 */
final class IdentifierTable {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final int length;
    private final List<LoadedKey> keys;
    private final byte[] identifiers;
    private final long[] prefixes;
    private final int[] slots;
    private final int mask;

    /**
     * @param identifier each key's identifier, {@code length} bytes (at least 8), all distinct
     * @throws IllegalArgumentException if two keys share an identifier
     */
    IdentifierTable(List<LoadedKey> keys, int length, Function<LoadedKey, byte[]> identifier) {
        this.length = length;
        this.keys = keys;
        this.identifiers = new byte[keys.size() * length];
        int capacity = Integer.highestOneBit(Math.max(2, keys.size()) * 2 - 1) << 1;
        this.prefixes = new long[capacity];
        this.slots = new int[capacity];
        this.mask = capacity - 1;
        Arrays.fill(slots, -1);
        for (int index = 0; index < keys.size(); index++) {
            byte[] id = identifier.apply(keys.get(index));
            System.arraycopy(id, 0, identifiers, index * length, length);
            long prefix = (long) LONGS.get(id, 0);
            int slot = slot(prefix);
            while (slots[slot] >= 0) {
                if (prefixes[slot] == prefix && sameIdentifier(slots[slot], id)) {
                    throw new IllegalArgumentException("two keys share an identifier: " + keys.get(index));
                }
                slot = (slot + 1) & mask;
            }
            prefixes[slot] = prefix;
            slots[slot] = index;
        }
    }

    /** The key whose identifier is the readable bytes of {@code id}, or {@code null}; the buffer is not moved. */
    LoadedKey find(ByteBuf id) {
        if (id.readableBytes() != length) {
            return null;
        }
        int start = id.readerIndex();
        long prefix = id.getLong(start);
        for (int slot = slot(prefix); ; slot = (slot + 1) & mask) {
            int index = slots[slot];
            if (index < 0) {
                return null;
            }
            if (prefixes[slot] == prefix && sameRest(index, id, start)) {
                return keys.get(index);
            }
        }
    }

    private int slot(long prefix) {
        // The prefix is already uniform for hashes; mixing keeps identifiers chosen by anyone else from clustering.
        long mixed = prefix * 0x9E3779B97F4A7C15L;
        return (int) (mixed ^ (mixed >>> 32)) & mask;
    }

    private boolean sameRest(int index, ByteBuf id, int start) {
        int offset = index * length;
        int i = 8;
        for (; i + 8 <= length; i += 8) {
            if ((long) LONGS.get(identifiers, offset + i) != id.getLong(start + i)) {
                return false;
            }
        }
        for (; i < length; i++) {
            if (identifiers[offset + i] != id.getByte(start + i)) {
                return false;
            }
        }
        return true;
    }

    private boolean sameIdentifier(int index, byte[] id) {
        return Arrays.equals(identifiers, index * length, index * length + length, id, 0, length);
    }
}
