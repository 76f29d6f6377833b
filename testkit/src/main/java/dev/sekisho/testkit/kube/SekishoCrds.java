package dev.sekisho.testkit.kube;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** The project's CustomResourceDefinitions as committed in {@code manifests/crds/}. */
public final class SekishoCrds {
  private static final long ESTABLISH_TIMEOUT_SECONDS = 60;

  private SekishoCrds() {}

  /**
   * The repository root: the nearest directory at or above the working directory that holds {@code
   * mvnw} (Maven runs tests in the module directory).
   */
  public static Path repositoryRoot() {
    Path start = Path.of("").toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("mvnw"))) {
        return dir;
      }
    }
    throw new IllegalStateException(
        "cannot find the repository root (a directory with mvnw) at or above " + start);
  }

  /** The directory with the committed CRD YAML, {@code manifests/crds}. */
  public static Path directory() {
    return repositoryRoot().resolve("manifests").resolve("crds");
  }

  /** Reads every {@code *.sekisho.dev.yaml} CRD in {@link #directory()}, sorted by file name. */
  public static List<CustomResourceDefinition> load() {
    Path dir = directory();
    List<CustomResourceDefinition> crds = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file :
          files.filter(f -> f.toString().endsWith(".sekisho.dev.yaml")).sorted().toList()) {
        try (InputStream in = Files.newInputStream(file)) {
          crds.add(Serialization.unmarshal(in, CustomResourceDefinition.class));
        } catch (RuntimeException e) {
          throw new IllegalStateException("cannot read the CRD " + file + ": " + e.getMessage(), e);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the CRDs in " + dir, e);
    }
    if (crds.isEmpty()) {
      throw new IllegalStateException("no CRDs (*.yaml) in " + dir);
    }
    return crds;
  }

  /**
   * Applies the CRDs with server-side apply and waits until each is Established (served).
   *
   * @return the CRDs as the API server stored them
   */
  public static List<CustomResourceDefinition> apply(KubernetesClient client) {
    List<CustomResourceDefinition> applied = new ArrayList<>();
    for (CustomResourceDefinition crd : load()) {
      client.resource(crd).fieldManager("sekisho-testkit").forceConflicts().serverSideApply();
    }
    for (CustomResourceDefinition crd : load()) {
      String name = crd.getMetadata().getName();
      applied.add(
          client
              .apiextensions()
              .v1()
              .customResourceDefinitions()
              .withName(name)
              .waitUntilCondition(
                  SekishoCrds::established, ESTABLISH_TIMEOUT_SECONDS, TimeUnit.SECONDS));
    }
    return applied;
  }

  /**
   * Whether a CRD is served: its {@code Established} condition is true. False while the CRD, its
   * status or its conditions are not there yet (they appear a moment after creation).
   */
  public static boolean established(CustomResourceDefinition crd) {
    if (crd == null || crd.getStatus() == null || crd.getStatus().getConditions() == null) {
      return false;
    }
    for (CustomResourceDefinitionCondition c : crd.getStatus().getConditions()) {
      if ("Established".equals(c.getType()) && "True".equals(c.getStatus())) {
        return true;
      }
    }
    return false;
  }
}
