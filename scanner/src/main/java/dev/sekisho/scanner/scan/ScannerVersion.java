package dev.sekisho.scanner.scan;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The scanner's version, from the build (Maven's project version). */
public final class ScannerVersion {
  private static final String VERSION = load();

  private ScannerVersion() {}

  /** E.g. "0.1.0" or "0.1.0-SNAPSHOT". */
  public static String current() {
    return VERSION;
  }

  private static String load() {
    try (InputStream in = ScannerVersion.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
