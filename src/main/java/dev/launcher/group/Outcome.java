package dev.launcher.group;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The result of {@link ServiceGroup#run()}: why the group stopped, how each member ended, and how long the stop
 * took. Immutable.
 */
public final class Outcome {

    private final StopCause cause;
    private final Map<String, MemberResult> members;
    private final Duration stopTime;
    private final Duration timeout;

    Outcome(StopCause cause, List<MemberResult> results, Duration stopTime, Duration timeout) {
        this.cause = cause;
        Map<String, MemberResult> byName = new LinkedHashMap<>();
        for (MemberResult result : results) {
            byName.put(result.name(), result);
        }
        this.members = Collections.unmodifiableMap(byName);
        this.stopTime = stopTime;
        this.timeout = timeout;
    }

    /** {@return the first trigger of the stop; never null} */
    public StopCause cause() {
        return cause;
    }

    /** {@return every member's result, in the order the members were added} */
    public Map<String, MemberResult> members() {
        return members;
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

    /** {@return the time from the stop trigger until the last member ended or was abandoned} */
    public Duration stopTime() {
        return stopTime;
    }

    /** {@return the shutdown timeout the group ran with} */
    public Duration timeout() {
        return timeout;
    }

    /** {@return true if any member failed: the cause, or a member that threw while stopping} */
    public boolean hasFailure() {
        return cause.isFailure() || members.values().stream().anyMatch(m -> m.status() == MemberResult.Status.FAILED);
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
        return members.values().stream().filter(m -> m.status() == status).map(MemberResult::name)
                .collect(Collectors.toUnmodifiableList());
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
        Exception report = new Exception("group stopped: " + cause, errors.get(0));
        errors.stream().skip(1).forEach(report::addSuppressed);
        return Optional.of(report);
    }

    @Override
    public String toString() {
        return "cause=" + cause + " stopTime=" + stopTime.toMillis() + "ms members=" + members.values();
    }
}
