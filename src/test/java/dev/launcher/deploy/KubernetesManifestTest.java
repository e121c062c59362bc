package dev.launcher.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * deploy/kubernetes.yaml against the launcher's stop sequence: probes on the right paths and port, a drain delay
 * instead of a preStop hook, and a termination grace period the stop fits in. (Its schema is checked by
 * deploy/check.sh; that its flags exist and work, by {@link DeployFlagsIT}.)
 */
class KubernetesManifestTest {

    private final Map<String, Object> deployment = DeployFiles.kubernetes("Deployment");
    private final Map<String, Object> service = DeployFiles.kubernetes("Service");
    private final Object pod = Yaml.at(deployment, "spec", "template", "spec");
    private final Object container = Yaml.at(pod, "containers", 0);

    /** The manifest holds exactly a Deployment and a Service, of the stable API versions. */
    @Test
    void holdsADeploymentAndAService() {
        List<Object> documents = DeployFiles.kubernetes();
        assertEquals(2, documents.size());
        assertEquals("apps/v1", Yaml.at(deployment, "apiVersion"));
        assertEquals("v1", Yaml.at(service, "apiVersion"));
        assertEquals(1, ((List<?>) Yaml.at(pod, "containers")).size(), "one container: the launcher");
    }

    /** Liveness on /healthz, readiness on /readyz, both on the port the launcher listens on. */
    @Test
    void probesUseHealthzAndReadyzOnTheListeningPort() {
        int port = listeningPort();
        assertEquals("/healthz", Yaml.at(container, "livenessProbe", "httpGet", "path"));
        assertEquals("/readyz", Yaml.at(container, "readinessProbe", "httpGet", "path"));
        assertEquals(port, probePort("livenessProbe"));
        assertEquals(port, probePort("readinessProbe"));
        if (Yaml.at(container, "startupProbe") != null) {
            assertEquals("/healthz", Yaml.at(container, "startupProbe", "httpGet", "path"));
            assertEquals(port, probePort("startupProbe"));
        }
    }

    /** The stop fits in the grace period: drain delay + shutdown timeout + the interrupt grace + 1 s < grace. */
    @Test
    void terminationGracePeriodCoversTheWholeStop() {
        Map<String, String> flags = flags();
        Duration timeout = flags.containsKey("--shutdown-timeout")
                ? DeployFiles.goDuration(flags.get("--shutdown-timeout")) : DeployFiles.DEFAULT_SHUTDOWN_TIMEOUT;
        Duration drain = flags.containsKey("--drain-delay")
                ? DeployFiles.goDuration(flags.get("--drain-delay")) : DeployFiles.DEFAULT_DRAIN_DELAY;
        Object grace = Yaml.at(pod, "terminationGracePeriodSeconds");
        assertInstanceOf(Long.class, grace, "terminationGracePeriodSeconds must be set (the default is 30)");
        Duration needed = drain.plus(timeout).plus(DeployFiles.INTERRUPT_GRACE).plusSeconds(1);
        assertTrue(Duration.ofSeconds((Long) grace).compareTo(needed) > 0,
                "terminationGracePeriodSeconds " + grace + " s must exceed drain " + drain + " + timeout " + timeout
                        + " + grace 0.5 s + 1 s for the JVM's exit");
        assertTrue(drain.compareTo(timeout) < 0, "the drain delay counts inside the shutdown timeout");
    }

    /** The drain delay replaces a preStop sleep: it is set, and no lifecycle hook needs a shell in the image. */
    @Test
    void drainsWithTheDrainDelayNotAPreStopHook() {
        Duration drain = DeployFiles.goDuration(flags().getOrDefault("--drain-delay", "0s"));
        assertTrue(drain.compareTo(Duration.ZERO) > 0, "a drain delay gives endpoints time to drop the pod");
        assertNull(Yaml.at(container, "lifecycle"), "no preStop hook: the launcher drains by itself");
    }

    /** Non-root, read-only root file system with a writable /tmp for the JVM, no capabilities, no escalation. */
    @Test
    void runsLockedDown() {
        Object podSecurity = Yaml.at(pod, "securityContext");
        Object security = Yaml.at(container, "securityContext");
        assertTrue(Boolean.TRUE.equals(Yaml.at(security, "runAsNonRoot"))
                || Boolean.TRUE.equals(Yaml.at(podSecurity, "runAsNonRoot")));
        assertEquals(Boolean.TRUE, Yaml.at(security, "readOnlyRootFilesystem"));
        assertEquals(Boolean.FALSE, Yaml.at(security, "allowPrivilegeEscalation"));
        assertEquals(List.of("ALL"), Yaml.at(security, "capabilities", "drop"));
        assertEquals("RuntimeDefault", Yaml.at(podSecurity, "seccompProfile", "type"));
        Object uid = Yaml.at(podSecurity, "runAsUser");
        assertTrue(uid instanceof Long id && id > 0, "a numeric non-root user, as the image's");
        List<?> mounts = (List<?>) Yaml.at(container, "volumeMounts");
        assertNotNull(mounts, "a writable /tmp for the JVM");
        assertTrue(mounts.stream().anyMatch(mount -> "/tmp".equals(Yaml.at(mount, "mountPath"))));
        assertEquals(Boolean.FALSE, Yaml.at(pod, "enableServiceLinks"),
                "Service links would put LAUNCHER_* variables (the launcher's own namespace) in the environment");
    }

    /** Requests and a memory limit, so the JVM sizes its heap from the container's limit. */
    @Test
    void hasResources() {
        assertNotNull(Yaml.at(container, "resources", "requests", "cpu"));
        assertNotNull(Yaml.at(container, "resources", "requests", "memory"));
        assertNotNull(Yaml.at(container, "resources", "limits", "memory"));
    }

    /** The Service selects the pods and targets the port the launcher listens on. */
    @Test
    void serviceReachesTheLauncher() {
        Map<?, ?> selector = (Map<?, ?>) Yaml.at(service, "spec", "selector");
        Map<?, ?> labels = (Map<?, ?>) Yaml.at(deployment, "spec", "template", "metadata", "labels");
        assertFalse(selector.isEmpty());
        assertTrue(labels.entrySet().containsAll(selector.entrySet()), "Service selector " + selector);
        assertEquals(Yaml.at(deployment, "spec", "selector", "matchLabels"), selector);
        assertEquals(listeningPort(), resolvePort(Yaml.at(service, "spec", "ports", 0, "targetPort")));
    }

    /** The image is the one deploy/Dockerfile documents building. */
    @Test
    void imageIsTheDockerfilesTag() {
        Matcher tag = Pattern.compile("docker build -f deploy/Dockerfile -t (\\S+) \\.")
                .matcher(DeployFiles.read("Dockerfile"));
        assertTrue(tag.find(), "deploy/Dockerfile documents its docker build command");
        assertEquals(tag.group(1), Yaml.at(container, "image"));
    }

    private Map<String, String> flags() {
        List<?> args = (List<?>) Yaml.at(container, "args");
        assertNotNull(args, "the container sets the launcher's flags in args");
        return DeployFiles.flags(args.stream().map(String::valueOf).toList());
    }

    /** The port of --addr, which must be a declared container port. */
    private int listeningPort() {
        String addr = flags().getOrDefault("--addr", ":8080");
        int port = Integer.parseInt(addr.substring(addr.lastIndexOf(':') + 1));
        List<?> ports = (List<?>) Yaml.at(container, "ports");
        assertTrue(ports.stream().anyMatch(p -> Long.valueOf(port).equals(Yaml.at(p, "containerPort"))),
                "--addr port " + port + " is a containerPort");
        return port;
    }

    private int probePort(String probe) {
        return resolvePort(Yaml.at(container, probe, "httpGet", "port"));
    }

    /** A port number, or a container port's name resolved to its number. */
    private int resolvePort(Object port) {
        if (port instanceof Long number) {
            return number.intValue();
        }
        for (Object declared : (List<?>) Yaml.at(container, "ports")) {
            if (port.equals(Yaml.at(declared, "name"))) {
                return ((Long) Yaml.at(declared, "containerPort")).intValue();
            }
        }
        throw new AssertionError("no container port named " + port);
    }
}
