package dev.sekisho.testkit.node;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pod fields for the downward API ({@code fieldRef.fieldPath}), in environment variables and in
 * downwardAPI volume files, with the kubelet's formats.
 */
final class PodFields {
  private static final Pattern SUBSCRIPT =
      Pattern.compile("metadata\\.(labels|annotations)\\['(.*)'\\]");

  private PodFields() {}

  /**
   * The value of {@code fieldPath} for {@code pod}; a missing label or annotation is "".
   *
   * @throws IllegalArgumentException for a field path the kubelet does not support either
   */
  static String value(Pod pod, String fieldPath, String podIp) {
    Matcher m = SUBSCRIPT.matcher(fieldPath);
    if (m.matches()) {
      Map<String, String> map =
          m.group(1).equals("labels")
              ? pod.getMetadata().getLabels()
              : pod.getMetadata().getAnnotations();
      return map == null ? "" : map.getOrDefault(m.group(2), "");
    }
    return switch (fieldPath) {
      case "metadata.name" -> pod.getMetadata().getName();
      case "metadata.namespace" -> pod.getMetadata().getNamespace();
      case "metadata.uid" -> pod.getMetadata().getUid();
      case "metadata.labels" -> formatMap(pod.getMetadata().getLabels());
      case "metadata.annotations" -> formatMap(pod.getMetadata().getAnnotations());
      case "spec.nodeName" -> nullToEmpty(pod.getSpec().getNodeName());
      case "spec.serviceAccountName" -> nullToEmpty(pod.getSpec().getServiceAccountName());
      case "status.podIP", "status.hostIP" -> podIp;
      case "status.podIPs", "status.hostIPs" -> podIp;
      default -> throw new IllegalArgumentException("unsupported fieldPath " + fieldPath);
    };
  }

  // the kubelet's FormatMap: sorted key="value" lines, values quoted as Go's %q
  private static String formatMap(Map<String, String> map) {
    if (map == null) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, String> e : new TreeMap<>(map).entrySet()) {
      out.append(e.getKey()).append('=').append(goQuote(e.getValue())).append('\n');
    }
    return out.toString();
  }

  private static String goQuote(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\t");
        case '\r' -> out.append("\\r");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            out.append(String.format("\\x%02x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
