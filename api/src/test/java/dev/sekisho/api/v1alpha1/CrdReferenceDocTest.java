package dev.sekisho.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * docs/crd-reference.md is generated from the CRDs the build generates (and so from the API types'
 * descriptions). This test fails when the committed page drifts; {@code hack/update-crds.sh}
 * rewrites it (it runs this test with -Dsekisho.updateDocs=true).
 */
class CrdReferenceDocTest {
  private static final Path GENERATED = Path.of("target/classes/META-INF/fabric8");
  private static final Path DOC = Path.of("../docs/crd-reference.md");
  private static final List<String> ORDER =
      List.of(
          "scanpolicies.sekisho.dev",
          "clusterscanpolicies.sekisho.dev",
          "scanresults.sekisho.dev",
          "scannotifiers.sekisho.dev");

  @Test
  void crdReferenceIsCurrent() throws IOException {
    String expected = render();
    if (Boolean.getBoolean("sekisho.updateDocs")) {
      Files.writeString(DOC, expected);
    }
    assertThat(DOC).as("docs/crd-reference.md is missing; run hack/update-crds.sh").exists();
    assertThat(Files.readString(DOC))
        .as("docs/crd-reference.md drifted from the API types; run hack/update-crds.sh")
        .isEqualTo(expected);
  }

  static String render() throws IOException {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    StringBuilder out = new StringBuilder();
    out.append("# CRD reference\n\n")
        .append("<!-- Generated from the API types by CrdReferenceDocTest; do not edit. -->\n\n")
        .append("Group `sekisho.dev`, version `v1alpha1`. Field descriptions are also available")
        .append(" with `kubectl explain`, e.g. `kubectl explain scanpolicy.spec.exceptions`.\n\n");
    for (String name : ORDER) {
      JsonNode crd = yaml.readTree(GENERATED.resolve(name + "-v1.yml").toFile());
      JsonNode spec = crd.path("spec");
      JsonNode version = spec.path("versions").get(0);
      String kind = spec.path("names").path("kind").asText();
      out.append("## ").append(kind).append("\n\n");
      out.append("- scope: ").append(spec.path("scope").asText()).append('\n');
      out.append("- plural: `").append(spec.path("names").path("plural").asText()).append("`");
      out.append(", short names: ");
      for (Iterator<JsonNode> it = spec.path("names").path("shortNames").elements();
          it.hasNext(); ) {
        out.append('`').append(it.next().asText()).append('`').append(it.hasNext() ? ", " : "");
      }
      out.append("\n- printer columns: ");
      for (Iterator<JsonNode> it = version.path("additionalPrinterColumns").elements();
          it.hasNext(); ) {
        JsonNode col = it.next();
        out.append(col.path("name").asText().toUpperCase())
            .append(col.path("priority").asInt() > 0 ? " (wide)" : "")
            .append(it.hasNext() ? ", " : "\n\n");
      }
      JsonNode root = version.path("schema").path("openAPIV3Schema").path("properties");
      out.append("| field | type | description |\n| --- | --- | --- |\n");
      for (String part : List.of("spec", "status")) {
        if (root.has(part)) {
          fields(out, "." + part, root.path(part));
        }
      }
      out.append('\n');
    }
    return out.toString();
  }

  private static void fields(StringBuilder out, String path, JsonNode schema) {
    JsonNode props = schema.path("properties");
    for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode field = e.getValue();
      String fieldPath = path + "." + e.getKey();
      String type = field.path("type").asText();
      JsonNode item = field.path("items");
      if ("array".equals(type) && item.has("type")) {
        type = item.path("type").asText() + "[]";
      }
      StringBuilder desc = new StringBuilder(field.path("description").asText(""));
      if (field.has("enum")) {
        desc.append(" One of: ");
        field.path("enum").forEach(v -> desc.append('`').append(v.asText()).append("` "));
      }
      if (field.has("default")) {
        desc.append(" Default: `").append(field.path("default").asText()).append("`.");
      }
      if (schema.path("required").toString().contains("\"" + e.getKey() + "\"")) {
        desc.append(" Required.");
      }
      out.append("| `")
          .append(fieldPath)
          .append("` | ")
          .append(type)
          .append(" | ")
          .append(desc.toString().trim().replace("|", "\\|").replace("\n", " "))
          .append(" |\n");
      if (field.has("properties")) {
        fields(out, fieldPath, field);
      } else if (item.has("properties")) {
        fields(out, fieldPath + "[]", item);
      }
    }
  }
}
