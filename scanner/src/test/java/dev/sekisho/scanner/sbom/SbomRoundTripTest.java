package dev.sekisho.scanner.sbom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.sekisho.scanner.analyzer.AnalysisResult;
import dev.sekisho.scanner.analyzer.FixtureInput;
import dev.sekisho.scanner.analyzer.FixtureTree;
import dev.sekisho.scanner.analyzer.list.Analyzers;
import dev.sekisho.scanner.model.ImageFacts;
import dev.sekisho.scanner.model.Inventory;
import dev.sekisho.scanner.model.OperatingSystem;
import dev.sekisho.scanner.model.Package;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.cyclonedx.exception.ParseException;
import org.cyclonedx.parsers.JsonParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An inventory made by the real analyzers from the fixture trees (dpkg, npm, Python, apk) goes out
 * as CycloneDX 1.6 and SPDX 2.3, is validated against each format's published schema (offline) and
 * read back as a scan target.
 */
class SbomRoundTripTest {
  private static Inventory inventory;
  @TempDir Path tmp;

  @BeforeAll
  static void inventoryFromFixtures() {
    List<Package> packages = new ArrayList<>();
    for (String dir : List.of("/npm", "/python")) {
      FixtureTree.analyze(
              FixtureTree.resourceDir(dir),
              Analyzers.all().toArray(new dev.sekisho.scanner.analyzer.Analyzer[0]))
          .forEach(r -> packages.addAll(r.packages()));
    }
    for (String[] file :
        List.of(
            new String[] {"var/lib/dpkg/status", "/dpkg/status-subset"},
            new String[] {"lib/apk/db/installed", "/apk/installed"})) {
      try {
        AnalysisResult r =
            FixtureInput.resource(file[0], file[1])
                .analyzeWith(
                    Analyzers.all().stream()
                        .filter(
                            a ->
                                a.required(
                                    file[0], new dev.sekisho.scanner.analyzer.FileInfo(1, 0644)))
                        .findFirst()
                        .orElseThrow());
        packages.addAll(r.packages());
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
    ImageFacts image =
        new ImageFacts(
            "registry.example/team/app:1.0",
            "registry.example",
            "team/app",
            "1.0",
            "sha256:" + "ab".repeat(32),
            "linux/amd64",
            null,
            null,
            null,
            false,
            null,
            null,
            null,
            null);
    inventory =
        new Inventory(
            image,
            new OperatingSystem("debian", "12", "bookworm", "Debian GNU/Linux 12 (bookworm)"),
            packages,
            null,
            null);
    assertThat(packages).hasSizeGreaterThan(50);
  }

  @Test
  void cycloneDxIsValidAndReadsBackToTheSameInventory() throws Exception {
    String json = new CycloneDxWriter("0.1.0").toJson(inventory);
    List<ParseException> problems = new JsonParser().validate(json, CycloneDxWriter.VERSION);
    assertThat(problems).isEmpty();

    Path file = tmp.resolve("sbom.cdx.json");
    Files.writeString(file, json);
    Inventory back = SbomReader.read(file);
    assertThat(identities(back.packages())).isEqualTo(identities(inventory.packages()));
    assertThat(back.packages()).hasSameSizeAs(inventory.packages());
    assertThat(back.os()).isEqualTo(inventory.os());
    assertThat(back.image().reference()).isEqualTo(inventory.image().reference());
    assertThat(back.image().digest()).isEqualTo(inventory.image().digest());
    assertThat(back.warnings()).isEmpty();
    // exact names, sources, licenses and locations survive too
    assertThat(back.packages())
        .containsExactlyInAnyOrderElementsOf(
            inventory.packages().stream().map(SbomRoundTripTest::withoutMetadata).toList());
  }

  @Test
  void spdxIsValidAgainstThePublishedSchemaAndReadsBack() throws Exception {
    String json = new SpdxWriter("0.1.0").toJson(inventory);
    JsonSchema schema;
    try (InputStream in = getClass().getResourceAsStream("/resources/spdx-schema-v2.3.json")) {
      schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(in);
    }
    JsonNode doc = new ObjectMapper().readTree(json);
    Set<ValidationMessage> problems = schema.validate(doc);
    assertThat(problems).isEmpty();

    Path file = tmp.resolve("sbom.spdx.json");
    Files.writeString(file, json);
    Inventory back = SbomReader.read(file);
    assertThat(identities(back.packages())).isEqualTo(identities(inventory.packages()));
    assertThat(back.os().family()).isEqualTo("debian");
    assertThat(back.os().version()).isEqualTo("12");
    assertThat(back.image().reference()).isEqualTo(inventory.image().reference());
  }

  @Test
  void schemaValidationCatchesABrokenDocument() throws Exception {
    // the validators are not vacuous: a component without its required name fails
    String json =
        new CycloneDxWriter("0.1.0").toJson(inventory).replaceFirst("\"name\" : \"[^\"]*\",", "");
    assertThat(new JsonParser().validate(json, CycloneDxWriter.VERSION)).isNotEmpty();
  }

  @Test
  void neitherFormatIsAClearError() throws IOException {
    Path file = tmp.resolve("x.json");
    Files.writeString(file, "{\"hello\": 1}");
    assertThatThrownBy(() -> SbomReader.read(file))
        .isInstanceOf(SbomFormatException.class)
        .hasMessageContaining("x.json")
        .hasMessageContaining("neither CycloneDX");
    Files.writeString(file, "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.2\"}");
    assertThatThrownBy(() -> SbomReader.read(file))
        .hasMessageContaining("CycloneDX 1.2 is not supported");
  }

  private static Package withoutMetadata(Package p) {
    return new Package(
        p.type(),
        p.name(),
        p.version(),
        p.sourceName(),
        p.sourceVersion(),
        p.licenses(),
        p.purl(),
        p.location(),
        null);
  }

  private static Set<String> identities(List<Package> packages) {
    return packages.stream()
        .map(p -> p.type() + " " + p.name() + " " + p.version() + " " + p.purl())
        .collect(Collectors.toSet());
  }
}
