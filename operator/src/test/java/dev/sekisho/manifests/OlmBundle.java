package dev.sekisho.manifests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Writes the OLM bundle (registry+v1, OperatorHub layout) from the same sources as the Helm chart:
 * the chart rendered with its defaults and admission.enabled=true gives the Deployment, the
 * operator's cluster and namespace rules, the Service and the aggregated ClusterRoles; {@code
 * manifests/crds} gives the CRDs (copied byte for byte) and each descriptor's description; {@code
 * manifests/examples} gives alm-examples; {@code hack/olm-bundle/csv-template.yaml} gives the
 * prose. A pure function of those inputs: the same inputs give the same bytes, so a drift test can
 * compare the committed bundle with it.
 */
final class OlmBundle {
  static final String PACKAGE = "sekisho-operator";
  static final String CHANNEL = "alpha";
  static final String SERVICE_ACCOUNT = "sekisho-operator";

  /**
   * Chart objects a registry+v1 bundle cannot carry (OLM refuses unknown kinds), each with where
   * the admin gets it instead (docs/admin-guide.md, "OperatorHub / OLM").
   */
  static final Map<String, String> NOT_IN_BUNDLE =
      Map.of(
          "PersistentVolumeClaim", "created by the admin before subscribing",
          "NetworkPolicy", "applied by the admin from manifests/operator/base/networkpolicy.yaml",
          "ServiceAccount", "created by OLM from the deployment's serviceAccountName",
          "ClusterRoleBinding", "created by OLM from clusterPermissions",
          "RoleBinding", "created by OLM from permissions");

  private static final ObjectMapper YAML =
      YAMLMapper.builder()
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
          .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
          .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
          .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
          .disable(YAMLGenerator.Feature.SPLIT_LINES)
          .build();
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  private OlmBundle() {}

  /**
   * The bundle's files, keyed by path relative to the repository root: everything under {@code
   * bundle/} plus {@code bundle.Dockerfile}.
   *
   * @param root repository root
   * @param rendered the documents of {@code helm template sekisho charts/sekisho} (defaults,
   *     admission.enabled=true)
   */
  static Map<String, String> generate(Path root, List<JsonNode> rendered) throws IOException {
    JsonNode chart =
        ManifestFiles.YAML.readTree(root.resolve("charts/sekisho/Chart.yaml").toFile());
    String version = chart.path("appVersion").asText();
    if (version.isEmpty()) {
      throw new IllegalStateException("charts/sekisho/Chart.yaml has no appVersion");
    }
    Map<String, String> files = new TreeMap<>();

    Map<String, JsonNode> clusterRoles = new TreeMap<>();
    Map<String, JsonNode> roles = new TreeMap<>();
    List<JsonNode> clusterBindings = new ArrayList<>();
    List<JsonNode> bindings = new ArrayList<>();
    List<JsonNode> deployments = new ArrayList<>();
    List<JsonNode> services = new ArrayList<>();
    List<JsonNode> webhooks = new ArrayList<>();
    for (JsonNode doc : rendered) {
      String kind = doc.path("kind").asText();
      String name = doc.path("metadata").path("name").asText();
      switch (kind) {
        case "Deployment" -> deployments.add(doc);
        case "ClusterRole" -> clusterRoles.put(name, doc);
        case "Role" -> roles.put(name, doc);
        case "ClusterRoleBinding" -> clusterBindings.add(doc);
        case "RoleBinding" -> bindings.add(doc);
        case "Service" -> {
          // OLM creates the webhook's Service itself (<deployment>-service) from webhookdefinitions
          if (!name.equals(ADMISSION_SERVICE)) {
            services.add(doc);
          }
        }
        case "ValidatingWebhookConfiguration" -> webhooks.add(doc);
        default -> {
          if (!NOT_IN_BUNDLE.containsKey(kind)) {
            throw new IllegalStateException(
                "the chart renders a "
                    + kind
                    + " ("
                    + name
                    + ") that the OLM bundle generator does not place; add it to"
                    + " OlmBundle.generate or NOT_IN_BUNDLE");
          }
        }
      }
    }
    if (deployments.size() != 1) {
      throw new IllegalStateException(
          "expected one Deployment in the chart, found " + deployments.size());
    }

    ObjectNode csv = (ObjectNode) readYaml(root.resolve("hack/olm-bundle/csv-template.yaml"));
    ObjectNode meta = (ObjectNode) csv.path("metadata");
    meta.put("name", PACKAGE + ".v" + version);
    ObjectNode annotations = (ObjectNode) meta.path("annotations");
    JsonNode deployment = clean(deployments.get(0));
    if (!webhooks.isEmpty()) {
      olmServesTheWebhook(deployment);
    }
    String image =
        deployment
            .path("spec")
            .path("template")
            .path("spec")
            .path("containers")
            .path(0)
            .path("image")
            .asText();
    annotations.put("containerImage", image);
    annotations.put("alm-examples", almExamples(root));
    ObjectNode spec = (ObjectNode) csv.path("spec");
    spec.put("version", version);

    ObjectNode install = spec.putObject("install");
    install.put("strategy", "deployment");
    ObjectNode installSpec = install.putObject("spec");
    ObjectNode csvDeployment = installSpec.putArray("deployments").addObject();
    csvDeployment.put("name", deployment.path("metadata").path("name").asText());
    csvDeployment.set("label", deployment.path("metadata").path("labels"));
    csvDeployment.set("spec", deployment.path("spec"));
    installSpec.set(
        "clusterPermissions", permissions(clusterBindings, clusterRoles, "ClusterRole", true));
    if (!webhooks.isEmpty()) {
      // OLM injects the webhook's caBundle: the operator keeps none, so it needs no right to
      for (JsonNode perm : installSpec.path("clusterPermissions")) {
        ArrayNode rules = (ArrayNode) perm.path("rules");
        for (int i = rules.size() - 1; i >= 0; i--) {
          if (rules
              .get(i)
              .path("resources")
              .toString()
              .contains("validatingwebhookconfigurations")) {
            rules.remove(i);
          }
        }
      }
      spec.set("webhookdefinitions", webhookDefinitions(webhooks, deployment));
    }
    installSpec.set("permissions", permissions(bindings, roles, "Role", false));
    ArrayNode related = spec.putArray("relatedImages");
    related.addObject().put("name", "sekisho-operator").put("image", image);

    // owned CRDs: versions and descriptor descriptions from the generated CRDs
    Map<String, JsonNode> crds = new TreeMap<>();
    for (Path crd : crdFiles(root)) {
      JsonNode tree = readYaml(crd);
      crds.put(tree.path("metadata").path("name").asText(), tree);
      files.put("bundle/manifests/" + crd.getFileName(), Files.readString(crd));
    }
    ArrayNode owned = (ArrayNode) spec.path("customresourcedefinitions").path("owned");
    if (owned.size() != crds.size()) {
      throw new IllegalStateException(
          "hack/olm-bundle/csv-template.yaml owns "
              + owned.size()
              + " CRDs but manifests/crds has "
              + crds.size()
              + ": list each CRD once");
    }
    for (JsonNode o : owned) {
      ObjectNode entry = (ObjectNode) o;
      JsonNode crd = crds.get(entry.path("name").asText());
      if (crd == null) {
        throw new IllegalStateException(
            "hack/olm-bundle/csv-template.yaml owns "
                + entry.path("name").asText()
                + ", which is not in manifests/crds");
      }
      JsonNode served = storageVersion(crd);
      entry.put("version", served.path("name").asText());
      JsonNode schema = served.path("schema").path("openAPIV3Schema").path("properties");
      describe(entry.path("specDescriptors"), schema.path("spec"), entry.path("name").asText());
      describe(entry.path("statusDescriptors"), schema.path("status"), entry.path("name").asText());
      // reorder so name/version/kind come first, as OperatorHub shows them
      ObjectNode ordered = entry.objectNode();
      for (String key : List.of("name", "version", "kind", "displayName", "description")) {
        ordered.set(key, entry.get(key));
      }
      ordered.setAll(entry);
      entry.removeAll();
      entry.setAll(ordered);
    }
    files.put(
        "bundle/manifests/" + PACKAGE + ".clusterserviceversion.yaml",
        header("hack/olm-bundle/csv-template.yaml, the chart and the CRDs")
            + YAML.writeValueAsString(csv));

    for (JsonNode service : services) {
      JsonNode s = clean(service);
      files.put(
          "bundle/manifests/" + s.path("metadata").path("name").asText() + "_v1_service.yaml",
          header("the chart") + YAML.writeValueAsString(s));
    }
    Set<String> bound = boundRoleNames(clusterBindings);
    for (Map.Entry<String, JsonNode> role : clusterRoles.entrySet()) {
      if (!bound.contains(role.getKey())) {
        files.put(
            "bundle/manifests/" + role.getKey() + "_rbac.authorization.k8s.io_v1_clusterrole.yaml",
            header("the chart") + YAML.writeValueAsString(clean(role.getValue())));
      }
    }

    Map<String, String> labels = new java.util.LinkedHashMap<>();
    labels.put("operators.operatorframework.io.bundle.mediatype.v1", "registry+v1");
    labels.put("operators.operatorframework.io.bundle.manifests.v1", "manifests/");
    labels.put("operators.operatorframework.io.bundle.metadata.v1", "metadata/");
    labels.put("operators.operatorframework.io.bundle.package.v1", PACKAGE);
    labels.put("operators.operatorframework.io.bundle.channels.v1", CHANNEL);
    labels.put("operators.operatorframework.io.bundle.channel.default.v1", CHANNEL);
    ObjectNode annotationsFile = YAML.createObjectNode();
    ObjectNode a = annotationsFile.putObject("annotations");
    labels.forEach(a::put);
    files.put(
        "bundle/metadata/annotations.yaml",
        header("OlmBundle") + YAML.writeValueAsString(annotationsFile));

    StringBuilder docker = new StringBuilder();
    docker.append("# Generated by hack/update-bundle.sh; do not edit.\n");
    docker.append("# The OLM bundle image: docs/admin-guide.md, \"OperatorHub / OLM\".\n");
    docker.append("FROM scratch\n\n");
    labels.forEach((k, v) -> docker.append("LABEL ").append(k).append('=').append(v).append('\n'));
    docker.append("\nCOPY bundle/manifests /manifests/\n");
    docker.append("COPY bundle/metadata /metadata/\n");
    files.put("bundle.Dockerfile", docker.toString());
    return files;
  }

  /** The chart's admission webhook Service, replaced by OLM's own. */
  static final String ADMISSION_SERVICE = "sekisho-admission";

  /**
   * Where OLM mounts the certificate it issues for a webhook ({@code tls.crt}, {@code tls.key}).
   */
  static final String OLM_WEBHOOK_CERTS = "/tmp/k8s-webhook-server/serving-certs";

  /**
   * Under OLM the webhook serves the certificate OLM issues and mounts, and OLM injects its CA into
   * the configuration it creates: the operator keeps no caBundle.
   */
  private static void olmServesTheWebhook(JsonNode deployment) {
    ArrayNode env =
        (ArrayNode)
            deployment
                .path("spec")
                .path("template")
                .path("spec")
                .path("containers")
                .path(0)
                .path("env");
    boolean found = false;
    for (JsonNode e : env) {
      if (e.path("name").asText().equals("SEKISHO_ADMISSION_TLS_DIR")) {
        ((ObjectNode) e).put("value", OLM_WEBHOOK_CERTS);
        found = true;
      }
    }
    if (!found) {
      throw new IllegalStateException(
          "the chart renders a ValidatingWebhookConfiguration but no SEKISHO_ADMISSION_TLS_DIR");
    }
    env.addObject().put("name", "SEKISHO_ADMISSION_WEBHOOK_CONFIG").put("value", "");
  }

  /**
   * The chart's ValidatingWebhookConfiguration as CSV webhookdefinitions. OLM has no
   * namespaceSelector there (it reviews the OperatorGroup's namespaces, all of them here,
   * kube-system included), so the bundle's webhook fails open and never reviews the operator's own
   * objects: an operator that is down can always be started again.
   */
  private static ArrayNode webhookDefinitions(List<JsonNode> configs, JsonNode deployment) {
    int targetPort = -1;
    for (JsonNode port :
        deployment
            .path("spec")
            .path("template")
            .path("spec")
            .path("containers")
            .path(0)
            .path("ports")) {
      if (port.path("name").asText().equals("admission")) {
        targetPort = port.path("containerPort").asInt();
      }
    }
    if (targetPort < 0) {
      throw new IllegalStateException("the chart's Deployment has no container port 'admission'");
    }
    ArrayNode out = YAML.createArrayNode();
    for (JsonNode config : configs) {
      for (JsonNode w : config.path("webhooks")) {
        ObjectNode d = out.addObject();
        d.put("type", "ValidatingAdmissionWebhook");
        d.put("generateName", w.path("name").asText());
        d.put("deploymentName", deployment.path("metadata").path("name").asText());
        d.put("containerPort", 443);
        d.put("targetPort", targetPort);
        d.put("webhookPath", w.path("clientConfig").path("service").path("path").asText());
        d.set("admissionReviewVersions", w.path("admissionReviewVersions"));
        d.put("sideEffects", w.path("sideEffects").asText());
        d.put("failurePolicy", "Ignore");
        d.put("timeoutSeconds", w.path("timeoutSeconds").asInt());
        ObjectNode own = d.putObject("objectSelector").putArray("matchExpressions").addObject();
        own.put("key", "app.kubernetes.io/name");
        own.put("operator", "NotIn");
        own.putArray("values").add("sekisho-operator");
        d.set("rules", w.path("rules"));
      }
    }
    return out;
  }

  /** The rules of every role bound to the operator's ServiceAccount, as OLM permissions. */
  private static ArrayNode permissions(
      List<JsonNode> bindings, Map<String, JsonNode> roles, String roleKind, boolean cluster) {
    ArrayNode out = YAML.createArrayNode();
    ArrayNode rules = YAML.createArrayNode();
    for (JsonNode binding : bindings) {
      boolean toOperator = false;
      for (JsonNode subject : binding.path("subjects")) {
        toOperator |=
            subject.path("kind").asText().equals("ServiceAccount")
                && subject.path("name").asText().equals(SERVICE_ACCOUNT);
      }
      if (!toOperator) {
        throw new IllegalStateException(
            "the chart binds "
                + binding.path("metadata").path("name").asText()
                + " to a subject other than the operator's ServiceAccount; OLM cannot express it");
      }
      JsonNode ref = binding.path("roleRef");
      if (!ref.path("kind").asText().equals(roleKind)) {
        throw new IllegalStateException(
            binding.path("metadata").path("name").asText() + " refers to a " + ref.path("kind"));
      }
      JsonNode role = roles.get(ref.path("name").asText());
      if (role == null) {
        throw new IllegalStateException(
            "the chart binds " + roleKind + " " + ref.path("name").asText() + " but renders none");
      }
      rules.addAll((ArrayNode) role.path("rules"));
    }
    if (!rules.isEmpty()) {
      out.addObject().put("serviceAccountName", SERVICE_ACCOUNT).set("rules", rules);
    } else if (cluster) {
      throw new IllegalStateException("the chart grants the operator no cluster rules");
    }
    return out;
  }

  private static Set<String> boundRoleNames(List<JsonNode> bindings) {
    Set<String> names = new java.util.TreeSet<>();
    for (JsonNode b : bindings) {
      names.add(b.path("roleRef").path("name").asText());
    }
    return names;
  }

  /** Fills each descriptor's description from the CRD schema, unless the template gives one. */
  private static void describe(JsonNode descriptors, JsonNode schema, String crd) {
    for (JsonNode d : descriptors) {
      ObjectNode descriptor = (ObjectNode) d;
      String path = descriptor.path("path").asText();
      JsonNode property = schema;
      for (String part : path.split("\\.")) {
        property = property.path("properties").path(part);
      }
      if (property.isMissingNode()) {
        throw new IllegalStateException(
            "hack/olm-bundle/csv-template.yaml: " + crd + " has no field " + path);
      }
      if (!descriptor.has("description") && property.has("description")) {
        ObjectNode ordered = descriptor.objectNode();
        ordered.set("path", descriptor.get("path"));
        ordered.set("displayName", descriptor.get("displayName"));
        ordered.put("description", property.path("description").asText());
        ordered.setAll(descriptor);
        descriptor.removeAll();
        descriptor.setAll(ordered);
      }
    }
  }

  private static JsonNode storageVersion(JsonNode crd) {
    for (JsonNode v : crd.path("spec").path("versions")) {
      if (v.path("storage").asBoolean()) {
        return v;
      }
    }
    throw new IllegalStateException(crd.path("metadata").path("name") + " has no storage version");
  }

  /** alm-examples: a ScanPolicy and a ClusterScanPolicy from manifests/examples, no namespace. */
  private static String almExamples(Path root) throws IOException {
    ArrayNode examples = JSON.createArrayNode();
    for (String file : List.of("clusterscanpolicy-production.yaml", "scanpolicy-dev.yaml")) {
      ObjectNode example = (ObjectNode) readYaml(root.resolve("manifests/examples").resolve(file));
      ((ObjectNode) example.path("metadata")).remove("namespace");
      examples.add(example);
    }
    return JSON.writeValueAsString(examples) + "\n";
  }

  /** A copy without namespace, Helm's chart label and other install-time metadata. */
  private static JsonNode clean(JsonNode doc) {
    ObjectNode copy = doc.deepCopy();
    ObjectNode meta = (ObjectNode) copy.path("metadata");
    meta.remove("namespace");
    dropHelmLabels(copy);
    return copy;
  }

  private static void dropHelmLabels(JsonNode node) {
    if (node.isObject()) {
      if (node.path("labels").isObject()) {
        ((ObjectNode) node.path("labels")).remove("helm.sh/chart");
      }
      for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
        dropHelmLabels(it.next());
      }
    } else if (node.isArray()) {
      node.forEach(OlmBundle::dropHelmLabels);
    }
  }

  private static List<Path> crdFiles(Path root) throws IOException {
    try (Stream<Path> list = Files.list(root.resolve("manifests/crds"))) {
      return list.filter(p -> p.getFileName().toString().endsWith(".sekisho.dev.yaml"))
          .sorted()
          .toList();
    }
  }

  private static JsonNode readYaml(Path file) {
    try {
      return ManifestFiles.YAML.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static String header(String from) {
    return "# Generated by hack/update-bundle.sh from " + from + "; do not edit.\n";
  }

  /** Every file under {@code bundle/} plus {@code bundle.Dockerfile}, as committed. */
  static Map<String, String> committed(Path root) throws IOException {
    Map<String, String> files = new TreeMap<>();
    Path bundle = root.resolve("bundle");
    if (Files.isDirectory(bundle)) {
      try (Stream<Path> walk = Files.walk(bundle)) {
        for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
          files.put(root.relativize(p).toString(), Files.readString(p));
        }
      }
    }
    Path dockerfile = root.resolve("bundle.Dockerfile");
    if (Files.isRegularFile(dockerfile)) {
      files.put("bundle.Dockerfile", Files.readString(dockerfile));
    }
    return files;
  }

  /** Replaces the committed bundle with the generated one (hack/update-bundle.sh). */
  static void write(Path root, Map<String, String> files) throws IOException {
    for (String stale : committed(root).keySet()) {
      if (!files.containsKey(stale)) {
        Files.delete(root.resolve(stale));
      }
    }
    for (Map.Entry<String, String> f : files.entrySet()) {
      Path target = root.resolve(f.getKey());
      Files.createDirectories(target.getParent());
      Files.writeString(target, f.getValue());
    }
  }
}
