package dev.launcher.group;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The result of {@link ServiceGroup#run()}: why the group stopped, how each member ended, and how long the stop
 * took.
 *
 * @param cause    the first trigger of the stop
 * @param members  every member's result by name, in the order the members were added (an unmodifiable copy)
 * @param stopTime the time from the stop trigger until the last member ended or was abandoned
 * @param timeout  the shutdown timeout the group ran with
 */
public record Outcome(StopCause cause, Map<String, MemberResult> members, Duration stopTime, Duration timeout) {

    /** The message of the exception {@link #failure()} builds, before the cause. */
    public static final String FAILURE_PREFIX = "group stopped: ";

    /**
     * Checks that no part is null and copies the members, keeping their order.
     *
     * @param cause    the first trigger of the stop
     * @param members  every member's result by name, in the order the members were added
     * @param stopTime the time from the stop trigger until the last member ended or was abandoned
     * @param timeout  the shutdown timeout the group ran with
     */
    public Outcome {
        Objects.requireNonNull(cause, "cause");
        Objects.requireNonNull(stopTime, "stopTime");
        Objects.requireNonNull(timeout, "timeout");
        members = Collections.unmodifiableMap(new LinkedHashMap<>(members));
    }

    /** An outcome with the results keyed by their names, in order. */
    static Outcome of(StopCause cause, List<MemberResult> results, Duration stopTime, Duration timeout) {
        Map<String, MemberResult> byName = new LinkedHashMap<>();
        results.forEach(result -> byName.put(result.name(), result));
        return new Outcome(cause, byName, stopTime, timeout);
    }

    /**
     * {@return one member's result}
     *
     * @param name the member's name
     * @throws IllegalArgumentException if the group has no member of that name
     */
    public MemberResult member(String name) {
        MemberResult result = members.get(name);
        if (result == null) {
            throw new IllegalArgumentException("no member named " + name);
        }
        return result;
    }

    /** {@return true if any member failed: the cause, or a member that threw while stopping} */
    public boolean hasFailure() {
        return cause.isFailure() || !membersWith(MemberResult.Status.FAILED).isEmpty();
    }

    /** {@return true if any member was still running at the deadline} */
    public boolean missedDeadline() {
        return members.values().stream().anyMatch(m -> m.status().missedDeadline());
    }

    /**
     * {@return the names of the members with the given status, in the order they were added}
     *
     * @param status the status to look for
     */
    public List<String> membersWith(MemberResult.Status status) {
        return members.values().stream().filter(m -> m.status() == status).map(MemberResult::name).toList();
    }

    /**
     * {@return the failure to report: the cause's error if a member failed first, else the first member error,
     * with every other member error attached as suppressed; empty when no member threw} Each call builds a new
     * exception.
     */
    public Optional<Exception> failure() {
        List<Throwable> errors = new ArrayList<>();
        cause.error().ifPresent(errors::add);
        for (MemberResult member : members.values()) {
            member.error().filter(e -> !errors.contains(e)).ifPresent(errors::add);
        }
        if (errors.isEmpty()) {
            return Optional.empty();
        }
        Exception report = new Exception(FAILURE_PREFIX + cause, errors.get(0));
        errors.stream().skip(1).forEach(report::addSuppressed);
        return Optional.of(report);
    }

    /** {@return {@code cause=... stopTime=N ms members=[...]}} */
    @Override
    public String toString() {
        return "cause=" + cause + " stopTime=" + stopTime.toMillis() + " ms members=" + members.values();
    }
}
