package dev.sekisho.cli;

import static dev.sekisho.scanner.vulndb.OsvFixtures.rec;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sekisho.scanner.testing.OciLayoutBuilder;
import dev.sekisho.scanner.testing.TarBuilder;
import dev.sekisho.scanner.vulndb.OsvFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Third-party dependency trees are skipped by the secret scanner unless {@code
 * --secrets-in-dependencies} asks for them; the two settings never share layer-cache entries.
 */
class SecretsInDependenciesTest {
  /** A token of GitHub's classic form, generated for this test. */
  private static final String TOKEN = "ghp_" + "Q7rT2xK9mW4pZ8vN3bL6cY1hJ5dF0gS2aE7u";

  @TempDir static Path work;
  static Path db;
  static String target;
  static Map<String, String> env;

  @BeforeAll
  static void imageAndDatabase() throws Exception {
    OciLayoutBuilder oci = new OciLayoutBuilder(work.resolve("layout"));
    OciLayoutBuilder.LayerBlob layer =
        oci.layer(
            new TarBuilder()
                .file("srv/app/config.js", "const token = \"" + TOKEN + "\";\n")
                .file(
                    "srv/app/node_modules/some-sdk/test/fixture.js",
                    "const token = \"" + TOKEN + "\";\n")
                .tar(),
            "COPY app /srv/app");
    oci.tag(oci.image(OciLayoutBuilder.object(), List.of(layer), null, "amd64"), "t");
    target = "oci:" + oci.finish() + ":t";

    Path archive = work.resolve("Alpine-all.zip");
    Files.write(
        archive,
        OsvFixtures.zip(
            List.of(
                rec("ALPINE-CVE-2099-1").affected("Alpine:v3.20", "zlib", List.of("i:0"), null)),
            Map.of()));
    db = work.resolve("db");
    env = Map.of("HOME", work.resolve("home").toString());
    CliRun imported = CliRun.run(env, "db", "import", "--db", db.toString(), archive.toString());
    assertThat(imported.exitCode()).as(imported.err()).isZero();
  }

  @Test
  void dependencyTreesAreSkippedUnlessAskedFor() throws Exception {
    assertThat(secretPaths(scan())).containsExactly("/srv/app/config.js");
    assertThat(secretPaths(scan("--secrets-in-dependencies")))
        .containsExactly("/srv/app/config.js", "/srv/app/node_modules/some-sdk/test/fixture.js");
    // the layer cache, filled by both runs, keeps their results apart
    assertThat(secretPaths(scan())).containsExactly("/srv/app/config.js");
  }

  private static JsonNode scan(String... extra) throws Exception {
    Path report = Files.createTempFile(work, "report", ".json");
    List<String> args =
        new ArrayList<>(
            List.of(
                "scan",
                "--db",
                db.toString(),
                "--offline",
                "--format",
                "json",
                "--output",
                report.toString()));
    args.addAll(List.of(extra));
    args.add(target);
    CliRun r = CliRun.run(env, args.toArray(String[]::new));
    assertThat(r.exitCode()).as(r.all()).isZero();
    return new ObjectMapper().readTree(report.toFile());
  }

  /** The files with secrets (one file may hold findings of several rules). */
  private static List<String> secretPaths(JsonNode report) {
    java.util.TreeSet<String> paths = new java.util.TreeSet<>();
    report.path("secrets").forEach(s -> paths.add(s.path("location").path("path").asText()));
    return List.copyOf(paths);
  }
}
