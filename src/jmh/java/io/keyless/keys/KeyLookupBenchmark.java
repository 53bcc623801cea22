package io.keyless.keys;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Finding a key by SKI and by digest with 1, 1,000 and 100,000 keys loaded: the cost must not grow with the
 * number of keys. The keys share one private key object; only their identifiers matter here.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class KeyLookupBenchmark {
    @Param({"1", "1000", "100000"})
    public int keys;

    private KeyIndex index;
    private ByteBuf[] skis;
    private ByteBuf[] digests;
    private int next;

    @Setup
    public void setUp() throws Exception {
        LoadedKey sample = PemPrivateKeys.read(Path.of("keys/sample/p256.key"));
        SplittableRandom random = new SplittableRandom(42);
        List<LoadedKey> loaded = new ArrayList<>();
        for (int i = 0; i < keys; i++) {
            byte[] digest = new byte[32];
            byte[] ski = new byte[20];
            random.nextBytes(digest);
            random.nextBytes(ski);
            loaded.add(new LoadedKey(Path.of("k" + i + ".key"), KeyType.EC, sample.privateKey(), 256, EcCurve.P256,
                    digest, ski, null));
        }
        index = new KeyIndex(loaded);
        // Requests name keys spread over the whole index, as slices of a frame, as the decoder gives them.
        int probes = 1024;
        skis = new ByteBuf[probes];
        digests = new ByteBuf[probes];
        for (int i = 0; i < probes; i++) {
            LoadedKey key = loaded.get(random.nextInt(keys));
            skis[i] = Unpooled.directBuffer(64).writeZero(12).writeBytes(key.ski()).slice(12, 20);
            digests[i] = Unpooled.directBuffer(64).writeZero(8).writeBytes(key.digest()).slice(8, 32);
        }
    }

    @Benchmark
    public LoadedKey findBySki() {
        next = (next + 1) & (skis.length - 1);
        return index.find(skis[next], null);
    }

    @Benchmark
    public LoadedKey findByDigest() {
        next = (next + 1) & (digests.length - 1);
        return index.find(null, digests[next]);
    }
}
