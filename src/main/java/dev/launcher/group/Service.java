package dev.launcher.group;

/**
 * A member of a {@link ServiceGroup}: one unit of work that runs on its own thread until it is done or is asked
 * to stop.
 *
 * <p>Contract with the group:
 * <ul>
 *   <li>{@link #run} is called exactly once, on a thread the group creates and names after the member.</li>
 *   <li>The member calls {@link ServiceContext#started()} once it is able to do its work (a server once it is
 *       bound). The group is ready when every member has done so.</li>
 *   <li>Returning from {@code run} — normally or by throwing — ends the member, and the first member to end
 *       stops the whole group (see {@link ServiceGroup} for the stop sequence).</li>
 *   <li>Once {@link ServiceContext#isStopRequested()} is true the member should finish the work it has in hand,
 *       start nothing new and return within {@link ServiceContext#timeLeft()}. A member still running at the
 *       deadline is interrupted; one still running a short grace after that is abandoned.</li>
 * </ul>
 */
@FunctionalInterface
public interface Service {

    /**
     * Runs this member until it is done or asked to stop.
     *
     * @param context this member's view of the group: start-up report, stop request, time left; never null
     * @throws Exception any failure; it ends the member as {@link MemberResult.Status#FAILED} and, if it is the
     *                   first event of the group, becomes the group's stop cause
     */
    void run(ServiceContext context) throws Exception;
}
