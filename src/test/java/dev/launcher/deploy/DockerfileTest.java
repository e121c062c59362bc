package dev.launcher.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.launcher.deploy.DeployFiles.Instruction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * deploy/Dockerfile, which cannot be built here (no Docker engine): its stages, user, port and exec-form
 * entry point read and checked against the runtime script and the Kubernetes manifest. (Linted by deploy/check.sh.)
 */
class DockerfileTest {

    private final List<Instruction> instructions = DeployFiles.dockerfile();

    /** Two stages: a JDK that runs deploy/build-runtime.sh, then a small base with no JDK. */
    @Test
    void buildsTheRuntimeInAJdkStageAndShipsItAlone() {
        List<Instruction> froms = all("FROM");
        assertEquals(2, froms.size(), "a build stage and the final stage");
        assertTrue(froms.get(0).arguments().matches("\\S*jdk\\S* AS \\w+"), froms.get(0).arguments());
        assertFalse(froms.get(1).arguments().contains("jdk"), "the final stage has no JDK");
        assertTrue(finalStage("RUN").isEmpty(), "nothing runs in the final stage (it may have no shell)");
        assertTrue(all("RUN").stream().anyMatch(run -> run.arguments().contains("deploy/build-runtime.sh")),
                "the runtime comes from deploy/build-runtime.sh");
    }

    /** The entry point is exec form, starts the copied runtime's java on the copied jar: java is PID 1. */
    @Test
    void entryPointIsExecFormOnTheRuntime() {
        List<String> entry = DeployFiles.jsonStrings(only("ENTRYPOINT").arguments());
        List<String> destinations = finalStage("COPY").stream()
                .map(copy -> copy.arguments().substring(copy.arguments().lastIndexOf(' ') + 1))
                .toList();
        String java = entry.get(0);
        assertTrue(java.endsWith("/bin/java"), java);
        assertTrue(destinations.contains(java.substring(0, java.length() - "/bin/java".length())),
                java + " is in a runtime copied into the final stage: " + destinations);
        int jar = entry.indexOf("-jar");
        assertTrue(jar > 0 && jar + 1 < entry.size(), "java ... -jar JAR");
        assertTrue(destinations.contains(entry.get(jar + 1)), entry.get(jar + 1) + " is copied into the final stage");
        DeployFiles.jsonStrings(only("CMD").arguments());
    }

    /** A numeric non-root user (so Kubernetes' runAsNonRoot can check it), the manifest's. */
    @Test
    void runsAsTheManifestsNonRootUser() {
        String user = only("USER").arguments();
        assertTrue(user.matches("\\d+(:\\d+)?"), "numeric: " + user);
        String uid = user.split(":")[0];
        assertNotEquals("0", uid);
        Object pod = Yaml.at(DeployFiles.kubernetes("Deployment"), "spec", "template", "spec");
        assertEquals(Long.valueOf(uid), Yaml.at(pod, "securityContext", "runAsUser"));
    }

    /** EXPOSE, the default --addr in CMD and the manifest's containerPort agree. */
    @Test
    void exposesTheListeningPort() {
        String port = only("EXPOSE").arguments();
        Map<String, String> flags = DeployFiles.flags(DeployFiles.jsonStrings(only("CMD").arguments()));
        assertTrue(flags.getOrDefault("--addr", ":8080").endsWith(":" + port));
        Object container = Yaml.at(DeployFiles.kubernetes("Deployment"), "spec", "template", "spec", "containers", 0);
        assertEquals(Long.valueOf(port), Yaml.at(container, "ports", 0, "containerPort"));
    }

    /** The build context sent (deploy/Dockerfile.dockerignore) holds every file the Dockerfile copies from it. */
    @Test
    void buildContextHoldsWhatIsCopied() {
        List<String> ignore = DeployFiles.read("Dockerfile.dockerignore").lines()
                .map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                .toList();
        assertEquals("*", ignore.get(0), "everything is left out but what is named");
        for (Instruction copy : all("COPY")) {
            if (copy.arguments().startsWith("--from=")) {
                continue;
            }
            String source = copy.arguments().split(" ")[0];
            assertTrue(ignore.contains("!" + source), source + " is let into the build context");
        }
    }

    private List<Instruction> all(String keyword) {
        return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
    }

    private Instruction only(String keyword) {
        List<Instruction> found = all(keyword);
        assertEquals(1, found.size(), "one " + keyword);
        return found.get(0);
    }

    /** The instructions of this kind after the last FROM. */
    private List<Instruction> finalStage(String keyword) {
        List<Instruction> found = new ArrayList<>();
        for (Instruction instruction : instructions) {
            if (instruction.keyword().equals("FROM")) {
                found.clear();
            } else if (instruction.keyword().equals(keyword)) {
                found.add(instruction);
            }
        }
        return found;
    }
}
