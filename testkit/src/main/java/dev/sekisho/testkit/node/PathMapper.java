package dev.sekisho.testkit.node;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Maps a container's view of the file system onto the pod's sandbox on the host: each volume mount
 * path (and the container's own termination message file) is a directory or file under the sandbox;
 * every other path is the host's own (so {@code /bin/sh} stays {@code /bin/sh}).
 *
 * <p>{@link #rewrite(String)} replaces mounted paths inside any string (a command, an argument, an
 * environment value, a script body) in one pass: a mount path matches only as a whole path prefix,
 * i.e. not preceded by a path character (so {@code /x/workspace} is left alone) and followed by
 * {@code /}, the end or a character that cannot continue a path component (so {@code /tekton/run/0}
 * does not match {@code /tekton/run/01}). The longest mount path wins.
 */
public final class PathMapper {
  private final Map<String, Path> mounts; // container path (normalized) -> host path
  private final Path rootfs;
  private final Pattern pattern;

  /**
   * @param mounts container path to host path (a mount, or a single file such as the termination
   *     message path)
   * @param rootfs host directory standing for the container's own root file system, used by {@link
   *     #resolve(String)} for paths under no mount
   */
  public PathMapper(Map<String, Path> mounts, Path rootfs) {
    Map<String, Path> m = new LinkedHashMap<>();
    mounts.entrySet().stream()
        .sorted(
            Comparator.comparingInt((Map.Entry<String, Path> e) -> -normalize(e.getKey()).length()))
        .forEach(e -> m.put(normalize(e.getKey()), e.getValue()));
    this.mounts = m;
    this.rootfs = rootfs;
    this.pattern =
        m.isEmpty()
            ? null
            : Pattern.compile(
                "(?<![\\w.\\-/])("
                    + m.keySet().stream().map(Pattern::quote).collect(Collectors.joining("|"))
                    + ")(?=/|$|[^\\w.\\-])");
  }

  /** {@code s} with every mounted path replaced by its host path. */
  public String rewrite(String s) {
    if (pattern == null || s == null || s.isEmpty()) {
      return s;
    }
    Matcher matcher = pattern.matcher(s);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      matcher.appendReplacement(
          out, Matcher.quoteReplacement(mounts.get(matcher.group(1)).toString()));
    }
    matcher.appendTail(out);
    return out.toString();
  }

  /**
   * The host path of an absolute container path: under the longest mount containing it, else under
   * {@code rootfs}. A relative path is taken relative to {@code /}.
   */
  public Path resolve(String containerPath) {
    String p = normalize(containerPath.startsWith("/") ? containerPath : "/" + containerPath);
    for (Map.Entry<String, Path> e : mounts.entrySet()) {
      String k = e.getKey();
      if (p.equals(k)) {
        return e.getValue();
      }
      if (p.startsWith(k.endsWith("/") ? k : k + "/")) {
        return e.getValue().resolve(p.substring(k.length()).replaceFirst("^/", ""));
      }
    }
    return rootfs.resolve(p.substring(1));
  }

  /** Whether {@code containerPath} lies under a mount (or is a mapped file). */
  public boolean isMounted(String containerPath) {
    String p = normalize(containerPath);
    return mounts.keySet().stream().anyMatch(k -> p.equals(k) || p.startsWith(k + "/"));
  }

  private static String normalize(String path) {
    String p = Path.of(path).normalize().toString();
    return p.isEmpty() ? "/" : p;
  }
}
