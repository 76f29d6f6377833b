package dev.sekisho.testkit.node;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.DownwardAPIVolumeFile;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccountTokenProjection;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pod's directory on the host, standing in for its volumes and its containers' file systems:
 *
 * <pre>
 * SANDBOX/volumes/VOLUME/...          one directory per pod volume
 * SANDBOX/containers/NAME/rootfs/...  paths of the container under no mount
 * SANDBOX/containers/NAME/output.log  its stdout and stderr
 * </pre>
 *
 * Volumes: {@code emptyDir} (a directory), {@code configMap} and {@code secret} (their keys as
 * files, {@code items} and {@code optional} honoured), {@code downwardAPI} (rewritten whenever the
 * pod changes, as the kubelet refreshes it: this is how Tekton's {@code tekton.dev/ready}
 * annotation reaches {@code /tekton/downward/ready}), and {@code projected} volumes of those plus
 * {@code serviceAccountToken} (a real token from the TokenRequest API, bound to the pod, like the
 * kubelet requests). Other volume types are refused by {@link #unsupported(Pod)}.
 */
final class PodSandbox {
  static final String KUBE_ROOT_CA = "kube-root-ca.crt";

  private final KubernetesClient client;
  private final Path dir;
  private final String podIp;
  private final Map<Path, String> downwardFiles = new LinkedHashMap<>(); // file -> fieldPath
  private final Map<Path, String> written = new LinkedHashMap<>();

  PodSandbox(KubernetesClient client, Path dir, String podIp) {
    this.client = client;
    this.dir = dir;
    this.podIp = podIp;
  }

  Path dir() {
    return dir;
  }

  Path volumeDir(String volume) {
    return dir.resolve("volumes").resolve(volume);
  }

  Path containerDir(String container) {
    return dir.resolve("containers").resolve(container);
  }

  /** Why the agent cannot run {@code pod}'s volumes, one line per volume; empty when it can. */
  static List<String> unsupported(Pod pod) {
    List<String> why = new ArrayList<>();
    for (Volume v : nullToEmpty(pod.getSpec().getVolumes())) {
      if (v.getEmptyDir() != null
          || v.getConfigMap() != null
          || v.getSecret() != null
          || v.getDownwardAPI() != null) {
        continue;
      }
      if (v.getProjected() != null) {
        for (VolumeProjection p : nullToEmpty(v.getProjected().getSources())) {
          if (p.getServiceAccountToken() == null
              && p.getConfigMap() == null
              && p.getSecret() == null
              && p.getDownwardAPI() == null) {
            why.add("volume " + v.getName() + ": unsupported projected source");
          }
        }
        continue;
      }
      why.add(
          "volume "
              + v.getName()
              + ": only emptyDir, configMap, secret, downwardAPI and"
              + " projected volumes are emulated");
    }
    return why;
  }

  /**
   * Creates every volume's content.
   *
   * @throws IOException naming the volume, when a required ConfigMap or Secret is missing or a file
   *     cannot be written (the kubelet would keep the pod in ContainerCreating and retry)
   */
  void prepare(Pod pod) throws IOException {
    Files.createDirectories(dir.resolve("volumes"));
    for (Volume v : nullToEmpty(pod.getSpec().getVolumes())) {
      Path vd = volumeDir(v.getName());
      Files.createDirectories(vd);
      try {
        if (v.getConfigMap() != null) {
          var s = v.getConfigMap();
          writeConfigMap(pod, vd, s.getName(), s.getItems(), s.getOptional(), s.getDefaultMode());
        } else if (v.getSecret() != null) {
          var s = v.getSecret();
          writeSecret(
              pod, vd, s.getSecretName(), s.getItems(), s.getOptional(), s.getDefaultMode());
        } else if (v.getDownwardAPI() != null) {
          registerDownward(vd, v.getDownwardAPI().getItems());
        } else if (v.getProjected() != null) {
          Integer mode = v.getProjected().getDefaultMode();
          for (VolumeProjection p : nullToEmpty(v.getProjected().getSources())) {
            if (p.getServiceAccountToken() != null) {
              writeToken(pod, vd, p.getServiceAccountToken(), mode);
            } else if (p.getConfigMap() != null) {
              var s = p.getConfigMap();
              writeConfigMap(pod, vd, s.getName(), s.getItems(), s.getOptional(), mode);
            } else if (p.getSecret() != null) {
              var s = p.getSecret();
              writeSecret(pod, vd, s.getName(), s.getItems(), s.getOptional(), mode);
            } else if (p.getDownwardAPI() != null) {
              registerDownward(vd, p.getDownwardAPI().getItems());
            }
          }
        }
      } catch (IOException | RuntimeException e) {
        throw new IOException(
            "MountVolume.SetUp failed for volume \"" + v.getName() + "\": " + e.getMessage(), e);
      }
    }
    try {
      refreshDownward(pod);
    } catch (IllegalArgumentException e) {
      throw new IOException(
          "MountVolume.SetUp failed for a downwardAPI volume: " + e.getMessage(), e);
    }
  }

  /** Rewrites the downwardAPI files whose value changed (atomically, as the kubelet does). */
  synchronized void refreshDownward(Pod pod) throws IOException {
    for (Map.Entry<Path, String> e : downwardFiles.entrySet()) {
      String value = PodFields.value(pod, e.getValue(), podIp);
      if (!value.equals(written.get(e.getKey()))) {
        writeAtomically(e.getKey(), value.getBytes(StandardCharsets.UTF_8));
        written.put(e.getKey(), value);
      }
    }
  }

  /** The container's view: its volume mounts plus its termination message file. */
  PathMapper mapper(Container c) throws IOException {
    Map<String, Path> mounts = new LinkedHashMap<>();
    for (VolumeMount m : nullToEmpty(c.getVolumeMounts())) {
      Path host = volumeDir(m.getName());
      String sub = m.getSubPath() != null && !m.getSubPath().isEmpty() ? m.getSubPath() : null;
      if (sub != null) {
        host = host.resolve(sub);
        if (!Files.exists(host)) {
          Files.createDirectories(host);
        }
      }
      mounts.put(m.getMountPath(), host);
    }
    Path rootfs = containerDir(c.getName()).resolve("rootfs");
    Files.createDirectories(rootfs);
    String tmp =
        c.getTerminationMessagePath() == null || c.getTerminationMessagePath().isEmpty()
            ? "/dev/termination-log"
            : c.getTerminationMessagePath();
    PathMapper withoutTermination = new PathMapper(mounts, rootfs);
    if (!withoutTermination.isMounted(tmp)) {
      mounts.put(tmp, withoutTermination.resolve(tmp));
    }
    return new PathMapper(mounts, rootfs);
  }

  private void registerDownward(Path vd, List<DownwardAPIVolumeFile> items) {
    for (DownwardAPIVolumeFile f : nullToEmpty(items)) {
      if (f.getFieldRef() == null) {
        throw new IllegalArgumentException(
            "downwardAPI item " + f.getPath() + ": only fieldRef is emulated");
      }
      downwardFiles.put(vd.resolve(f.getPath()), f.getFieldRef().getFieldPath());
    }
  }

  private void writeConfigMap(
      Pod pod, Path vd, String name, List<KeyToPath> items, Boolean optional, Integer mode)
      throws IOException {
    String ns = pod.getMetadata().getNamespace();
    ConfigMap cm = client.configMaps().inNamespace(ns).withName(name).get();
    Map<String, byte[]> data = new LinkedHashMap<>();
    if (cm == null && KUBE_ROOT_CA.equals(name)) {
      // published by kube-controller-manager, which this test cluster does not run: use the CA
      // the agent trusts for the API server
      data.put("ca.crt", apiServerCa());
    } else if (cm == null) {
      if (Boolean.TRUE.equals(optional)) {
        return;
      }
      throw new IOException("configmap \"" + name + "\" not found");
    } else {
      nullToEmptyMap(cm.getData())
          .forEach((k, v) -> data.put(k, v.getBytes(StandardCharsets.UTF_8)));
      nullToEmptyMap(cm.getBinaryData())
          .forEach((k, v) -> data.put(k, Base64.getDecoder().decode(v)));
    }
    writeKeys(vd, "configmap", name, data, items, optional, mode);
  }

  private void writeSecret(
      Pod pod, Path vd, String name, List<KeyToPath> items, Boolean optional, Integer mode)
      throws IOException {
    String ns = pod.getMetadata().getNamespace();
    Secret secret = client.secrets().inNamespace(ns).withName(name).get();
    if (secret == null) {
      if (Boolean.TRUE.equals(optional)) {
        return;
      }
      throw new IOException("secret \"" + name + "\" not found");
    }
    Map<String, byte[]> data = new LinkedHashMap<>();
    nullToEmptyMap(secret.getData()).forEach((k, v) -> data.put(k, Base64.getDecoder().decode(v)));
    nullToEmptyMap(secret.getStringData())
        .forEach((k, v) -> data.put(k, v.getBytes(StandardCharsets.UTF_8)));
    writeKeys(vd, "secret", name, data, items, optional, mode);
  }

  private static void writeKeys(
      Path vd,
      String kind,
      String name,
      Map<String, byte[]> data,
      List<KeyToPath> items,
      Boolean optional,
      Integer defaultMode)
      throws IOException {
    if (items == null || items.isEmpty()) {
      for (Map.Entry<String, byte[]> e : data.entrySet()) {
        writeFile(vd.resolve(e.getKey()), e.getValue(), defaultMode);
      }
      return;
    }
    for (KeyToPath item : items) {
      byte[] value = data.get(item.getKey());
      if (value == null) {
        if (Boolean.TRUE.equals(optional)) {
          continue;
        }
        throw new IOException(
            "configmap".equals(kind)
                ? "configmap references non-existent config key: " + item.getKey()
                : "references non-existent secret key: " + item.getKey());
      }
      writeFile(
          vd.resolve(item.getPath()), value, item.getMode() != null ? item.getMode() : defaultMode);
    }
  }

  private void writeToken(Pod pod, Path vd, ServiceAccountTokenProjection p, Integer mode)
      throws IOException {
    String ns = pod.getMetadata().getNamespace();
    String sa =
        pod.getSpec().getServiceAccountName() == null
                || pod.getSpec().getServiceAccountName().isEmpty()
            ? "default"
            : pod.getSpec().getServiceAccountName();
    TokenRequest request =
        new TokenRequestBuilder()
            .withNewSpec()
            .withAudiences(
                p.getAudience() == null || p.getAudience().isEmpty()
                    ? List.of()
                    : List.of(p.getAudience()))
            .withExpirationSeconds(
                p.getExpirationSeconds() != null ? p.getExpirationSeconds() : 3607L)
            .withNewBoundObjectRef()
            .withApiVersion("v1")
            .withKind("Pod")
            .withName(pod.getMetadata().getName())
            .withUid(pod.getMetadata().getUid())
            .endBoundObjectRef()
            .endSpec()
            .build();
    TokenRequest answer =
        client.serviceAccounts().inNamespace(ns).withName(sa).tokenRequest(request);
    if (answer == null || answer.getStatus() == null || answer.getStatus().getToken() == null) {
      throw new IOException("TokenRequest for serviceaccount " + ns + "/" + sa + " gave no token");
    }
    writeFile(
        vd.resolve(p.getPath()),
        answer.getStatus().getToken().getBytes(StandardCharsets.UTF_8),
        mode);
  }

  private byte[] apiServerCa() throws IOException {
    var config = client.getConfiguration();
    if (config.getCaCertData() != null && !config.getCaCertData().isEmpty()) {
      return Base64.getMimeDecoder().decode(config.getCaCertData());
    }
    if (config.getCaCertFile() != null && !config.getCaCertFile().isEmpty()) {
      return Files.readAllBytes(Path.of(config.getCaCertFile()));
    }
    throw new IOException(
        "configmap \"" + KUBE_ROOT_CA + "\" not found and the agent's client has no CA either");
  }

  private static void writeFile(Path file, byte[] content, Integer mode) throws IOException {
    Files.createDirectories(file.getParent());
    Files.write(file, content);
    setMode(file, mode != null ? mode : 0644);
  }

  private static void writeAtomically(Path file, byte[] content) throws IOException {
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
    Files.write(tmp, content);
    setMode(tmp, 0644);
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  static void setMode(Path file, int mode) throws IOException {
    Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] order = {
      PosixFilePermission.OTHERS_EXECUTE,
      PosixFilePermission.OTHERS_WRITE,
      PosixFilePermission.OTHERS_READ,
      PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.GROUP_WRITE,
      PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE,
      PosixFilePermission.OWNER_WRITE,
      PosixFilePermission.OWNER_READ
    };
    for (int bit = 0; bit < order.length; bit++) {
      if ((mode & (1 << bit)) != 0) {
        perms.add(order[bit]);
      }
    }
    perms.add(PosixFilePermission.OWNER_READ); // the agent must read back what it wrote
    perms.add(PosixFilePermission.OWNER_WRITE);
    Files.setPosixFilePermissions(file, perms);
  }

  private static <T> List<T> nullToEmpty(List<T> l) {
    return l == null ? List.of() : l;
  }

  private static Map<String, String> nullToEmptyMap(Map<String, String> m) {
    return m == null ? Map.of() : m;
  }
}
