package dev.sekisho.scanner.vex;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A statement covers no more than it names: an image only by digest or repository, a fixed version
 * only with a version, a CSAF component only inside a parent that has a purl.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class VexScopeTest {
  private static final Purl APP =
      Purl.parse(
              "pkg:oci/app@sha256%3A" + "a".repeat(64) + "?repository_url=r.example%2Fteam%2Fapp")
          .orElseThrow();
  private static final Purl OTHER_APP =
      Purl.parse(
              "pkg:oci/app@sha256%3A" + "b".repeat(64) + "?repository_url=evil.example%2Fx%2Fapp")
          .orElseThrow();
  private static final Purl LODASH_OLD = Purl.parse("pkg:npm/lodash@4.17.15").orElseThrow();

  private static VexStatement openVex(String product, String subcomponent, String status) {
    String sub =
        subcomponent == null ? "" : ",\"subcomponents\":[{\"@id\":\"" + subcomponent + "\"}]";
    String justification =
        status.equals("not_affected") ? ",\"justification\":\"vulnerable_code_not_present\"" : "";
    String doc =
        "{\"@context\":\"https://openvex.dev/ns/v0.2.0\",\"@id\":\"https://example.com/vex/1\","
            + "\"author\":\"t\",\"timestamp\":\"2026-11-20T10:00:00Z\",\"version\":1,"
            + "\"statements\":[{\"vulnerability\":{\"name\":\"CVE-2020-8203\"},"
            + "\"products\":[{\"@id\":\""
            + product
            + "\""
            + sub
            + "}],\"status\":\""
            + status
            + "\""
            + justification
            + "}]}";
    try {
      return VexReader.parse(doc.getBytes(StandardCharsets.UTF_8), "scope.json")
          .statements()
          .getFirst();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void anImageNamedByItsLastPathSegmentAloneCoversNoImage() {
    VexStatement bare = openVex("pkg:oci/app", "pkg:npm/lodash", "not_affected");
    assertThat(VexStatements.about(bare, APP, LODASH_OLD)).isFalse();
    assertThat(VexStatements.about(bare, OTHER_APP, LODASH_OLD)).isFalse();

    VexStatement byRepository =
        openVex("pkg:oci/app?repository_url=r.example/team/app", "pkg:npm/lodash", "not_affected");
    assertThat(VexStatements.about(byRepository, APP, LODASH_OLD)).isTrue();
    assertThat(VexStatements.about(byRepository, OTHER_APP, LODASH_OLD)).isFalse();
  }

  @Test
  void fixedWithoutAVersionHidesNoVersion() {
    assertThat(VexStatements.about(openVex("pkg:npm/lodash", null, "fixed"), null, LODASH_OLD))
        .isFalse();
    assertThat(
            VexStatements.about(openVex("pkg:npm/lodash@4.17.15", null, "fixed"), null, LODASH_OLD))
        .isTrue();
    assertThat(
            VexStatements.about(
                openVex("pkg:oci/app?repository_url=r.example/team/app", "pkg:npm/lodash", "fixed"),
                APP,
                LODASH_OLD))
        .isFalse();
    // not_affected without a version still covers every version, as documented
    assertThat(
            VexStatements.about(openVex("pkg:npm/lodash", null, "not_affected"), null, LODASH_OLD))
        .isTrue();
  }

  @Test
  void aCsafComponentOfAProductWithoutAPurlCoversNothing() throws Exception {
    // Red Hat style: the parent product stream is named by a CPE only
    String doc =
        new String(VexFixtures.bytes("csaf-vex.json"), StandardCharsets.UTF_8)
            .replace(
                "\"product_identification_helper\": {\"purl\": \"pkg:oci/app?repository_url=registry.example.com/team/app\"}",
                "\"product_identification_helper\": {\"cpe\": \"cpe:/o:example:app:1\"}");
    assertThat(doc).contains("cpe:/o:example:app:1").doesNotContain("pkg:oci/app");
    VexDocument read = VexReader.parse(doc.getBytes(StandardCharsets.UTF_8), "csaf.json");
    Purl log4j = Purl.parse("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1").orElseThrow();
    assertThat(read.statements())
        .noneMatch(s -> VexStatements.about(s, OTHER_APP, log4j) && s.status().suppresses());
  }
}
