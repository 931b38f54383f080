package io.qforge.engine.job;

import io.qforge.engine.train.Workspaces;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * Two independent evaluations at once: the integer engine is single-threaded Java and the float64
 * simulation leaves a core idle in its Java loops, so on the job's cores they overlap well. The
 * second runs on its own thread, which frees its ND4J workspaces when done (they are per thread).
 */
final class Concurrently {
    private Concurrently() {
    }

    record Both<A, B>(A first, B second) {
    }

    static <A, B> Both<A, B> run(Supplier<A> first, Supplier<B> second) {
        CompletableFuture<B> other = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                other.complete(second.get());
            } catch (Throwable e) {
                other.completeExceptionally(e);
            } finally {
                Workspaces.releaseAll();
            }
        }, "qforge-eval-" + Thread.currentThread().getName());
        t.setDaemon(true);
        t.start();
        A a;
        try {
            a = first.get();
        } catch (RuntimeException | Error e) {
            other.join(); // no evaluation outlives the job
            throw e;
        }
        try {
            return new Both<>(a, other.join());
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }
}
