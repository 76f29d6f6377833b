package dev.sekisho.scanner.image.source;

import dev.sekisho.scanner.layer.SpillLimits;
import java.util.Properties;

/**
 * How much an image archive ({@code oci-archive:}, {@code docker-archive:}) may cost before a byte
 * of it is analysed. A plain tar is read in place, but its headers are indexed first: without a
 * limit, a tar of a million empty entries takes the heap. A compressed archive cannot be read at
 * random offsets and is extracted to a temporary directory: without a limit, a few megabytes of
 * gzip'd zeros fill the disk. An image archive holds a handful of files per layer (a layout's
 * blobs, or a docker save's layer tars and JSON), so both limits sit far above any real image.
 *
 * @param maxEntries entries (files, directories, links) in the archive's tar, default 100,000
 * @param maxExtractedBytes bytes a compressed archive may extract to disk, default 16 GiB
 */
public record ArchiveLimits(long maxEntries, long maxExtractedBytes) {
  /**
   * System property that sets {@link #maxEntries}, e.g. {@code
   * -Dsekisho.archive.maxEntries=1000000}.
   */
  public static final String MAX_ENTRIES_PROPERTY = "sekisho.archive.maxEntries";

  /**
   * System property that sets {@link #maxExtractedBytes}, e.g. {@code
   * -Dsekisho.archive.maxExtracted=200g}.
   */
  public static final String MAX_EXTRACTED_PROPERTY = "sekisho.archive.maxExtracted";

  public static final ArchiveLimits DEFAULT = new ArchiveLimits(100_000, 16L << 30);

  public ArchiveLimits {
    if (maxEntries < 1 || maxExtractedBytes < 0) {
      throw new IllegalArgumentException("archive limits must be positive");
    }
  }

  /**
   * The defaults, overridden by the system properties {@value #MAX_ENTRIES_PROPERTY} and {@value
   * #MAX_EXTRACTED_PROPERTY}.
   *
   * @throws IllegalArgumentException naming the property when a value is not a number or a size
   */
  public static ArchiveLimits from(Properties properties) {
    long entries = DEFAULT.maxEntries;
    String value = properties.getProperty(MAX_ENTRIES_PROPERTY);
    if (value != null && !value.isBlank()) {
      try {
        entries = Long.parseLong(value.strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "invalid -D" + MAX_ENTRIES_PROPERTY + "=" + value + ": expected a number of entries",
            e);
      }
      if (entries < 1) {
        throw new IllegalArgumentException(
            "invalid -D" + MAX_ENTRIES_PROPERTY + "=" + value + ": expected at least 1");
      }
    }
    long bytes = DEFAULT.maxExtractedBytes;
    value = properties.getProperty(MAX_EXTRACTED_PROPERTY);
    if (value != null && !value.isBlank()) {
      try {
        bytes = SpillLimits.parseSize(value);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "invalid -D"
                + MAX_EXTRACTED_PROPERTY
                + "="
                + value
                + ": expected a size such as 512m or 100g",
            e);
      }
    }
    return new ArchiveLimits(entries, bytes);
  }

  /** {@link #from(Properties)} of the JVM's system properties. */
  public static ArchiveLimits fromSystemProperties() {
    return from(System.getProperties());
  }
}
