package dev.sekisho.scanner.secret;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.scanner.model.Location;
import dev.sekisho.scanner.model.SecretFinding;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A finding's fingerprint names one secret in one file: the same whatever layer holds the file and
 * wherever the line moves, different for another secret, another file or another rule.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SecretFingerprintTest {
  private static final String LAYER_1 = "sha256:" + "1".repeat(64);
  private static final String LAYER_2 = "sha256:" + "2".repeat(64);
  private final SecretScanner scanner = SecretScanner.withDefaults();

  private List<SecretFinding> scan(String content, String layer, String path) {
    byte[] data = content.getBytes(StandardCharsets.UTF_8);
    return scanner.scan(data, data.length, new Location(layer, path));
  }

  @Test
  void stableAcrossLayersAndLineShifts() {
    String env = SecretScannerTest.generate("DB_PASSWORD=@alnum_24@\n", 21);
    SecretFinding first = scan(env, LAYER_1, "/app/.env").getFirst();
    SecretFinding moved =
        scan("# added later\nAPP_NAME=shop\n\n" + env, LAYER_2, "/app/.env").getFirst();

    assertThat(first.line()).isEqualTo(1);
    assertThat(moved.line()).isEqualTo(4);
    assertThat(first.fingerprint()).matches(SecretFingerprint.FORMAT.pattern());
    assertThat(moved.fingerprint()).isEqualTo(first.fingerprint());
    // a leading slash or none: the same file
    assertThat(SecretFingerprint.of("generic-secret-assignment", "app/.env", "x1Y2z3W4v5U6"))
        .isEqualTo(SecretFingerprint.of("generic-secret-assignment", "/app/.env", "x1Y2z3W4v5U6"));
  }

  @Test
  void anotherSecretFileOrRuleIsAnotherFingerprint() {
    String two =
        SecretScannerTest.generate("DB_PASSWORD=@alnum_24@\nCACHE_PASSWORD=@alnum_24@\n", 22);
    List<SecretFinding> found = scan(two, LAYER_1, "/app/.env");
    assertThat(found).hasSize(2);
    assertThat(found.get(0).fingerprint()).isNotEqualTo(found.get(1).fingerprint());

    String env = SecretScannerTest.generate("DB_PASSWORD=@alnum_24@\n", 23);
    assertThat(scan(env, LAYER_1, "/app/.env").getFirst().fingerprint())
        .isNotEqualTo(scan(env, LAYER_1, "/srv/.env").getFirst().fingerprint());
    String rotated = SecretScannerTest.generate("DB_PASSWORD=@alnum_24@\n", 24);
    assertThat(scan(env, LAYER_1, "/app/.env").getFirst().fingerprint())
        .isNotEqualTo(scan(rotated, LAYER_1, "/app/.env").getFirst().fingerprint());
    assertThat(SecretFingerprint.of("jwt", "app/a", "eyJabc.eyJdef.ghi"))
        .isNotEqualTo(
            SecretFingerprint.of("generic-secret-assignment", "app/a", "eyJabc.eyJdef.ghi"));
  }

  @Test
  void isNotAPlainHashOfTheSecret() throws Exception {
    String secret = "hunter2hunter2";
    String sha256 =
        java.util.HexFormat.of()
            .formatHex(
                java.security.MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
    String fingerprint = SecretFingerprint.of("generic-secret-assignment", "app/.env", secret);
    assertThat(sha256).doesNotContain(fingerprint);
    assertThat(fingerprint).hasSize(32);
  }
}
