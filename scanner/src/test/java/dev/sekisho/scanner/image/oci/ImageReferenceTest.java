package dev.sekisho.scanner.image.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;
import org.junit.jupiter.params.provider.CsvSource;

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
    // one grammar: the lenient split of a valid reference is the validated one
    assertThat(ImageReference.parseLenient(input)).isEqualTo(ref);
  }

  @ParameterizedTest(name = "[{index}] \"{0}\"")
  @CsvFileSource(
      resources = "/image/references-invalid.csv",
      delimiter = '|',
      quoteCharacter = '\'')
  void theLenientSplitNeverFails(String input, String problem) {
    ImageReference ref = ImageReference.parseLenient(input);
    assertThat(ref.repository()).isNotNull();
    assertThat(ref.forms()).isNotEmpty();
  }

  /**
   * Names read from documents (a ScanResult's image, a base-image annotation): split with the
   * Docker host rule and normalised as Docker does, whatever their digest looks like.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      nullValues = "-",
      value = {
        "nginx, docker.io, library/nginx, -, -",
        "nginx:1.27, docker.io, library/nginx, 1.27, -",
        "library/nginx:1.27, docker.io, library/nginx, 1.27, -",
        "index.docker.io/team/app, docker.io, team/app, -, -",
        "registry.example.com/team/app:v1, registry.example.com, team/app, v1, -",
        "localhost/app, localhost, app, -, -",
        "127.0.0.1:5000/app:1, 127.0.0.1:5000, app, 1, -",
        "registry:5000/app, registry:5000, app, -, -",
        "ghcr.io/o/app@sha256:abc, ghcr.io, o/app, -, sha256:abc",
        "ghcr.io/o/app:v2@sha256:abc, ghcr.io, o/app, v2, sha256:abc",
        "' debian:12 ', docker.io, library/debian, 12, -",
      })
  void splitsNamesFromDocumentsLeniently(
      String input, String registry, String repository, String tag, String digest) {
    assertThat(ImageReference.parseLenient(input))
        .isEqualTo(new ImageReference(registry, repository, tag, digest));
  }

  @Test
  void formsSpellADockerHubNameEveryWayAGlobMayName() {
    assertThat(ImageReference.parse("nginx:1.27").forms())
        .containsExactly(
            "docker.io/library/nginx",
            "docker.io/library/nginx:1.27",
            "library/nginx",
            "library/nginx:1.27",
            "nginx",
            "nginx:1.27");
    String d = "sha256:" + "a".repeat(64);
    assertThat(ImageReference.parse("registry.example.com/team/app:v1@" + d).forms())
        .containsExactly(
            "registry.example.com/team/app",
            "registry.example.com/team/app:v1",
            "registry.example.com/team/app@" + d,
            "registry.example.com/team/app:v1@" + d);
  }

  @Test
  void aNameWithoutRegistryIsSpelledAsItsRepository() {
    ImageReference local = new ImageReference(null, "team/app", "1", null);
    assertThat(local.forms()).containsExactly("team/app", "team/app:1");
    assertThat(local.toString()).isEqualTo("team/app:1");
    assertThat(new ImageReference(null, "", null, null).forms()).containsExactly("");
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

  @Test
  void manifestReferencePrefersDigestThenTagThenLatest() {
    assertThat(ImageReference.parse("a").manifestReference()).isEqualTo("latest");
    assertThat(ImageReference.parse("a:1").manifestReference()).isEqualTo("1");
    String d = "sha256:" + "ab".repeat(32);
    assertThat(ImageReference.parse("a:1@" + d).manifestReference()).isEqualTo(d);
    assertThat(ImageReference.parse("a@" + d).effectiveTag()).isNull();
    assertThat(ImageReference.parse("a").effectiveTag()).isEqualTo("latest");
  }
}
