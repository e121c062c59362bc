package dev.launcher.app;

import dev.launcher.group.GroupListener;
import dev.launcher.group.MemberResult;
import dev.launcher.group.StopCause;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Logs the group's events, one line each. */
final class GroupLog implements GroupListener {

    private final Log log;

    GroupLog(Log log) {
        this.log = log;
    }

    @Override
    public void memberStarted(String member) {
        log.event("log.member.started", member);
    }

    @Override
    public void ready(Duration startTime) {
        log.event("log.ready", startTime.toMillis());
    }

    @Override
    public void stopTriggered(StopCause cause, Duration drainDelay) {
        log.event("log.stop.triggered", Messages.cause(cause));
        if (!drainDelay.isZero()) {
            log.event("log.draining", drainDelay.toMillis());
        }
    }

    @Override
    public void stopRequested(Duration timeLeft) {
        log.event("log.stop.requested", timeLeft.toMillis());
    }

    @Override
    public void deadlinePassed(List<String> stragglers) {
        log.event("log.deadline", String.join(", ", stragglers));
    }

    @Override
    public void memberEnded(MemberResult result) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("member", result.name());
        fields.put("status", result.status().name().toLowerCase(Locale.ROOT));
        result.stopTime().ifPresent(time -> fields.put("stop_ms", time.toMillis()));
        result.error().ifPresent(error -> fields.put("error", String.valueOf(error)));
        log.eventWith(fields, "log.member.ended", Messages.memberResult(result));
    }
}
