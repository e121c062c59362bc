package dev.launcher.group;

import java.util.Objects;
import java.util.Optional;

/**
 * What the parts around a group see of it and may do to it — readiness, the stop trigger, a stop request — handed
 * out by {@link ServiceGroupBuilder#handle()} before the group exists, so that a member's own parts (an HTTP
 * server's {@code /readyz} and {@code /shutdown} handlers) can be given it while the members are still being built.
 *
 * <p>Bound once, by {@link ServiceGroupBuilder#build()}. Until then the group is not ready and no stop is
 * triggered, and {@link #requestStop} throws. Thread-safe.
 */
public final class GroupHandle {

    private volatile ServiceGroup group;

    GroupHandle() {
    }

    /** Binds this handle to the group built with it; once only. */
    void bind(ServiceGroup built) {
        if (group != null) {
            throw new IllegalStateException("a builder whose handle was handed out builds one group only");
        }
        group = Objects.requireNonNull(built);
    }

    /** {@return true while every member has started and no stop has been triggered; see {@link ServiceGroup#isReady()}} */
    public boolean isReady() {
        ServiceGroup bound = group;
        return bound != null && bound.isReady();
    }

    /** {@return true from the stop trigger on; see {@link ServiceContext#isStopTriggered()}} */
    public boolean isStopTriggered() {
        ServiceGroup bound = group;
        return bound != null && bound.isStopTriggered();
    }

    /** {@return the stop's cause; empty until a stop is triggered} */
    public Optional<StopCause> cause() {
        ServiceGroup bound = group;
        return bound == null ? Optional.empty() : bound.cause();
    }

    /**
     * Triggers the stop of the group; see {@link ServiceGroup#requestStop}.
     *
     * @param cause why; recorded only if this is the first trigger
     * @return true if this call triggered the stop
     * @throws IllegalStateException if the group has not been built yet
     */
    public boolean requestStop(StopCause cause) {
        ServiceGroup bound = group;
        if (bound == null) {
            throw new IllegalStateException("the group is not built yet");
        }
        return bound.requestStop(cause);
    }
}
