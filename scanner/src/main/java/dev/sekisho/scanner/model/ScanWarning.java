package dev.sekisho.scanner.model;

/**
 * A problem that did not stop the scan, e.g. "cannot parse /lib/apk/db/installed in layer sha256:…:
 * line 42: …".
 *
 * @param location where, or null
 * @param message what went wrong
 */
public record ScanWarning(Location location, String message) {
  @Override
  public String toString() {
    return location == null ? message : location + ": " + message;
  }
}
