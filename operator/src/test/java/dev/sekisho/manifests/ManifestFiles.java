package dev.sekisho.manifests;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.sekisho.testkit.kube.SekishoCrds;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Reads the YAML documents under manifests/ and charts/, strictly. */
final class ManifestFiles {
  static final ObjectMapper YAML = new YAMLMapper();
  private static final ObjectMapper STRICT =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  private ManifestFiles() {}

  static Path root() {
    return SekishoCrds.repositoryRoot();
  }

  /** A document of a YAML file: the file, its index and its tree. */
  record Document(Path file, int index, JsonNode tree) {
    String kind() {
      return tree.path("kind").asText();
    }

    String apiVersion() {
      return tree.path("apiVersion").asText();
    }

    @Override
    public String toString() {
      return root().relativize(file) + "#" + index + " (" + kind() + ")";
    }
  }

  /** Every *.yaml under the given folders, except kustomizations and Helm templates. */
  static List<Path> yamlFiles(String... dirs) {
    List<Path> files = new ArrayList<>();
    for (String dir : dirs) {
      try (Stream<Path> walk = Files.walk(root().resolve(dir))) {
        walk.filter(p -> p.toString().endsWith(".yaml"))
            .filter(p -> !p.getFileName().toString().equals("kustomization.yaml"))
            .filter(p -> !p.toString().contains("/templates/"))
            .filter(p -> !p.getFileName().toString().equals("Chart.yaml"))
            .filter(p -> !p.getFileName().toString().equals("values.yaml"))
            .sorted()
            .forEach(files::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return files;
  }

  static List<Document> documents(Path file) {
    return documents(file, readString(file));
  }

  static List<Document> documents(Path file, String text) {
    List<Document> docs = new ArrayList<>();
    try (var parser = new YAMLFactory().createParser(text)) {
      int i = 0;
      for (var it = YAML.readValues(parser, JsonNode.class); it.hasNext(); i++) {
        JsonNode tree = it.next();
        if (tree != null && !tree.isNull() && !tree.isEmpty()) {
          docs.add(new Document(file, i, tree));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot parse " + file, e);
    }
    return docs;
  }

  static String readString(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Parses a document into its typed model and returns the unknown fields it had (empty when the
   * model knows every field). Sekisho's own kinds are read with unknown fields failing outright;
   * Kubernetes and Tekton kinds through fabric8's models, whose unknown fields end up in
   * additionalProperties maps.
   */
  static List<String> unknownFields(Document doc) throws IOException {
    if (doc.apiVersion().startsWith("sekisho.dev/")) {
      Class<?> type =
          switch (doc.kind()) {
            case "ScanPolicy" -> dev.sekisho.api.v1alpha1.ScanPolicy.class;
            case "ClusterScanPolicy" -> dev.sekisho.api.v1alpha1.ClusterScanPolicy.class;
            case "ScanResult" -> dev.sekisho.api.v1alpha1.ScanResult.class;
            case "ScanNotifier" -> dev.sekisho.api.v1alpha1.ScanNotifier.class;
            default -> throw new IllegalArgumentException("unknown Sekisho kind in " + doc);
          };
      STRICT.treeToValue(doc.tree(), type);
      return List.of();
    }
    KubernetesResource parsed = Serialization.unmarshal(STRICT.writeValueAsString(doc.tree()));
    if (!(parsed instanceof HasMetadata typed) || typed.getClass().getName().contains("Generic")) {
      throw new IllegalArgumentException(doc + " has no typed model (kind not recognised)");
    }
    List<String> unknown = new ArrayList<>();
    collectUnknown(parsed, doc.kind(), unknown, new IdentityHashMap<>());
    return unknown;
  }

  private static void collectUnknown(
      Object value, String path, List<String> unknown, Map<Object, Boolean> seen) {
    if (value == null || seen.put(value, true) != null) {
      return;
    }
    if (value instanceof Collection<?> c) {
      int i = 0;
      for (Object o : c) {
        collectUnknown(o, path + "[" + i++ + "]", unknown, seen);
      }
      return;
    }
    if (value instanceof Map<?, ?> m) {
      m.forEach((k, v) -> collectUnknown(v, path + "." + k, unknown, seen));
      return;
    }
    if (!value.getClass().getName().startsWith("io.fabric8.")) {
      return;
    }
    for (Method method : value.getClass().getMethods()) {
      if (method.getParameterCount() != 0
          || Modifier.isStatic(method.getModifiers())
          || !method.getName().startsWith("get")
          || method.getDeclaringClass() == Object.class) {
        continue;
      }
      Object child;
      try {
        child = method.invoke(value);
      } catch (ReflectiveOperationException | RuntimeException e) {
        continue;
      }
      if (method.getName().equals("getAdditionalProperties")) {
        if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
          extra.keySet().forEach(k -> unknown.add(path + "." + k));
        }
        continue;
      }
      String field =
          Character.toLowerCase(method.getName().charAt(3)) + method.getName().substring(4);
      collectUnknown(child, path + "." + field, unknown, seen);
    }
  }
}
