package dev.sekisho.operator.resultspec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageRefTest {
  @ParameterizedTest
  @CsvSource(
      nullValues = "-",
      value = {
        "nginx, -, nginx, -",
        "nginx:1.27, -, nginx, 1.27",
        "library/nginx:1.27, -, library/nginx, 1.27",
        "registry.example.com/team/app:v1, registry.example.com, team/app, v1",
        "localhost/app, localhost, app, -",
        "127.0.0.1:5000/app:1, 127.0.0.1:5000, app, 1",
        "registry:5000/app, registry:5000, app, -",
        "ghcr.io/o/app@sha256:abc, ghcr.io, o/app, -",
        "ghcr.io/o/app:v2@sha256:abc, ghcr.io, o/app, v2",
      })
  void parses(String reference, String registry, String repository, String tag) {
    assertThat(ImageRef.parse(reference)).isEqualTo(new ImageRef(registry, repository, tag));
  }
}
