package io.keyless.server;

import io.keyless.transport.Transport;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Answers are left for a sleeping event loop only while the workers are saturated, and never for long: every
 * deferred answer is run once enough pile up, once one has waited too long, or once the queue runs short.
 */
class CompletionDeliveryTest {
    private final EventLoopGroup loops = Transport.NIO.newGroup(2, "delivery-test");
    private WorkerPool workers;
    private CountDownLatch release;

    @BeforeEach
    void startTheLoopsAndTheWorker() throws Exception {
        // A loop's thread starts with its first task, and runs whatever is queued before it first sleeps.
        for (int i = 0; i < 2; i++) {
            loops.next().submit(() -> { }).sync();
        }
        Thread.sleep(20);
        workers = new WorkerPool(1, 100);
        release = new CountDownLatch(1);
    }

    @AfterEach
    void stop() throws Exception {
        release.countDown();
        workers.shutdown(Duration.ofSeconds(5));
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    @Test
    void runsEveryAnswerAtOnceBelowSaturation() throws Exception {
        CompletionDelivery.Loop loop = new CompletionDelivery(workers).loop(loops.next());
        CountDownLatch ran = new CountDownLatch(1);

        loop.deliver(ran::countDown);

        assertThat(ran.await(1, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void holdsAnswersWhileSaturatedUntilEnoughPileUp() throws Exception {
        saturate();
        CompletionDelivery.Loop loop = new CompletionDelivery(workers).loop(loops.next());
        AtomicInteger ran = new AtomicInteger();

        loop.deliver(ran::incrementAndGet);
        Thread.sleep(50);
        assertThat(ran.get()).as("an idle loop is not woken for a deferred answer").isZero();

        // The last of MAX_DEFERRED answers wakes the loop, which runs all of them; the clock must not be the cause.
        for (int i = 1; i < CompletionDelivery.MAX_DEFERRED; i++) {
            loop.deliver(ran::incrementAndGet);
        }
        awaitCount(ran, CompletionDelivery.MAX_DEFERRED);
    }

    @Test
    void wakesALoopWhoseAnswerWaitedTooLongWhenAnotherAnswerComes() throws Exception {
        saturate();
        CompletionDelivery delivery = new CompletionDelivery(workers);
        EventLoop first = loops.next();
        EventLoop second = loops.next();
        assertThat(first).isNotSameAs(second);
        AtomicInteger ran = new AtomicInteger();

        delivery.loop(first).deliver(ran::incrementAndGet);
        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(CompletionDelivery.MAX_DEFERRAL_NANOS) + 20);
        delivery.loop(second).deliver(() -> { });

        awaitCount(ran, 1);
    }

    @Test
    void wakesEveryLoopHoldingAnswersOnceTheQueueRunsShort() throws Exception {
        saturate();
        CompletionDelivery delivery = new CompletionDelivery(workers);
        EventLoop first = loops.next();
        EventLoop second = loops.next();
        AtomicInteger ran = new AtomicInteger();
        delivery.loop(first).deliver(ran::incrementAndGet);

        release.countDown();
        for (int i = 0; i < 200 && workers.queued() > 0; i++) {
            Thread.sleep(5);
        }
        delivery.loop(second).deliver(() -> { });

        awaitCount(ran, 1);
    }

    @Test
    void everyAnswerRunsWhenManyWorkersDeliverToTheSameLoopsAtOnce() throws Exception {
        WorkerPool busy = new WorkerPool(4, 100_000);
        try {
            CompletionDelivery delivery = new CompletionDelivery(busy);
            CompletionDelivery.Loop[] targets = {delivery.loop(loops.next()), delivery.loop(loops.next())};
            AtomicInteger ran = new AtomicInteger();
            int answers = 50_000;
            for (int round = 0; round < 5; round++) {
                // Bursts that saturate the queue and then drain it, as the server's workers do, and then silence:
                // nothing but the deliveries themselves may wake a loop for the last answers of a burst.
                for (int i = 0; i < answers / 5; i++) {
                    CompletionDelivery.Loop target = targets[i & 1];
                    busy.submit(new WorkerPool.Task() {
                        @Override
                        public void run() {
                            target.deliver(ran::incrementAndGet);
                        }

                        @Override
                        public void rejected() {
                            throw new AssertionError("the queue has room");
                        }
                    });
                }
                awaitCount(ran, answers / 5 * (round + 1));
            }
        } finally {
            busy.shutdown(Duration.ofSeconds(5));
        }
    }

    /** One task holds the only worker; ten more wait behind it: far past twice the number of workers. */
    private void saturate() {
        for (int i = 0; i < 11; i++) {
            workers.submit(new WorkerPool.Task() {
                @Override
                public void run() {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }

                @Override
                public void rejected() {
                    throw new AssertionError("the queue has room");
                }
            });
        }
        assertThat(workers.queued()).isGreaterThanOrEqualTo(10);
    }

    private static void awaitCount(AtomicInteger count, int expected) throws InterruptedException {
        for (int i = 0; i < 200 && count.get() < expected; i++) {
            Thread.sleep(5);
        }
        assertThat(count.get()).isEqualTo(expected);
    }
}
