package dev.sekisho.operator.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry credentials a pod pulls with, as the kubelet finds them: the Secrets its {@code
 * spec.imagePullSecrets} names, then those its ServiceAccount's {@code imagePullSecrets} names, in
 * the pod's namespace, of type {@code kubernetes.io/dockerconfigjson} (or the legacy {@code
 * kubernetes.io/dockercfg}); the first entry for a registry wins. Only these Secrets are read (get
 * by name, never list); a Secret that is missing or unreadable is skipped, as the kubelet skips it.
 * Never the operator's own credentials.
 */
public final class PullSecrets {
  private static final Logger LOG = LoggerFactory.getLogger(PullSecrets.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KubernetesClient client;

  public PullSecrets(KubernetesClient client) {
    this.client = client;
  }

  /** The names of the Secrets {@code pod} pulls with: its own, then its ServiceAccount's. */
  public List<String> names(Pod pod) {
    String ns = pod.getMetadata().getNamespace();
    Set<String> names = new LinkedHashSet<>();
    if (pod.getSpec() != null) {
      Stream.ofNullable(pod.getSpec().getImagePullSecrets())
          .flatMap(List::stream)
          .map(LocalObjectReference::getName)
          .forEach(names::add);
    }
    String sa =
        pod.getSpec() == null || pod.getSpec().getServiceAccountName() == null
            ? "default"
            : pod.getSpec().getServiceAccountName();
    try {
      ServiceAccount account = client.serviceAccounts().inNamespace(ns).withName(sa).get();
      if (account != null) {
        Stream.ofNullable(account.getImagePullSecrets())
            .flatMap(List::stream)
            .map(LocalObjectReference::getName)
            .forEach(names::add);
      }
    } catch (KubernetesClientException e) {
      LOG.debug("cannot read serviceaccount {}/{}: {}", ns, sa, e.getMessage());
    }
    names.remove(null);
    return new ArrayList<>(names);
  }

  /**
   * Writes the pod's registry credentials as one Docker config ({@code {"auths": …}}) readable by
   * the operator only, in {@code dir}; null when the pod has none.
   */
  public Path write(Pod pod, Path dir) throws IOException {
    String ns = pod.getMetadata().getNamespace();
    ObjectNode auths = JSON.createObjectNode();
    for (String name : names(pod)) {
      Secret secret;
      try {
        secret = client.secrets().inNamespace(ns).withName(name).get();
      } catch (KubernetesClientException e) {
        LOG.warn("cannot read pull secret namespace={} name={}: {}", ns, name, e.getMessage());
        continue;
      }
      if (secret == null || secret.getData() == null) {
        continue;
      }
      try {
        merge(auths, secret.getData());
      } catch (IOException | IllegalArgumentException e) {
        LOG.warn("unreadable pull secret namespace={} name={}: {}", ns, name, e.getMessage());
      }
    }
    if (auths.isEmpty()) {
      return null;
    }
    Path file =
        Files.createTempFile(
            dir,
            "pull-",
            ".json",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    ObjectNode config = JSON.createObjectNode();
    config.set("auths", auths);
    Files.writeString(file, JSON.writeValueAsString(config), StandardCharsets.UTF_8);
    return file;
  }

  /** Adds a pull Secret's registries to {@code auths}, keeping entries already there. */
  static void merge(ObjectNode auths, Map<String, String> data) throws IOException {
    JsonNode entries = null;
    if (data.containsKey(".dockerconfigjson")) {
      entries =
          JSON.readTree(Base64.getDecoder().decode(data.get(".dockerconfigjson"))).get("auths");
    } else if (data.containsKey(".dockercfg")) {
      entries = JSON.readTree(Base64.getDecoder().decode(data.get(".dockercfg")));
    }
    if (entries == null || !entries.isObject()) {
      return;
    }
    entries
        .properties()
        .forEach(
            e -> {
              if (!auths.has(e.getKey())) {
                auths.set(e.getKey(), e.getValue());
              }
            });
  }
}
