package dev.sekisho.scanner.version;

/** A version string that a version scheme cannot parse. */
public final class InvalidVersionException extends IllegalArgumentException {

  public InvalidVersionException(String scheme, String version, String reason) {
    super("invalid " + scheme + " version \"" + version + "\": " + reason);
  }
}
