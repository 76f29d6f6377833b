package dev.sekisho.scanner.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.scanner.model.ImageFacts;
import dev.sekisho.scanner.model.Misconfiguration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;

class ImageChecksTest {

  private static ImageFacts image(String user, List<String> ports, List<String> env, String tag) {
    return new ImageFacts(
        "registry.example.com/team/app" + (tag == null ? "" : ":" + tag),
        "registry.example.com",
        "team/app",
        tag,
        null,
        "linux/amd64",
        user,
        ports,
        env,
        false,
        Map.of(),
        Map.of(),
        null,
        List.of());
  }

  @ParameterizedTest(name = "USER ''{0}'' root={1}")
  @CsvFileSource(resources = "root-users.csv")
  void rootUser(String user, boolean root) {
    var found = ImageChecks.rootUser(image(user, null, null, "1.0"));
    assertThat(found.isPresent()).isEqualTo(root);
    found.ifPresent(m -> assertThat(m.checkId()).isEqualTo("config/root-user"));
  }

  @ParameterizedTest(name = "{0} secret={1}")
  @CsvFileSource(resources = "secret-env-names.csv")
  void secretEnvNames(String name, boolean secret) {
    List<Misconfiguration> found = ImageChecks.secretEnv(image("app", null, List.of(name), "1"));
    assertThat(found).hasSize(secret ? 1 : 0);
    assertThat(found).allSatisfy(m -> assertThat(m.checkId()).isEqualTo("config/secret-env"));
  }

  @ParameterizedTest(name = "exposed {0}, forbidden {1}")
  @CsvFileSource(resources = "ports.csv")
  void forbiddenPorts(String exposed, String forbidden, String expected) {
    List<Integer> ports = Arrays.stream(forbidden.split(" ")).map(Integer::valueOf).toList();
    List<Misconfiguration> found =
        ImageChecks.forbiddenPorts(image("app", List.of(exposed.split(" ")), null, "1"), ports);
    List<String> titles =
        expected == null || expected.isEmpty()
            ? List.of()
            : Arrays.stream(expected.split(" "))
                .map(p -> "Image exposes forbidden port " + p)
                .toList();
    assertThat(found).extracting(Misconfiguration::title).containsExactlyElementsOf(titles);
  }

  @Test
  void latestTagAndMissingTag() {
    assertThat(ImageChecks.latestTag(image("app", null, null, "latest"))).isPresent();
    assertThat(ImageChecks.latestTag(image("app", null, null, null))).isPresent();
    assertThat(ImageChecks.latestTag(image("app", null, null, "1.27"))).isEmpty();
  }

  @Test
  void defaultsRunTheParameterlessChecksWithTheDefaultPorts() {
    ImageFacts facts = image("", List.of("22/tcp", "8080/tcp"), List.of("API_TOKEN"), "latest");
    assertThat(ImageChecks.defaults(facts))
        .extracting(Misconfiguration::checkId)
        .containsExactly(
            "config/root-user",
            "config/latest-tag",
            "config/forbidden-port",
            "config/no-healthcheck",
            "config/secret-env");
  }
}
