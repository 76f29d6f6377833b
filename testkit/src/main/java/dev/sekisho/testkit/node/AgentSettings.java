package dev.sekisho.testkit.node;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What a {@link NodeAgent} was built with, shared by its pod workers. */
record AgentSettings(
    KubernetesClient client,
    String nodeName,
    Path workDir,
    String stepImagePrefix,
    List<String> launcher,
    Map<String, String> hostEnv,
    Map<String, String> serviceEnv,
    Set<String> namespaces,
    String podIp) {}
