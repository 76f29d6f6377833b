package dev.sekisho.scanner.input;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.Event;

/**
 * How large and how deep a kind of user document may be, applied in one place to everything that
 * reads it: the file size is checked before a byte is parsed (a regular file by its size, anything
 * else through a bounded read), and the Jackson and SnakeYAML parsers get the same bounds, so no
 * document costs more than its limit. YAML parsing is slow on long scalars (SnakeYAML's scanner is
 * quadratic in a scalar's length beyond its buffer), which is why YAML documents are kept small.
 *
 * <p>YAML aliases ({@code *name}) are refused: Jackson's YAML parser reads an alias as the string
 * of its name, which would silently change a policy, and expanding them is the "billion laughs"
 * attack.
 *
 * @param what the kind of document, for messages ("policy file")
 * @param maxBytes the largest file accepted
 * @param maxDepth the deepest nesting of lists and maps accepted
 * @param howToRaise what a user whose document is over the limit can do, for messages
 */
public record DocumentLimits(String what, long maxBytes, int maxDepth, String howToRaise) {
  /** Policy files: ScanPolicy/ClusterScanPolicy YAML or JSON. */
  public static final DocumentLimits POLICY =
      new DocumentLimits(
          "policy file", 1L << 20, 64, "split the policies across several --policy files");

  /** The CLI's secrets ignore file ({@code --secrets-ignore}). */
  public static final DocumentLimits SECRETS_IGNORE =
      new DocumentLimits(
          "secrets ignore file",
          1L << 20,
          1,
          "allow whole directories with path globs instead of listing fingerprints");

  /** The CLI's config file. */
  public static final DocumentLimits CONFIG =
      new DocumentLimits("config file", 1L << 20, 64, "it holds option values only");

  /** SBOMs read as scan targets (CycloneDX or SPDX JSON). */
  public static final DocumentLimits SBOM =
      new DocumentLimits(
          "SBOM", 512L << 20, 500, "split the SBOM, or scan the image instead of its SBOM");

  /** VEX documents (OpenVEX, CycloneDX VEX, CSAF VEX JSON) given with --vex or by a policy. */
  public static final DocumentLimits VEX =
      new DocumentLimits(
          "VEX document", 16L << 20, 64, "split the statements across several VEX documents");

  /** Docker config.json files and pull secrets with registry credentials. */
  public static final DocumentLimits DOCKER_CONFIG =
      new DocumentLimits("docker config", 4L << 20, 32, "it holds registry credentials only");

  /**
   * Reads {@code file} whole, refusing it before parsing when it is larger than {@link #maxBytes}.
   *
   * @throws DocumentException naming the file and the problem when it is missing, too large or not
   *     readable
   */
  public byte[] read(Path file) throws DocumentException {
    try {
      if (Files.isRegularFile(file)) {
        long size = Files.size(file);
        if (size > maxBytes) {
          throw tooLarge(file.toString(), "is " + size(size));
        }
      }
      try (InputStream in = Files.newInputStream(file)) {
        byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        if (bytes.length > maxBytes) {
          throw tooLarge(file.toString(), "is larger than " + size(maxBytes));
        }
        return bytes;
      }
    } catch (NoSuchFileException e) {
      throw new DocumentException(what + " " + file + " does not exist");
    } catch (DocumentException e) {
      throw e;
    } catch (IOException e) {
      throw new DocumentException("cannot read " + what + " " + file + ": " + e.getMessage(), e);
    }
  }

  private DocumentException tooLarge(String source, String size) {
    return new DocumentException(
        what
            + " "
            + source
            + " "
            + size
            + ", more than the limit of "
            + size(maxBytes)
            + " ("
            + howToRaise
            + ")");
  }

  /** A JSON factory with these limits. */
  public JsonFactory jsonFactory() {
    return JsonFactory.builder().streamReadConstraints(constraints()).build();
  }

  /** A YAML factory with these limits (Jackson's and SnakeYAML's). */
  public YAMLFactory yamlFactory() {
    return YAMLFactory.builder()
        // on by default in new YAMLFactory(), but not in the builder: an empty document is null
        .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
        .loaderOptions(loaderOptions())
        .streamReadConstraints(constraints())
        .build();
  }

  private StreamReadConstraints constraints() {
    int max = (int) Math.min(Integer.MAX_VALUE, maxBytes);
    return StreamReadConstraints.builder()
        .maxDocumentLength(maxBytes)
        .maxStringLength(max)
        .maxNameLength(Math.min(max, 50_000))
        .maxNestingDepth(maxDepth)
        .build();
  }

  private LoaderOptions loaderOptions() {
    LoaderOptions options = new LoaderOptions();
    options.setCodePointLimit((int) Math.min(Integer.MAX_VALUE, maxBytes));
    options.setNestingDepthLimit(maxDepth);
    options.setMaxAliasesForCollections(0);
    options.setAllowRecursiveKeys(false);
    options.setAllowDuplicateKeys(false);
    return options;
  }

  /**
   * Refuses YAML aliases, naming where the first one is.
   *
   * @throws DocumentException naming {@code source}, the line and the column
   */
  public void rejectAliases(String yaml, String source) throws DocumentException {
    try {
      for (Event event : new Yaml(loaderOptions()).parse(new StringReader(yaml))) {
        if (event instanceof AliasEvent alias) {
          throw new DocumentException(
              source
                  + at(alias.getStartMark())
                  + ": YAML aliases (*"
                  + alias.getAnchor()
                  + ") are not supported in a "
                  + what
                  + "; write the value out");
        }
      }
    } catch (MarkedYAMLException e) {
      throw new DocumentException(
          source + at(e.getProblemMark()) + ": not valid YAML: " + e.getProblem(), e);
    } catch (YAMLException e) {
      throw new DocumentException(source + ": not valid YAML: " + e.getMessage(), e);
    }
  }

  private static String at(Mark mark) {
    return mark == null
        ? ""
        : ": line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
  }

  /**
   * What is wrong with a document Jackson could not read or map, in plain words (no Java class
   * names), starting with {@code source} and the line and column when known.
   */
  public String describe(String source, JsonProcessingException e) {
    return source + location(e) + ": " + problem(e);
  }

  /** What is wrong, in plain words, without the place. */
  public String problem(JsonProcessingException e) {
    if (e instanceof StreamConstraintsException) {
      String m = String.valueOf(e.getOriginalMessage());
      if (m.contains("nesting depth")) {
        return "nested deeper than " + maxDepth + " levels (the " + what + " limit)";
      }
      if (m.contains("length")) {
        return "a value is longer than the " + what + " limit of " + size(maxBytes);
      }
      return "larger than the " + what + " limit of " + size(maxBytes);
    }
    if (e instanceof MismatchedInputException mismatch && !isParseError(mismatch)) {
      String expected = kindOf(mismatch.getTargetType());
      if (expected != null) {
        JsonToken token = currentToken(mismatch);
        return "expected " + expected + (token == null ? "" : ", found " + found(token));
      }
    }
    return plain(e.getOriginalMessage());
  }

  private static boolean isParseError(MismatchedInputException e) {
    return e.getTargetType() == null;
  }

  private static JsonToken currentToken(MismatchedInputException e) {
    Object processor = e.getProcessor();
    if (processor instanceof com.fasterxml.jackson.core.JsonParser p) {
      return p.currentToken();
    }
    return null;
  }

  /** A type as a user knows it from YAML or JSON, or null. */
  public static String kindOf(Class<?> type) {
    if (type == null) {
      return null;
    }
    if (Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "a list";
    }
    if (type == String.class || type == Character.class || type == char.class) {
      return "a string";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (Number.class.isAssignableFrom(type) || (type.isPrimitive() && type != void.class)) {
      return "a number";
    }
    if (type.isEnum()) {
      return "one of "
          + String.join(
              ", ",
              java.util.Arrays.stream(type.getEnumConstants()).map(Object::toString).toList());
    }
    if (type.getName().startsWith("java.time.")) {
      return "a date and time such as 2030-01-31T00:00:00Z";
    }
    if (Map.class.isAssignableFrom(type) || !type.getName().startsWith("java.")) {
      return "a map of fields";
    }
    return null;
  }

  private static String found(JsonToken token) {
    return switch (token) {
      case START_ARRAY, END_ARRAY -> "a list";
      case START_OBJECT, END_OBJECT, FIELD_NAME -> "a map";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "true or false";
      case VALUE_NULL -> "nothing (null)";
      default -> "something else";
    };
  }

  /**
   * A Jackson message without what names Java types: {@code `java.util.List<...>`} becomes "value",
   * source descriptions and reference chains are dropped.
   */
  public static String plain(String message) {
    if (message == null) {
      return "cannot be read";
    }
    String m = message;
    int cut = indexOfAny(m, "\n at [Source:", " at [Source:", " (through reference chain:");
    if (cut >= 0) {
      m = m.substring(0, cut);
    }
    m = m.replaceAll("`[a-zA-Z_$][\\w.$]*(?:<[^`]*>)?`", "value");
    m = m.replaceAll("\\b(?:java|javax|com|org|dev)\\.[\\w.$]+", "value");
    m = m.replaceAll("\\s*\\(code \\d+\\)", "");
    return m.strip();
  }

  private static int indexOfAny(String s, String... needles) {
    int best = -1;
    for (String n : needles) {
      int i = s.indexOf(n);
      if (i >= 0 && (best < 0 || i < best)) {
        best = i;
      }
    }
    return best;
  }

  /** The path of the field a mapping error is about, as a.b[2].c, or empty. */
  public static String fieldPath(JsonMappingException e) {
    StringBuilder s = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        s.append(s.isEmpty() ? "" : ".").append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        s.append('[').append(ref.getIndex()).append(']');
      }
    }
    return s.toString();
  }

  /** ": line L, column C" where Jackson knows the place, else empty. */
  public static String location(JsonProcessingException e) {
    JsonLocation l = e.getLocation();
    if (l == null && e.getProcessor() instanceof com.fasterxml.jackson.core.JsonParser p) {
      l = p.currentLocation(); // a limit exceeded: where the parser stopped
    }
    if (l == null || l.getLineNr() < 1) {
      return "";
    }
    return ": line " + l.getLineNr() + (l.getColumnNr() > 0 ? ", column " + l.getColumnNr() : "");
  }

  /** A byte count for people: "1 MiB", "8.0 MiB", "512 KiB". */
  public static String size(long bytes) {
    if (bytes >= 1L << 20) {
      return bytes % (1L << 20) == 0
          ? (bytes >> 20) + " MiB"
          : String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
    }
    if (bytes >= 1L << 10) {
      return bytes % (1L << 10) == 0
          ? (bytes >> 10) + " KiB"
          : String.format(Locale.ROOT, "%.1f KiB", bytes / (double) (1L << 10));
    }
    return bytes + " bytes";
  }
}
