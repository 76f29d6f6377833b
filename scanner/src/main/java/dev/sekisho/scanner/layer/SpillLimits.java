package dev.sekisho.scanner.layer;

import java.util.Locale;
import java.util.Properties;

/**
 * How much of an image may be copied to temporary files during one scan. Analyzers that need random
 * access (jar central directories, ELF sections of Go and Rust binaries, the rpm databases) get a
 * file over {@link LayerWalker#DEFAULT_MEMORY_LIMIT} as a temporary copy; a layer is compressed, so
 * without a limit a few megabytes of gzip'd zeros declared as a large jar or executable would be
 * written out as gigabytes. A file over {@code maxFileBytes}, or one whose copy would take the
 * scan's copies over {@code maxTotalBytes} in all, is not copied: it is skipped with a warning.
 *
 * @param maxFileBytes the largest file copied (default 1 GiB: Go binaries of a few hundred MiB
 *     exist, jars rarely pass 300 MiB)
 * @param maxTotalBytes the bytes copied over a whole scan, every temporary copy counted (default 8
 *     GiB); at most one copy per layer being walked is on disk at a time, and each is deleted as
 *     soon as its analyzers return
 */
public record SpillLimits(long maxFileBytes, long maxTotalBytes) {
  /** System property that sets {@link #maxFileBytes}, e.g. {@code -Dsekisho.temp.maxFile=2g}. */
  public static final String MAX_FILE_PROPERTY = "sekisho.temp.maxFile";

  /** System property that sets {@link #maxTotalBytes}, e.g. {@code -Dsekisho.temp.maxTotal=32g}. */
  public static final String MAX_TOTAL_PROPERTY = "sekisho.temp.maxTotal";

  public static final SpillLimits DEFAULT = new SpillLimits(1L << 30, 8L << 30);

  public SpillLimits {
    if (maxFileBytes < 0 || maxTotalBytes < 0) {
      throw new IllegalArgumentException("spill limits must not be negative");
    }
  }

  /**
   * The defaults, overridden by the system properties {@value #MAX_FILE_PROPERTY} and {@value
   * #MAX_TOTAL_PROPERTY} (sizes such as {@code 1073741824}, {@code 512m}, {@code 2g}).
   *
   * @throws IllegalArgumentException naming the property when a value is not a size
   */
  public static SpillLimits from(Properties properties) {
    return new SpillLimits(
        size(properties, MAX_FILE_PROPERTY, DEFAULT.maxFileBytes),
        size(properties, MAX_TOTAL_PROPERTY, DEFAULT.maxTotalBytes));
  }

  /** {@link #from(Properties)} of the JVM's system properties. */
  public static SpillLimits fromSystemProperties() {
    return from(System.getProperties());
  }

  private static long size(Properties properties, String name, long fallback) {
    String value = properties.getProperty(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      return parseSize(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "invalid -D" + name + "=" + value + ": expected a size such as 512m or 2g", e);
    }
  }

  /** "123", "64k", "512m", "2g", "1t" (binary units, case-insensitive, an optional "b" or "ib"). */
  public static long parseSize(String text) {
    String s = text.strip().toLowerCase(Locale.ROOT);
    if (s.endsWith("ib")) {
      s = s.substring(0, s.length() - 2);
    } else if (s.endsWith("b")) {
      s = s.substring(0, s.length() - 1);
    }
    int shift = 0;
    if (!s.isEmpty()) {
      switch (s.charAt(s.length() - 1)) {
        case 'k' -> shift = 10;
        case 'm' -> shift = 20;
        case 'g' -> shift = 30;
        case 't' -> shift = 40;
        default -> shift = -1;
      }
      if (shift >= 0) {
        s = s.substring(0, s.length() - 1);
      } else {
        shift = 0;
      }
    }
    long n = Long.parseLong(s.strip()); // NumberFormatException is an IllegalArgumentException
    if (n < 0 || n > (Long.MAX_VALUE >> shift)) {
      throw new IllegalArgumentException("size out of range: " + text);
    }
    return n << shift;
  }

  /** A size for messages: "1.0 GiB", "600 MiB", "123 bytes". */
  public static String describe(long bytes) {
    if (bytes >= 1L << 30) {
      return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }
    if (bytes >= 1L << 20) {
      return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
    }
    if (bytes >= 1L << 10) {
      return String.format(Locale.ROOT, "%.1f KiB", bytes / (double) (1L << 10));
    }
    return bytes + " bytes";
  }
}
