package dev.sekisho.scanner.analyzer.os;

import dev.sekisho.scanner.model.OperatingSystem;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses /etc/os-release (os-release(5)) and the older one-line release files that images without
 * os-release still carry.
 */
final class OsReleaseParser {
  private static final Pattern REDHAT =
      Pattern.compile("^(.+?)\\s+release\\s+([0-9][0-9.]*)(?:\\s+\\((.+)\\))?");

  private OsReleaseParser() {}

  /** The KEY=value pairs of an os-release file, with shell quoting removed. */
  static Map<String, String> fields(String text) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String raw : text.split("\n")) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int eq = line.indexOf('=');
      if (eq <= 0) {
        continue;
      }
      fields.put(line.substring(0, eq).strip(), unquote(line.substring(eq + 1).strip()));
    }
    return fields;
  }

  private static String unquote(String v) {
    if (v.length() >= 2
        && (v.charAt(0) == '"' || v.charAt(0) == '\'')
        && v.charAt(v.length() - 1) == v.charAt(0)) {
      v = v.substring(1, v.length() - 1);
    }
    return v.replace("\\\"", "\"").replace("\\$", "$").replace("\\`", "`").replace("\\\\", "\\");
  }

  /** The operating system an os-release file describes, or null when it has no ID. */
  static OperatingSystem osRelease(String text) {
    Map<String, String> f = fields(text);
    String id = blankToNull(f.get("ID"));
    if (id == null) {
      return null;
    }
    String version = blankToNull(f.get("VERSION_ID"));
    String pretty = blankToNull(f.get("PRETTY_NAME"));
    if (pretty == null) {
      String name = f.getOrDefault("NAME", id);
      pretty = version == null ? name : name + " " + version;
    }
    return new OperatingSystem(
        id.toLowerCase(Locale.ROOT), version, blankToNull(f.get("VERSION_CODENAME")), pretty);
  }

  /** /etc/debian_version: "12.5", or "trixie/sid" on testing and unstable. */
  static OperatingSystem debianVersion(String text) {
    String v = firstLine(text);
    if (v.isEmpty()) {
      return null;
    }
    if (Character.isDigit(v.charAt(0))) {
      return new OperatingSystem("debian", v, null, null);
    }
    int slash = v.indexOf('/');
    return new OperatingSystem("debian", null, slash > 0 ? v.substring(0, slash) : v, null);
  }

  /** /etc/alpine-release: "3.20.3". */
  static OperatingSystem alpineRelease(String text) {
    String v = firstLine(text);
    return v.isEmpty() ? null : new OperatingSystem("alpine", v, null, null);
  }

  /** /etc/redhat-release and relatives: "Rocky Linux release 9.3 (Blue Onyx)". */
  static OperatingSystem redhatRelease(String text) {
    Matcher m = REDHAT.matcher(firstLine(text));
    if (!m.find()) {
      return null;
    }
    String name = m.group(1).toLowerCase(Locale.ROOT);
    String family;
    if (name.startsWith("red hat")) {
      family = "rhel";
    } else if (name.startsWith("centos")) {
      family = "centos";
    } else if (name.startsWith("rocky")) {
      family = "rocky";
    } else if (name.startsWith("almalinux")) {
      family = "almalinux";
    } else if (name.startsWith("fedora")) {
      family = "fedora";
    } else if (name.startsWith("oracle")) {
      family = "ol";
    } else {
      return null;
    }
    return new OperatingSystem(family, m.group(2), null, null);
  }

  private static String firstLine(String text) {
    int nl = text.indexOf('\n');
    return (nl < 0 ? text : text.substring(0, nl)).strip();
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
