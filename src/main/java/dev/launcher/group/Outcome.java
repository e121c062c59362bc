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

    /** The first trigger of the stop; never null. */
    public StopCause cause() {
        return cause;
    }

    /** Every member's result, in the order the members were added. */
    public Map<String, MemberResult> members() {
        return members;
    }

    /** One member's result. */
    public MemberResult member(String name) {
        MemberResult result = members.get(name);
        if (result == null) {
            throw new IllegalArgumentException("no member named " + name);
        }
        return result;
    }

    /** From the stop trigger until the last member ended or was abandoned. */
    public Duration stopTime() {
        return stopTime;
    }

    /** The shutdown timeout the group ran with. */
    public Duration timeout() {
        return timeout;
    }

    /** True if any member failed: the cause, or a member that threw while stopping. */
    public boolean hasFailure() {
        return cause.isFailure() || members.values().stream().anyMatch(m -> m.status() == MemberResult.Status.FAILED);
    }

    /** True if any member was still running at the deadline. */
    public boolean missedDeadline() {
        return members.values().stream().anyMatch(m -> m.status().missedDeadline());
    }

    /** The names of the members with the given status, in order. */
    public List<String> membersWith(MemberResult.Status status) {
        return members.values().stream().filter(m -> m.status() == status).map(MemberResult::name)
                .collect(Collectors.toUnmodifiableList());
    }

    /**
     * The failure to report: the cause's error if a member failed first, else the first member error; every other
     * member error is attached to it as suppressed. Empty when no member threw. Each call builds a new exception.
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
