package dev.launcher.group;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Builds a {@link ServiceGroup}; {@link ServiceGroup#builder()} makes one. Not thread-safe; {@link #build()} may be
 * called more than once, unless the builder has handed out its {@link #handle()}.
 */
public final class ServiceGroupBuilder {
    final List<String> names = new ArrayList<>();
    final List<Service> services = new ArrayList<>();
    Duration shutdownTimeout = ServiceGroup.DEFAULT_SHUTDOWN_TIMEOUT;
    Duration drainDelay = Duration.ZERO;
    Duration interruptGrace = ServiceGroup.DEFAULT_INTERRUPT_GRACE;
    GroupListener listener = new GroupListener() { };
    List<List<String>> stopOrder = List.of();

    GroupHandle handle;

    ServiceGroupBuilder() {
    }

    /**
     * {@return the handle of the group this builder will build: readiness, stop trigger and stop request, for the
     * parts that need them before the group exists} The same handle on every call; once it is handed out,
     * {@link #build()} may be called only once.
     */
    public GroupHandle handle() {
        if (handle == null) {
            handle = new GroupHandle();
        }
        return handle;
    }

    /**
     * Adds a member. Its thread is named {@code name}.
     *
     * @param name    unique in the group, not blank
     * @param service what the member runs
     * @return this builder
     * @throws IllegalArgumentException if the name is blank or already taken
     */
    public ServiceGroupBuilder add(String name, Service service) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(service, "service");
        if (name.isBlank() || names.contains(name)) {
            throw new IllegalArgumentException("member name blank or taken: '" + name + "'");
        }
        names.add(name);
        services.add(service);
        return this;
    }

    /**
     * Sets the shutdown timeout: from the stop trigger to the interrupt of the stragglers. Default 5 s.
     *
     * @param timeout above zero
     * @return this builder
     * @throws IllegalArgumentException if zero or negative
     */
    public ServiceGroupBuilder shutdownTimeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("shutdown timeout must be above zero: " + timeout);
        }
        this.shutdownTimeout = timeout;
        return this;
    }

    /**
     * How long members keep running after a requested stop before they are asked to stop; counts inside the
     * shutdown timeout, so it must be shorter than it (checked by {@link #build()}). Default zero.
     *
     * @param delay zero or more
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public ServiceGroupBuilder drainDelay(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("drain delay must not be negative: " + delay);
        }
        this.drainDelay = delay;
        return this;
    }

    /**
     * Sets how long to wait for stragglers after interrupting them. Default 500 ms.
     *
     * @param grace zero or more
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public ServiceGroupBuilder interruptGrace(Duration grace) {
        if (grace.isNegative()) {
            throw new IllegalArgumentException("interrupt grace must not be negative: " + grace);
        }
        this.interruptGrace = grace;
        return this;
    }

    /**
     * Stops the members in stages instead of all at once: the members of the first stage are asked to stop;
     * once they have all ended, those of the next; members named in no stage form a last stage. Members of one
     * stage stop concurrently; every stage shares the one deadline, and at the deadline every member still
     * running — asked yet or not — is interrupted. Example: {@code stopOrder(List.of("http"), List.of("worker"))}
     * stops taking requests before the worker that consumes what they queued. Default: one stage, everyone.
     *
     * @param stages the stages, first to stop first; each a list of member names
     * @return this builder
     * @throws IllegalArgumentException if a name appears twice (checked against the members at {@link #build()})
     */
    @SafeVarargs
    public final ServiceGroupBuilder stopOrder(List<String>... stages) {
        return stopOrder(List.of(stages));
    }

    /**
     * The same as {@link #stopOrder(List[])}, with the stages as a list.
     *
     * @param stages the stages, first to stop first; each a list of member names
     * @return this builder
     * @throws IllegalArgumentException if a name appears twice
     */
    public ServiceGroupBuilder stopOrder(List<List<String>> stages) {
        List<List<String>> order = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (List<String> stage : stages) {
            for (String name : stage) {
                if (seen.contains(name)) {
                    throw new IllegalArgumentException("member named twice in the stop order: " + name);
                }
                seen.add(name);
            }
            order.add(List.copyOf(stage));
        }
        this.stopOrder = List.copyOf(order);
        return this;
    }

    /** The stages of the stop: those of the stop order, then one of every member it does not name. */
    List<List<String>> stages() {
        List<List<String>> order = new ArrayList<>(stopOrder);
        List<String> rest = new ArrayList<>(names);
        order.forEach(rest::removeAll);
        if (!rest.isEmpty()) {
            order.add(rest);
        }
        return order;
    }

    /**
     * Sets who hears the group's events.
     *
     * @param listener not null
     * @return this builder
     */
    public ServiceGroupBuilder listener(GroupListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /**
     * Builds the group.
     *
     * @return a new group in state {@link ServiceGroup.State#NEW}
     * @throws IllegalStateException if there is no member, the stop order names an unknown member, the drain
     *                               delay is not shorter than the timeout, or the handle is bound already
     */
    public ServiceGroup build() {
        if (names.isEmpty()) {
            throw new IllegalStateException("a group needs at least one member");
        }
        for (List<String> stage : stopOrder) {
            for (String name : stage) {
                if (!names.contains(name)) {
                    throw new IllegalStateException("stop order names no member: " + name);
                }
            }
        }
        if (drainDelay.compareTo(shutdownTimeout) >= 0) {
            throw new IllegalStateException("drain delay " + drainDelay + " must be shorter than the shutdown timeout "
                    + shutdownTimeout);
        }
        return new ServiceGroup(this);
    }
}
