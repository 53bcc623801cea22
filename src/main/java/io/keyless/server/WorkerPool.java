package io.keyless.server;

import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The threads that run private-key operations, with a bounded queue in front of them so that overload is answered
 * at once instead of piling up latency and memory.
 */
final class WorkerPool {
    /** Work that can be told it was refused. */
    interface Task extends Runnable {
        /** Called on the submitting thread when the queue is full or the pool has stopped. */
        void rejected();
    }

    private static final Logger log = LoggerFactory.getLogger(WorkerPool.class);

    private final ThreadPoolExecutor executor;

    WorkerPool(int threads, int maxQueued) {
        // Refusal calls back instead of throwing: under overload every refused request would otherwise pay for an
        // exception and its stack trace.
        this(new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(maxQueued), new DefaultThreadFactory("keyless-worker", true),
                new Refusal(maxQueued)));
        executor.prestartAllCoreThreads();
    }

    /** Tells a refused task, and the operator when the queue was full rather than the pool stopped. */
    private static final class Refusal implements RejectedExecutionHandler {
        private final LimitWarning full;

        Refusal(int maxQueued) {
            full = new LimitWarning(log, Level.WARN,
                    "limit hit: worker queue full, answering INTERNAL_ERROR max_queued=" + maxQueued);
        }

        @Override
        public void rejectedExecution(Runnable task, ThreadPoolExecutor pool) {
            if (!pool.isShutdown()) {
                full.hit();
            }
            ((Task) task).rejected();
        }
    }

    private WorkerPool(ThreadPoolExecutor executor) {
        this.executor = executor;
    }

    /**
     * A pool that runs each task on the thread that submits it, so that a test can drive a pipeline on one thread
     * from request to response. Never for a server: it would run private-key operations on an event loop.
     */
    static WorkerPool callerRuns() {
        return new WorkerPool(new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(1)) {
            @Override
            public void execute(Runnable task) {
                task.run();
            }
        });
    }

    void submit(Task task) {
        executor.execute(task);
    }

    int threads() {
        return executor.getCorePoolSize();
    }

    /** Operations waiting for a thread. */
    int queued() {
        return executor.getQueue().size();
    }

    /**
     * Lets queued work finish for up to {@code wait}, then interrupts what still runs and refuses what is still
     * queued, so that every task hears either its result or its refusal.
     */
    void shutdown(Duration wait) throws InterruptedException {
        executor.shutdown();
        if (!executor.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS)) {
            for (Runnable queued : executor.shutdownNow()) {
                ((Task) queued).rejected();
            }
        }
    }
}
