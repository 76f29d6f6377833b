package dev.sekisho.scanner.analyzer;

import java.util.List;
import java.util.Properties;

/**
 * How much of one package database or lockfile the analyzers read, so that a hostile or broken file
 * (a 2 GiB status file of NUL bytes, a lockfile of millions of entries) costs bounded memory. Each
 * limit gives a warning naming the file when it is reached, never a silent truncation; the analyzer
 * returns what it read up to there.
 *
 * <p>The defaults are far above real files (the largest dpkg status of a full Ubuntu desktop is
 * about 10 MB with some 5,000 packages; large monorepo lockfiles hold tens of thousands of
 * entries). They can be raised with system properties, e.g. {@code
 * SEKISHO_JAVA_OPTS=-Dsekisho.analyzer.maxFileSize=268435456}; a changed limit is part of the layer
 * cache key, so results read under other limits are not reused.
 */
public final class AnalyzerLimits {
  /** System property for {@link #maxFileBytes()}. */
  public static final String MAX_FILE_SIZE = "sekisho.analyzer.maxFileSize";

  /** System property for {@link #maxLineBytes()}. */
  public static final String MAX_LINE_LENGTH = "sekisho.analyzer.maxLineLength";

  /** System property for {@link #maxPackagesPerFile()}. */
  public static final String MAX_PACKAGES = "sekisho.analyzer.maxPackagesPerFile";

  /** Default of {@link #maxFileBytes()}: 64 MiB. */
  public static final long DEFAULT_MAX_FILE_BYTES = 64L << 20;

  /** Default of {@link #maxLineBytes()}: 64 KiB. */
  public static final int DEFAULT_MAX_LINE_BYTES = 64 << 10;

  /** Default of {@link #maxPackagesPerFile()}. */
  public static final int DEFAULT_MAX_PACKAGES = 100_000;

  /** Warnings kept per file; further problems are counted in one last warning. */
  public static final int MAX_WARNINGS_PER_FILE = 100;

  /** Deepest nesting of JSON objects and arrays read. */
  public static final int MAX_JSON_DEPTH = 256;

  /**
   * The values, read on first use: kept apart from the outer class so that {@link
   * #validate(Properties)} can run before they are read.
   */
  private static final class Values {
    static final long MAX_FILE_BYTES =
        longProperty(MAX_FILE_SIZE, DEFAULT_MAX_FILE_BYTES, 1, Long.MAX_VALUE);
    static final int MAX_LINE_BYTES =
        (int) longProperty(MAX_LINE_LENGTH, DEFAULT_MAX_LINE_BYTES, 1, Integer.MAX_VALUE - 16);
    static final int MAX_PACKAGES_PER_FILE =
        (int) longProperty(MAX_PACKAGES, DEFAULT_MAX_PACKAGES, 1, Integer.MAX_VALUE);
  }

  private AnalyzerLimits() {}

  /** Bytes read of one package database or lockfile; the rest is not read. */
  public static long maxFileBytes() {
    return Values.MAX_FILE_BYTES;
  }

  /** Longest line of a line-based database, and longest JSON string, in bytes. */
  public static int maxLineBytes() {
    return Values.MAX_LINE_BYTES;
  }

  /** Packages taken from one file; the rest of the file is not read. */
  public static int maxPackagesPerFile() {
    return Values.MAX_PACKAGES_PER_FILE;
  }

  /**
   * The part of the layer cache key for these limits: empty with the defaults (so existing cache
   * entries stay valid), else the values, so results read under other limits are not reused.
   */
  public static String cacheKey() {
    if (Values.MAX_FILE_BYTES == DEFAULT_MAX_FILE_BYTES
        && Values.MAX_LINE_BYTES == DEFAULT_MAX_LINE_BYTES
        && Values.MAX_PACKAGES_PER_FILE == DEFAULT_MAX_PACKAGES) {
      return "";
    }
    return "|limits:"
        + Values.MAX_FILE_BYTES
        + ","
        + Values.MAX_LINE_BYTES
        + ","
        + Values.MAX_PACKAGES_PER_FILE;
  }

  /** How to raise the limit set by {@code property}, for warnings. */
  static String howToRaise(String property) {
    return "raise with SEKISHO_JAVA_OPTS=-D" + property + "=N";
  }

  /**
   * Checks the limits' system properties, so that a front end can report a malformed one as the
   * user's input error before the first analyzer reads them (a failure in this class's static
   * initialiser would surface as an internal error with no message).
   *
   * @throws IllegalArgumentException naming the property and its value
   */
  public static void validate(Properties properties) {
    for (String name : List.of(MAX_FILE_SIZE, MAX_LINE_LENGTH, MAX_PACKAGES)) {
      parse(name, properties.getProperty(name), 0, 1, Long.MAX_VALUE);
    }
  }

  private static long longProperty(String name, long fallback, long min, long max) {
    return parse(name, System.getProperty(name), fallback, min, max);
  }

  private static long parse(String name, String value, long fallback, long min, long max) {
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      long parsed = Long.parseLong(value.strip());
      return parsed < min ? min : Math.min(parsed, max);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "invalid -D" + name + "=" + value + ": expected a whole number", e);
    }
  }
}
