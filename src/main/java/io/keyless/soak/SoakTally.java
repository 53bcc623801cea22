package io.keyless.soak;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** What happened during a soak, counted from every lane at once. */
final class SoakTally {
    /** Problems kept word for word; beyond this many only counted. */
    private static final int PROBLEMS_KEPT = 20;

    private final LongAdder connections = new LongAdder();
    private final LongAdder cleanCloses = new LongAdder();
    private final LongAdder cutOffs = new LongAdder();
    private final LongAdder abandoned = new LongAdder();
    private final LongAdder sent = new LongAdder();
    private final LongAdder answered = new LongAdder();
    private final LongAdder wrong = new LongAdder();
    private final LongAdder unmatched = new LongAdder();
    private final LongAdder disconnects = new LongAdder();
    private final LongAdder connectFailures = new LongAdder();
    private final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
    private final Map<RequestMix.Kind, LongAdder> kinds = new ConcurrentHashMap<>();
    private final List<String> problems = new ArrayList<>();

    void connected() {
        connections.increment();
    }

    void sent() {
        sent.increment();
    }

    /** An answer matched a request in flight; {@code problem} is what was wrong with it, if anything. */
    void answered(RequestMix.Kind kind, String outcome, String problem) {
        answered.increment();
        outcomes.computeIfAbsent(outcome, name -> new LongAdder()).increment();
        kinds.computeIfAbsent(kind, name -> new LongAdder()).increment();
        if (problem != null) {
            wrong(problem);
        }
    }

    void wrong(String problem) {
        wrong.increment();
        note(problem);
    }

    /** A connection closed by its lane once every answer was in; {@code unmatchedAnswers} arrived for no request. */
    void closedCleanly(long unmatchedAnswers) {
        cleanCloses.increment();
        if (unmatchedAnswers > 0) {
            unmatched.add(unmatchedAnswers);
            note(unmatchedAnswers + " answers matched no request");
        }
    }

    /** A connection its lane cut off in the middle of a request, {@code owed} answers still to come. */
    void cutOff(int owed) {
        cutOffs.increment();
        abandoned.add(owed);
    }

    /** The connection closed under a lane that had not asked for it: every answer owed is lost (see lost()). */
    void unexpectedDisconnect(Throwable cause, int owed) {
        disconnects.increment();
        note("connection lost with " + owed + " answers owed: " + cause);
    }

    void connectFailed(Exception cause) {
        connectFailures.increment();
        note("cannot connect: " + cause);
    }

    private void note(String problem) {
        synchronized (problems) {
            if (problems.size() < PROBLEMS_KEPT) {
                problems.add(problem);
            }
        }
    }

    long sentCount() {
        return sent.sum();
    }

    long answeredCount() {
        return answered.sum();
    }

    long abandonedCount() {
        return abandoned.sum();
    }

    long connectionCount() {
        return connections.sum();
    }

    long cleanCloseCount() {
        return cleanCloses.sum();
    }

    long cutOffCount() {
        return cutOffs.sum();
    }

    long wrongCount() {
        return wrong.sum();
    }

    long unmatchedCount() {
        return unmatched.sum();
    }

    long disconnectCount() {
        return disconnects.sum();
    }

    long connectFailureCount() {
        return connectFailures.sum();
    }

    /**
     * Requests sent that never got their answer although their connection was not cut off by its lane: sent minus
     * answered minus abandoned. Zero for a correct server once every lane has drained.
     */
    long lostCount() {
        return sent.sum() - answered.sum() - abandoned.sum();
    }

    /** Answers by outcome: OK, PONG, or the error's name. */
    Map<String, Long> outcomes() {
        Map<String, Long> counts = new TreeMap<>();
        outcomes.forEach((name, count) -> counts.put(name, count.sum()));
        return counts;
    }

    /** Answers by kind of request. */
    Map<String, Long> kinds() {
        Map<String, Long> counts = new TreeMap<>();
        kinds.forEach((kind, count) -> counts.put(kind.name(), count.sum()));
        return counts;
    }

    List<String> problems() {
        synchronized (problems) {
            return List.copyOf(problems);
        }
    }
}
