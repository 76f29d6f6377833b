package dev.sekisho.scanner.image.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;

class ImageReferenceTest {

  @ParameterizedTest(name = "{0}")
  @CsvFileSource(resources = "/image/references-valid.csv", delimiter = '|')
  void parsesAndNormalises(
      String input,
      String registry,
      String repository,
      String tag,
      String digest,
      String normalised) {
    ImageReference ref = ImageReference.parse(input);
    assertThat(ref.registry()).isEqualTo(registry);
    assertThat(ref.repository()).isEqualTo(repository);
    assertThat(ref.tag()).isEqualTo(tag);
    assertThat(ref.digest()).isEqualTo(digest);
    assertThat(ref.toString()).isEqualTo(normalised);
    // the normalised form parses to the same reference
    assertThat(ImageReference.parse(ref.toString())).isEqualTo(ref);
  }

  @ParameterizedTest(name = "[{index}] \"{0}\"")
  @CsvFileSource(
      resources = "/image/references-invalid.csv",
      delimiter = '|',
      quoteCharacter = '\'')
  void rejectsWithAMessageNamingInputAndProblem(String input, String problem) {
    String given = input == null ? "" : input;
    assertThatThrownBy(() -> ImageReference.parse(given))
        .isInstanceOf(InvalidReferenceException.class)
        .hasMessageContaining("\"" + given + "\"")
        .hasMessageContaining(problem);
  }

  @org.junit.jupiter.api.Test
  void manifestReferencePrefersDigestThenTagThenLatest() {
    assertThat(ImageReference.parse("a").manifestReference()).isEqualTo("latest");
    assertThat(ImageReference.parse("a:1").manifestReference()).isEqualTo("1");
    String d = "sha256:" + "ab".repeat(32);
    assertThat(ImageReference.parse("a:1@" + d).manifestReference()).isEqualTo(d);
    assertThat(ImageReference.parse("a@" + d).effectiveTag()).isNull();
    assertThat(ImageReference.parse("a").effectiveTag()).isEqualTo("latest");
  }
}
