package dev.sekisho.scanner.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sekisho.api.v1alpha1.SecretAllowance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SecretsIgnoreFileTest {
  @TempDir Path temp;

  @Test
  void readsFingerprintsAndPathGlobsWithOptionalExpiryAndReason() throws Exception {
    Path file = temp.resolve("secrets-ignore");
    Files.writeString(
        file,
        """
        # test keys of the fixture suite
        0123456789abcdef0123456789abcdef expires=2027-06-30 reason=local database, team-b

        path:app/testdata/**   reason=fixtures, see TESTING.md
        path:/srv/**/*.example expires=2027-01-01T12:00:00+09:00
        1123456789abcdef0123456789abcdef
        """);

    List<SecretAllowance> allow = SecretsIgnoreFile.load(file);

    assertThat(allow).hasSize(4);
    assertThat(allow.get(0).getFingerprint()).isEqualTo("0123456789abcdef0123456789abcdef");
    assertThat(allow.get(0).getExpires()).isEqualTo(OffsetDateTime.parse("2027-06-30T00:00:00Z"));
    assertThat(allow.get(0).getReason()).isEqualTo("local database, team-b");
    assertThat(allow.get(1).getPath()).isEqualTo("app/testdata/**");
    assertThat(allow.get(1).getReason()).isEqualTo("fixtures, see TESTING.md");
    assertThat(allow.get(1).getExpires()).isEqualTo(OffsetDateTime.parse("9999-12-31T00:00:00Z"));
    assertThat(allow.get(2).getPath()).isEqualTo("srv/**/*.example");
    assertThat(allow.get(2).getExpires())
        .isEqualTo(OffsetDateTime.parse("2027-01-01T12:00:00+09:00"));
    assertThat(allow.get(3).getReason()).isEqualTo("listed in " + file + " line 6");
    // every entry is a valid allowance for the policy validator
    var spec = new dev.sekisho.api.v1alpha1.ScanPolicySpec();
    spec.setSecrets(new dev.sekisho.api.v1alpha1.SecretRules());
    spec.getSecrets().getAllow().addAll(allow);
    assertThat(PolicyValidator.validate(spec)).isEmpty();
  }

  @Test
  void badLinesAreNamedWithFileAndLine() {
    assertThatThrownBy(() -> SecretsIgnoreFile.parse("# ok\napp/.env:jwt:3\n", "ignore"))
        .isInstanceOf(PolicyFileException.class)
        .hasMessage(
            "secrets ignore file ignore line 2: 'app/.env:jwt:3' is neither a fingerprint (32"
                + " lower-case hex digits, as the reports show them) nor path:GLOB");
    assertThatThrownBy(
            () ->
                SecretsIgnoreFile.parse(
                    "0123456789abcdef0123456789abcdef expires=next-week\n", "ignore"))
        .hasMessageStartingWith(
            "secrets ignore file ignore line 1: expires='next-week' is neither");
    assertThatThrownBy(
            () -> SecretsIgnoreFile.parse("0123456789abcdef0123456789abcdef owner=me\n", "ignore"))
        .hasMessage(
            "secrets ignore file ignore line 1: unknown 'owner=me' (expected expires=DATE or"
                + " reason=TEXT)");
    assertThatThrownBy(() -> SecretsIgnoreFile.parse("path:\n", "ignore"))
        .hasMessageStartingWith("secrets ignore file ignore line 1: path '': ");
  }

  @Test
  void aMissingOrOversizedFileIsNamed() throws Exception {
    assertThatThrownBy(() -> SecretsIgnoreFile.load(temp.resolve("none")))
        .hasMessage("secrets ignore file " + temp.resolve("none") + " does not exist");
    Path big = temp.resolve("big");
    Files.write(big, new byte[(1 << 20) + 1]);
    assertThatThrownBy(() -> SecretsIgnoreFile.load(big))
        .hasMessageContaining("more than the limit of")
        .hasMessageContaining("allow whole directories with path globs");
  }
}
