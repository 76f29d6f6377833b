package dev.sekisho.scanner.scanapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.sekisho.api.v1alpha1.Severity;
import dev.sekisho.scanner.model.ImageFacts;
import dev.sekisho.scanner.model.Inventory;
import dev.sekisho.scanner.model.Location;
import dev.sekisho.scanner.model.OperatingSystem;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.PackageType;
import dev.sekisho.scanner.model.SecretFinding;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The scan API contract: what the step writes is what the operator reads, version included. */
@Timeout(30)
class ScanSubmissionTest {
  /** As the step and the operator configure their mappers. */
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .build();

  private static final String DIGEST = "sha256:" + "0123456789abcdef".repeat(4);

  private static Inventory inventory() {
    ImageFacts facts =
        new ImageFacts(
            "registry.example.com/shop/app:1",
            "registry.example.com",
            "shop/app",
            "1",
            DIGEST,
            "linux/amd64",
            "1001",
            List.of("8080/tcp"),
            List.of("PATH"),
            false,
            Map.of("team", "shop"),
            Map.of(),
            Instant.parse("2026-11-01T10:00:00Z"),
            null);
    Package libssl =
        new Package(
            PackageType.DEB, "libssl3", "3.0.11-1~deb12u1", null, null, null, null, null, null);
    SecretFinding secret =
        new SecretFinding(
            "aws-access-key-id", "AWS key", Severity.High, new Location(null, "/app/.env"), 3, "");
    return new Inventory(
        facts,
        new OperatingSystem("debian", "12", null, "Debian GNU/Linux 12 (bookworm)"),
        List.of(libssl),
        List.of(secret),
        List.of());
  }

  private static ScanSubmission.Tekton tekton() {
    return new ScanSubmission.Tekton(
        "build-7x2k", "0e9a1c4e-8a43-4f4e-9c63-6f9a4a2d0b11", "build-7x2k-scan", "build");
  }

  /** The field names of a JSON object, in order. */
  private static final class FieldNames {
    static List<String> of(JsonNode node) {
      List<String> names = new java.util.ArrayList<>();
      node.fieldNames().forEachRemaining(names::add);
      return List.copyOf(names);
    }
  }

  @Test
  void whatTheStepWritesTheOperatorReadsBackUnchanged() throws Exception {
    ScanSubmission sent =
        ScanSubmission.of(
            "registry.example.com/shop/app:1", DIGEST, "linux/amd64", inventory(), tekton(), JSON);
    JsonNode wire = JSON.readTree(JSON.writeValueAsBytes(sent));

    ScanSubmission read = ScanSubmission.read(wire, JSON);

    assertThat(wire.path("apiVersion").asText()).isEqualTo(ScanApi.API_VERSION);
    // the fields steps have always sent, plus the version: nothing else goes on the wire
    assertThat(FieldNames.of(wire))
        .containsExactly(
            "apiVersion",
            "image",
            "digest",
            "platform",
            "inventory",
            "imageFacts",
            "secrets",
            "tekton");
    assertThat(FieldNames.of(wire.get("tekton")))
        .containsExactly("pipelineRun", "pipelineRunUid", "taskRun", "pipeline");
    assertThat(read).isEqualTo(sent);
    assertThat(read.inventoryJson(JSON)).isEqualTo(inventory());
  }

  @Test
  void aBodyWithoutApiVersionIsReadAsTheFirstVersion() throws Exception {
    ScanSubmission sent =
        ScanSubmission.of("registry.example.com/shop/app:1", DIGEST, null, inventory(), null, JSON);
    ObjectNode wire = JSON.valueToTree(sent);
    wire.remove("apiVersion");

    ScanSubmission read = ScanSubmission.read(wire, JSON);

    assertThat(read.apiVersion()).isEqualTo(ScanApi.API_VERSION);
    assertThat(read).isEqualTo(sent);
  }

  @Test
  void anUnknownVersionIsRefusedNamingTheFieldAndTheVersionSpoken() {
    ObjectNode wire =
        JSON.valueToTree(
            ScanSubmission.of(
                "registry.example.com/shop/app:1", DIGEST, null, inventory(), null, JSON));
    wire.put("apiVersion", "scan.sekisho.dev/v2");

    assertThatThrownBy(() -> ScanSubmission.read(wire, JSON))
        .isInstanceOfSatisfying(
            InvalidSubmissionException.class, e -> assertThat(e.field()).isEqualTo("apiVersion"))
        .hasMessageContaining("field 'apiVersion' is scan.sekisho.dev/v2")
        .hasMessageContaining("accepts " + ScanApi.API_VERSION);
  }

  @Test
  void fieldsANewerStepAddsAreIgnored() throws Exception {
    ObjectNode wire =
        JSON.valueToTree(
            ScanSubmission.of(
                "registry.example.com/shop/app:1", DIGEST, null, inventory(), tekton(), JSON));
    wire.put("somethingNew", true);
    ((ObjectNode) wire.get("tekton")).put("somethingElse", "x");

    assertThat(ScanSubmission.read(wire, JSON).tekton()).isEqualTo(tekton());
  }

  @Test
  void aFieldOfTheWrongShapeIsNamedWithItsPath() {
    ObjectNode wire =
        JSON.valueToTree(
            ScanSubmission.of(
                "registry.example.com/shop/app:1", DIGEST, null, inventory(), null, JSON));
    ((ObjectNode) wire.get("secrets").get(0)).put("line", "not a number");

    assertThatThrownBy(() -> ScanSubmission.read(wire, JSON))
        .isInstanceOfSatisfying(
            InvalidSubmissionException.class,
            e -> assertThat(e.field()).isEqualTo("secrets[0].line"))
        .hasMessageStartingWith("field 'secrets[0].line' is not valid: ");
  }

  @Test
  void theAnswerRoundTripsAndAnOlderOperatorsAnswerStillReads() throws Exception {
    ScanAnswer answer =
        new ScanAnswer(
            ScanApi.API_VERSION,
            "Fail",
            "shop",
            "build-7x2k-0123456789ab",
            "ScanPolicy/shop/no-high",
            new ScanAnswer.Summary(0, 1, 1, 0, 0, 1, 0, 3, 0, 2),
            List.of(
                new ScanAnswer.PolicyOutcome(
                    "ScanPolicy", "shop", "no-high", "Enforce", "Fail", 1, 0)),
            List.of(
                new ScanAnswer.Violation(
                    "ScanPolicy/shop/no-high",
                    "vulnerabilities.failOn",
                    "CVE-2024-5535",
                    "libssl3",
                    "Enforce",
                    "High")),
            1,
            List.of(),
            null);
    assertThat(JSON.readValue(JSON.writeValueAsBytes(answer), ScanAnswer.class)).isEqualTo(answer);

    // as operators before the contract wrote it: no apiVersion, a summary with fewer counts
    String older =
        """
        {"verdict":"Pass","namespace":"shop","scanResult":"scan-0123456789ab",
         "decidingPolicy":null,"summary":{"critical":0,"high":2,"fixable":1},
         "policies":[],"violations":[],"violationCount":0,"findings":[],
         "stoppedPipelineRun":null}
        """;
    ScanAnswer read = JSON.readValue(older, ScanAnswer.class);
    assertThat(read.apiVersion()).isNull();
    assertThat(read.verdict()).isEqualTo("Pass");
    assertThat(read.summary().high()).isEqualTo(2);
    assertThat(read.summary().medium()).isZero();
  }

  @Test
  void anInventoryTheModelRefusesIsNamedNotThrown() throws Exception {
    ObjectNode wire =
        JSON.valueToTree(
            ScanSubmission.of(
                "registry.example.com/shop/app:1", DIGEST, null, inventory(), null, JSON));
    ((ObjectNode) wire.get("inventory")).putArray("packages").addNull();
    ScanSubmission read = ScanSubmission.read(wire, JSON);

    assertThatThrownBy(() -> read.inventoryJson(JSON))
        .isInstanceOfSatisfying(
            InvalidSubmissionException.class, e -> assertThat(e.field()).isEqualTo("inventory"))
        .hasMessageStartingWith("field 'inventory' is not valid: ");
  }
}
