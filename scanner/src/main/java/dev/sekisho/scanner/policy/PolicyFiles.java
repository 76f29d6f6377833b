package dev.sekisho.scanner.policy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.sekisho.api.v1alpha1.ClusterScanPolicySpec;
import dev.sekisho.api.v1alpha1.Constants;
import dev.sekisho.api.v1alpha1.ScanPolicySpec;
import dev.sekisho.scanner.input.DocumentException;
import dev.sekisho.scanner.input.DocumentLimits;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads the CLI's policy files: YAML with one or more {@code ScanPolicy} / {@code
 * ClusterScanPolicy} documents (exactly what {@code kubectl apply} takes), or JSON holding one such
 * object, an array of them, or a {@code List} with {@code items}. Unknown fields are rejected, with
 * a message naming the file, the document and the field. Policies read from files have kind {@value
 * NamedPolicy#FILE} and no namespace.
 */
public final class PolicyFiles {
  private static final Set<String> KINDS = Set.of("ScanPolicy", "ClusterScanPolicy");
  private static final Set<String> TOP_LEVEL =
      Set.of("apiVersion", "kind", "metadata", "spec", "status");

  private static final ObjectMapper YAML = mapper(false);
  private static final ObjectMapper JSON = mapper(true);

  private PolicyFiles() {}

  /**
   * Loads every policy in {@code file}, refusing a file over {@link DocumentLimits#POLICY}'s size
   * before parsing it.
   */
  public static List<NamedPolicy> load(Path file) throws PolicyFileException {
    String text;
    try {
      byte[] bytes = DocumentLimits.POLICY.read(file);
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (DocumentException e) {
      throw new PolicyFileException(e.getMessage(), e);
    } catch (CharacterCodingException e) {
      throw new PolicyFileException("policy file " + file + " is not UTF-8 text", e);
    }
    String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
    boolean json = name.toLowerCase(Locale.ROOT).endsWith(".json");
    return parse(text, file.toString(), json);
  }

  /**
   * Parses policy documents.
   *
   * @param text the file contents
   * @param source the file name, for messages
   * @param json true for JSON, false for (multi-document) YAML
   */
  public static List<NamedPolicy> parse(String text, String source, boolean json)
      throws PolicyFileException {
    DocumentLimits limits = DocumentLimits.POLICY;
    if (text.length() > limits.maxBytes()) {
      throw new PolicyFileException(
          source
              + " is larger than the limit of "
              + DocumentLimits.size(limits.maxBytes())
              + " for a policy file ("
              + limits.howToRaise()
              + ")");
    }
    if (!json) {
      try {
        limits.rejectAliases(text, source);
      } catch (DocumentException e) {
        throw new PolicyFileException(e.getMessage(), e);
      }
    }
    ObjectMapper mapper = json ? JSON : YAML;
    List<JsonNode> documents = new ArrayList<>();
    try (JsonParser parser = mapper.createParser(text);
        MappingIterator<JsonNode> it = mapper.readValues(parser, JsonNode.class)) {
      while (it.hasNextValue()) {
        JsonNode node = it.nextValue();
        if (node == null || node.isNull() || node.isMissingNode()) {
          documents.add(null);
        } else if (json && node.isArray()) {
          node.forEach(documents::add);
        } else if (json && node.isObject() && "List".equals(node.path("kind").asText())) {
          node.path("items").forEach(documents::add);
        } else {
          documents.add(node);
        }
      }
    } catch (JsonProcessingException e) {
      throw new PolicyFileException(
          source
              + DocumentLimits.location(e)
              + ": not valid "
              + (json ? "JSON" : "YAML")
              + ": "
              + DocumentLimits.POLICY.problem(e),
          e);
    } catch (IOException | RuntimeException e) {
      throw new PolicyFileException(source + ": cannot parse: " + e.getMessage(), e);
    }
    List<NamedPolicy> policies = new ArrayList<>();
    for (int i = 0; i < documents.size(); i++) {
      JsonNode doc = documents.get(i);
      if (doc == null) {
        continue; // an empty YAML document, e.g. after a trailing '---'
      }
      policies.add(document(mapper, doc, source + ": document " + (i + 1), source, i + 1));
    }
    if (policies.isEmpty()) {
      throw new PolicyFileException(source + ": no ScanPolicy or ClusterScanPolicy document");
    }
    return List.copyOf(policies);
  }

  private static NamedPolicy document(
      ObjectMapper mapper, JsonNode doc, String where, String source, int index)
      throws PolicyFileException {
    if (!doc.isObject()) {
      throw new PolicyFileException(where + ": expected a ScanPolicy or ClusterScanPolicy object");
    }
    for (Iterator<String> names = doc.fieldNames(); names.hasNext(); ) {
      String field = names.next();
      if (!TOP_LEVEL.contains(field)) {
        throw new PolicyFileException(
            where + ": unknown field '" + field + "' (known: apiVersion, kind, metadata, spec)");
      }
    }
    String apiVersion = doc.path("apiVersion").asText("");
    if (!Constants.API_VERSION.equals(apiVersion)) {
      throw new PolicyFileException(
          where + ": apiVersion is '" + apiVersion + "', expected '" + Constants.API_VERSION + "'");
    }
    String kind = doc.path("kind").asText("");
    if (!KINDS.contains(kind)) {
      throw new PolicyFileException(
          where + ": kind is '" + kind + "', expected ScanPolicy or ClusterScanPolicy");
    }
    String name = doc.path("metadata").path("name").asText("");
    if (name.isEmpty()) {
      String base = Path.of(source).getFileName().toString();
      name = base + "#" + index;
    }
    JsonNode specNode = doc.get("spec");
    if (specNode == null || specNode.isNull()) {
      throw new PolicyFileException(where + " (" + name + "): spec is missing");
    }
    Class<? extends ScanPolicySpec> type =
        kind.equals("ClusterScanPolicy") ? ClusterScanPolicySpec.class : ScanPolicySpec.class;
    ScanPolicySpec spec;
    try {
      spec = mapper.treeToValue(specNode, type);
    } catch (UnrecognizedPropertyException e) {
      String known =
          e.getKnownPropertyIds() == null
              ? ""
              : " (known: "
                  + e.getKnownPropertyIds().stream()
                      .map(Object::toString)
                      .sorted()
                      .collect(Collectors.joining(", "))
                  + ")";
      throw new PolicyFileException(
          where + " (" + name + "): unknown field '" + path(e) + "'" + known, e);
    } catch (InvalidFormatException e) {
      String expected =
          e.getTargetType() != null && e.getTargetType().isEnum()
              ? " (expected one of "
                  + Arrays.stream(e.getTargetType().getEnumConstants())
                      .map(Object::toString)
                      .collect(Collectors.joining(", "))
                  + ")"
              : kindOf(e.getTargetType());
      throw new PolicyFileException(
          where
              + " ("
              + name
              + "): field '"
              + path(e)
              + "': bad value '"
              + e.getValue()
              + "'"
              + expected,
          e);
    } catch (JsonMappingException e) {
      throw new PolicyFileException(
          where + " (" + name + "): field '" + path(e) + "': " + DocumentLimits.POLICY.problem(e),
          e);
    } catch (JsonProcessingException e) {
      throw new PolicyFileException(
          where + " (" + name + "): " + DocumentLimits.POLICY.problem(e), e);
    }
    return new NamedPolicy(NamedPolicy.FILE, null, name, spec);
  }

  /** The field path of a mapping error, as spec.a.b[2].c. */
  private static String path(JsonMappingException e) {
    StringBuilder s = new StringBuilder("spec");
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        s.append('.').append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        s.append('[').append(ref.getIndex()).append(']');
      }
    }
    return s.toString();
  }

  private static String kindOf(Class<?> type) {
    String kind = DocumentLimits.kindOf(type);
    return kind == null ? "" : " (expected " + kind + ")";
  }

  private static ObjectMapper mapper(boolean json) {
    var builder =
        json
            ? JsonMapper.builder(DocumentLimits.POLICY.jsonFactory())
            : YAMLMapper.builder(DocumentLimits.POLICY.yamlFactory());
    return builder
        .addModule(new JavaTimeModule())
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
        .build();
  }
}
