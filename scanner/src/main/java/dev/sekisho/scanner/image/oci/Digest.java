package dev.sekisho.scanner.image.oci;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A content digest {@code ALGORITHM:HEX} as OCI defines it. Only sha256 and sha512 can be verified.
 *
 * @param algorithm e.g. sha256
 * @param hex lower-case hex encoding
 */
public record Digest(String algorithm, String hex) {

  private static final Pattern ALGORITHM = Pattern.compile("[a-z0-9]+(?:[+._-][a-z0-9]+)*");
  private static final Pattern HEX = Pattern.compile("[a-f0-9]{32,}");

  public Digest {
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(hex, "hex");
  }

  /**
   * Parses {@code ALGORITHM:HEX}.
   *
   * @throws IllegalArgumentException with a message naming the input
   */
  public static Digest parse(String s) {
    int colon = s == null ? -1 : s.indexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("invalid digest \"" + s + "\": expected ALGORITHM:HEX");
    }
    String algorithm = s.substring(0, colon);
    String hex = s.substring(colon + 1);
    if (!ALGORITHM.matcher(algorithm).matches()) {
      throw new IllegalArgumentException(
          "invalid digest \"" + s + "\": bad algorithm \"" + algorithm + "\"");
    }
    if (!HEX.matcher(hex).matches()) {
      throw new IllegalArgumentException(
          "invalid digest \""
              + s
              + "\": the encoded part must be at least 32 lower-case hex digits");
    }
    int expected =
        switch (algorithm) {
          case "sha256" -> 64;
          case "sha512" -> 128;
          default -> -1;
        };
    if (expected > 0 && hex.length() != expected) {
      throw new IllegalArgumentException(
          "invalid digest \"" + s + "\": " + algorithm + " needs " + expected + " hex digits");
    }
    return new Digest(algorithm, hex);
  }

  /** The sha256 digest of some bytes. */
  public static Digest sha256(byte[] bytes) {
    try {
      return new Digest(
          "sha256", HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** A fresh message digest for this algorithm. */
  public MessageDigest newMessageDigest() {
    String jca =
        switch (algorithm) {
          case "sha256" -> "SHA-256";
          case "sha512" -> "SHA-512";
          default ->
              throw new IllegalArgumentException(
                  "cannot verify digest " + this + ": unsupported algorithm " + algorithm);
        };
    try {
      return MessageDigest.getInstance(jca);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no " + jca, e);
    }
  }

  /** True when this digest is of the given bytes. */
  public boolean matches(byte[] bytes) {
    return HexFormat.of().formatHex(newMessageDigest().digest(bytes)).equals(hex);
  }

  @Override
  public String toString() {
    return algorithm + ":" + hex;
  }
}
