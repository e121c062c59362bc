package dev.launcher.group;

import java.time.Duration;
import java.util.Optional;

/**
 * What a running {@link Service} sees of its group: the start-up report, Go's {@code ctx.Done()} (the stop
 * request) and the time left until the deadline.
 *
 * <p>All methods may be called from any thread, any number of times, also after the member has ended.
 */
public interface ServiceContext {

    /**
     * Reports that this member has started (e.g. a server is bound). Idempotent. The group becomes ready when
     * every member has called it and no stop has been triggered.
     */
    void started();

    /**
     * {@return true from the moment a stop is triggered — before the group stops being {@linkplain
     * ServiceGroup#isReady() ready}, and before any drain delay — never going back to false} A member that serves
     * clients uses it to wind down what it hands out while it still serves (an HTTP server answers
     * {@code Connection: close} from then on), without stopping. Cheap (a volatile read): fit for a check per
     * request.
     */
    boolean isStopTriggered();

    /**
     * {@return true once the group has asked this member to stop (after any drain delay, and with a stop order
     * once the stages before this member's have ended). Never goes back to false}
     */
    boolean isStopRequested();

    /**
     * Blocks until the group asks this member to stop.
     *
     * @throws InterruptedException if the thread is interrupted, e.g. by the group at the deadline
     */
    void awaitStop() throws InterruptedException;

    /**
     * Blocks until the group asks this member to stop, or the timeout passes.
     *
     * @param timeout how long to wait at most; zero or negative means do not wait
     * @return true if a stop was requested, false if the timeout passed first
     * @throws InterruptedException if the thread is interrupted, e.g. by the group at the deadline
     */
    boolean awaitStop(Duration timeout) throws InterruptedException;

    /**
     * {@return the time left until the stop deadline (counted from the stop trigger); empty until a stop is
     * triggered} It may be zero or negative once the deadline has passed.
     */
    Optional<Duration> timeLeft();

    /** {@return why the group is stopping; empty until a stop is triggered} */
    Optional<StopCause> cause();

    /**
     * Asks the whole group to stop with the given cause, exactly like {@link ServiceGroup#requestStop}.
     *
     * @param cause why; recorded only if this is the first trigger
     * @return true if this call triggered the stop, false if a stop had already been triggered
     */
    boolean requestStop(StopCause cause);
}
