package dev.sekisho.scanner.secret;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.regex.Pattern;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * The fingerprint of a secret finding: 32 lower-case hex digits that name one secret in one file,
 * the same in every scan and whatever layer holds the file, for allow-lists ({@code
 * secrets.allow[].fingerprint} in policies, the CLI's {@code --secrets-ignore} file).
 *
 * <p>It is PBKDF2-HMAC-SHA256 of the secret's value, salted with the rule id and the file's path
 * (without a leading slash), {@value #ITERATIONS} iterations, 128 bits. What goes in, and why:
 *
 * <ul>
 *   <li>the rule id and the path: an allowed test key at {@code app/testdata/key.pem} does not also
 *       allow the same key copied to {@code etc/ssl/private}; salting with them also means no
 *       precomputed table serves two fingerprints;
 *   <li>the value itself: a rotated or newly added secret in an allowed file is a new finding that
 *       someone must look at again, and two secrets of one rule in one file are told apart;
 *   <li>not the line number, unlike gitleaks' {@code file:rule:line} (written for a commit, where a
 *       line is fixed): in an image, an edit above the secret moves it and must not revive a
 *       reviewed finding;
 *   <li>not the layer digest: a rebuild puts the same file into a new layer.
 * </ul>
 *
 * The value is hashed slowly, not with one SHA-256, because the fingerprint is shown in every
 * report: a fast hash of a short password would let anyone who reads the report test guesses at the
 * speed of SHA-256. Each guess costs {@value #ITERATIONS} HMAC rounds instead, and only a few files
 * have findings, so scans stay fast.
 */
public final class SecretFingerprint {
  /** PBKDF2 iterations (as WPA2's key derivation). */
  static final int ITERATIONS = 4096;

  /** The form of a fingerprint. */
  public static final Pattern FORMAT = Pattern.compile("^[0-9a-f]{32}$");

  private SecretFingerprint() {}

  /**
   * @param ruleId the rule that found the secret
   * @param path the file's path, with or without a leading slash
   * @param secret the secret's value as read (ISO-8859-1 characters of the file's bytes)
   */
  public static String of(String ruleId, String path, String secret) {
    String relative = path.startsWith("/") ? path.substring(1) : path;
    byte[] salt =
        ("sekisho-secret-v1\0" + ruleId + "\0" + relative).getBytes(StandardCharsets.UTF_8);
    PBEKeySpec spec = new PBEKeySpec(secret.toCharArray(), salt, ITERATIONS, 128);
    try {
      byte[] key =
          SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
      return HexFormat.of().formatHex(key);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 is required of every Java platform", e);
    } finally {
      spec.clearPassword();
    }
  }
}
