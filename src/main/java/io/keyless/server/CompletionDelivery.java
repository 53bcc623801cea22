package io.keyless.server;

import io.netty.util.concurrent.AbstractEventExecutor;
import io.netty.util.concurrent.EventExecutor;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hands finished operations back to the event loops of their connections.
 *
 * <p>Waking a sleeping event loop costs a system call and a context switch on each side: tens of microseconds on a
 * virtual machine, as much as everything else a request costs beyond its cryptography. When the workers are
 * saturated (work is queued behind the operation that just finished, so more answers are about to follow), an
 * answer is left for its loop to pick up when it next wakes, and the loop is woken only every
 * {@link #MAX_DEFERRED} answers, or when an answer has waited {@link #MAX_DEFERRAL_NANOS}, or as soon as the queue
 * runs short. Below saturation every answer wakes its loop at once, so latency at moderate load is untouched.
 */
final class CompletionDelivery {
    /** Answers a loop may hold unseen before it is woken. */
    static final int MAX_DEFERRED = 16;

    /** The longest an answer may wait for its loop to wake on its own. */
    static final long MAX_DEFERRAL_NANOS = TimeUnit.MICROSECONDS.toNanos(500);

    private final WorkerPool workers;
    private final int saturatedQueue;
    private final Map<EventExecutor, Loop> loops = new ConcurrentHashMap<>();

    CompletionDelivery(WorkerPool workers) {
        this.workers = workers;
        // Two operations waiting per worker: answers are then coming faster than one loop wake-up costs.
        this.saturatedQueue = 2 * workers.threads();
    }

    /** The delivery to one event loop, to keep for its connections. */
    Loop loop(EventExecutor executor) {
        return loops.computeIfAbsent(executor, Loop::new);
    }

    /** One event loop's answers not yet seen by it. */
    final class Loop {
        private final EventExecutor executor;
        private final AtomicInteger deferred = new AtomicInteger();
        private volatile long oldest;

        private Loop(EventExecutor executor) {
            this.executor = executor;
        }

        /**
         * Runs {@code answer} on this loop, now or at its next wake-up.
         *
         * @throws java.util.concurrent.RejectedExecutionException if the loop has stopped
         */
        void deliver(Runnable answer) {
            if (executor.inEventLoop()) {
                // A refusal on the loop itself, at submission: nothing to hand over.
                answer.run();
                return;
            }
            boolean saturated = workers.queued() >= saturatedQueue;
            long now = System.nanoTime();
            if (saturated && executor instanceof AbstractEventExecutor lazy) {
                int held = deferred.incrementAndGet();
                if (held == 1) {
                    oldest = now;
                }
                if (held < MAX_DEFERRED && now - oldest < MAX_DEFERRAL_NANOS) {
                    lazy.lazyExecute(answer);
                    if (deferred.get() == 0 || workers.queued() < saturatedQueue) {
                        // Another thread woke the loop, or the queue ran short, between the count and the hand-over:
                        // that wake-up may have come before this answer was there to see, and none may follow.
                        executor.execute(NOTHING);
                    }
                    wakeOthers(false, now);
                    return;
                }
            }
            deferred.set(0);
            executor.execute(answer);
            wakeOthers(!saturated, now);
        }

        /** Wakes this loop if it holds answers: all of them when the workers ran dry, else those waited too long. */
        private void wakeIfHolding(boolean all, long now) {
            if (deferred.get() > 0 && (all || now - oldest >= MAX_DEFERRAL_NANOS)) {
                deferred.set(0);
                executor.execute(NOTHING);
            }
        }

        private void wakeOthers(boolean all, long now) {
            for (Loop other : loops.values()) {
                if (other != this) {
                    other.wakeIfHolding(all, now);
                }
            }
        }
    }

    /** A task whose only effect is that the loop wakes and runs the answers left for it. */
    private static final Runnable NOTHING = () -> { };
}
