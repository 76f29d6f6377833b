package dev.sekisho.testkit.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Tekton's termination message: the JSON array of {@code {"key","value","type"}} entries its
 * entrypoint writes to {@code /tekton/termination} and the controller reads back from the container
 * status ({@code pkg/termination/write.go} and {@code pkg/result/result.go} in tektoncd/pipeline
 * v1.6.0).
 *
 * <p>The encoder is hand-written because the bytes must equal Go's {@code encoding/json} output
 * (which escapes {@code <}, {@code >}, {@code &}, U+2028 and U+2029 and omits a zero {@code type});
 * Jackson's defaults differ. The 4096-byte limit is checked on those bytes, as in Go.
 */
public final class TerminationMessage {
  /** {@code MaxContainerTerminationMessageLength} in Tekton and the kubelet. */
  public static final int MAX_LENGTH = 4096;

  /** {@code result.TaskRunResultType}: a task result read from {@code /tekton/results}. */
  public static final int TASK_RUN_RESULT = 1;

  /** {@code result.InternalTektonResultType}: StartedAt, ExitCode, Reason. */
  public static final int INTERNAL_TEKTON_RESULT = 3;

  /** {@code result.StepResultType}: a step result. */
  public static final int STEP_RESULT = 4;

  /** {@code result.StepArtifactsResultType}. */
  public static final int STEP_ARTIFACTS_RESULT = 5;

  /** {@code result.TaskRunArtifactsResultType}. */
  public static final int TASK_RUN_ARTIFACTS_RESULT = 6;

  private static final ObjectMapper JSON = new ObjectMapper();

  private TerminationMessage() {}

  /** One {@code result.RunResult}; {@code type} 0 means unset (omitted, as Go's omitempty). */
  public record Entry(String key, String value, int type) {
    /** An internal Tekton entry (StartedAt, ExitCode, Reason). */
    public static Entry internal(String key, String value) {
      return new Entry(key, value, INTERNAL_TEKTON_RESULT);
    }
  }

  /** Thrown when the message would exceed {@link #MAX_LENGTH}, with Tekton's own text. */
  public static final class TooLongException extends IOException {
    TooLongException() {
      super("Termination message is above max allowed size 4096, caused by large task result.");
    }
  }

  /**
   * {@code termination.WriteMessage}: appends {@code entries} to the entries already in {@code
   * file} (when it holds a JSON array), and rewrites it.
   *
   * @throws TooLongException when the result exceeds 4096 bytes (the file is left alone)
   */
  public static void write(Path file, List<Entry> entries) throws IOException {
    List<Entry> all = new ArrayList<>();
    try {
      all.addAll(decode(Files.readString(file, StandardCharsets.UTF_8)));
    } catch (NoSuchFileException e) {
      // first write
    } catch (IllegalArgumentException e) {
      // Go ignores an existing file it cannot parse and overwrites it
    }
    all.addAll(entries);
    byte[] bytes = encode(all).getBytes(StandardCharsets.UTF_8);
    if (bytes.length > MAX_LENGTH) {
      throw new TooLongException();
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.write(file, bytes);
  }

  /** The JSON Go's {@code json.Marshal([]result.RunResult)} produces for {@code entries}. */
  public static String encode(List<Entry> entries) {
    StringBuilder out = new StringBuilder("[");
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      if (i > 0) {
        out.append(',');
      }
      out.append("{\"key\":");
      quote(out, e.key());
      out.append(",\"value\":");
      quote(out, e.value());
      if (e.type() != 0) {
        out.append(",\"type\":").append(e.type());
      }
      out.append('}');
    }
    return out.append(']').toString();
  }

  /**
   * Parses a termination message; {@code type} may be a number or one of the legacy strings, as
   * {@code result.ResultType.UnmarshalJSON} accepts.
   *
   * @throws IllegalArgumentException when {@code json} is not an array of entries
   */
  public static List<Entry> decode(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("not a termination message: " + e.getMessage(), e);
    }
    if (root == null || !root.isArray()) {
      throw new IllegalArgumentException("not a termination message: not a JSON array");
    }
    List<Entry> entries = new ArrayList<>();
    for (JsonNode n : root) {
      JsonNode type = n.path("type");
      int t =
          type.isNumber()
              ? type.asInt()
              : switch (type.asText("")) {
                case "" -> 0;
                case "StepResult" -> STEP_RESULT;
                case "TaskRunResult" -> TASK_RUN_RESULT;
                case "InternalTektonResult" -> INTERNAL_TEKTON_RESULT;
                case "StepArtifactsResult" -> STEP_ARTIFACTS_RESULT;
                case "TaskRunArtifactsResult" -> TASK_RUN_ARTIFACTS_RESULT;
                default -> 10; // UnknownResultType
              };
      entries.add(new Entry(n.path("key").asText(""), n.path("value").asText(""), t));
    }
    return entries;
  }

  // Go's encoding/json string encoding with HTML escaping (the default of json.Marshal).
  private static void quote(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '<', '>', '&', '\u2028', '\u2029' -> out.append(String.format("\\u%04x", (int) c));
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else if (Character.isSurrogate(c)
              && !(Character.isHighSurrogate(c)
                  && i + 1 < s.length()
                  && Character.isLowSurrogate(s.charAt(i + 1)))
              && !(Character.isLowSurrogate(c)
                  && i > 0
                  && Character.isHighSurrogate(s.charAt(i - 1)))) {
            out.append('\ufffd'); // Go replaces invalid UTF-8 (here: a lone surrogate)
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
