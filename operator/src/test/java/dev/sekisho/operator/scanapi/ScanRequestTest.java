package dev.sekisho.operator.scanapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.sekisho.scanner.model.Inventory;
import dev.sekisho.scanner.scanapi.ScanApi;
import dev.sekisho.scanner.scanapi.ScanSubmission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScanRequestTest {
  static final ObjectMapper JSON =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();
  static final String DIGEST = "sha256:" + "0123456789abcdef".repeat(4);

  static ObjectNode valid() {
    ObjectNode body = JSON.createObjectNode();
    body.put("image", "registry.example.com/shop/app:1");
    body.put("digest", DIGEST);
    body.put("platform", "linux/amd64");
    ObjectNode inv = body.putObject("inventory");
    inv.putObject("os").put("family", "debian").put("version", "12");
    inv.putArray("packages")
        .addObject()
        .put("type", "DEB")
        .put("name", "libssl3")
        .put("version", "3.0.11-1~deb12u1");
    body.putObject("tekton")
        .put("pipelineRun", "build-7x2k")
        .put("pipelineRunUid", "0e9a1c4e-8a43-4f4e-9c63-6f9a4a2d0b11")
        .put("pipeline", "build")
        .put("taskRun", "build-7x2k-scan");
    return body;
  }

  private static final InventoryDecoder DECODER = new InventoryDecoder(JSON, null);

  /** Reads a body as the scan API does: the contract, then the inventory. */
  private static ScanSubmission parse(ObjectNode body) throws ApiException {
    ScanSubmission submission = ScanApiServer.read(body, JSON);
    DECODER.decode(submission);
    return submission;
  }

  @Test
  void parsesAValidBody() throws ApiException {
    ScanSubmission r = parse(valid());
    assertThat(r.image()).isEqualTo("registry.example.com/shop/app:1");
    Inventory inventory = DECODER.decode(r);
    assertThat(inventory.packages())
        .singleElement()
        .satisfies(p -> assertThat(p.name()).isEqualTo("libssl3"));
    assertThat(inventory.os().family()).isEqualTo("debian");
    assertThat(r.tekton().pipelineRun()).isEqualTo("build-7x2k");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "image|-|field 'image' is required",
        "digest|sha256:xyz|field 'digest' must be sha256:",
        "platform|amd64|field 'platform' must be os/arch",
        "inventory|-|field 'inventory' is required",
        "tekton.pipelineRun|Not_A_Name|field 'tekton.pipelineRun' is not a Kubernetes object name",
        "tekton.pipelineRunUid|x y|field 'tekton.pipelineRunUid' is not a Kubernetes UID",
        "inventory.packages|7|field 'inventory' is not valid",
        "inventory.bomFormat|SPDX|field 'inventory.bomFormat' must be CycloneDX",
      },
      nullValues = "-")
  void refusesABadFieldNamingIt(String field, String value, String message) {
    ObjectNode body = valid();
    ObjectNode target = body;
    String[] path = field.split("\\.");
    for (int i = 0; i < path.length - 1; i++) {
      target = (ObjectNode) target.get(path[i]);
    }
    if (value == null) {
      target.remove(path[path.length - 1]);
    } else if (value.matches("\\d+")) {
      target.put(path[path.length - 1], Integer.parseInt(value));
    } else {
      target.put(path[path.length - 1], value);
    }
    assertThatThrownBy(() -> parse(body))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining(message);
  }

  @Test
  void resultNamesAreStableAndValid() throws ApiException {
    ScanSubmission r = parse(valid());
    assertThat(ScanService.resultName(r)).isEqualTo("build-7x2k-0123456789ab");
    assertThat(ScanService.resultName(r)).isEqualTo(ScanService.resultName(parse(valid())));
    ObjectNode noTekton = valid();
    noTekton.remove("tekton");
    assertThat(ScanService.resultName(parse(noTekton))).isEqualTo("scan-0123456789ab");
    ObjectNode longRun = valid();
    ((ObjectNode) longRun.get("tekton"))
        .put("pipelineRun", "a-very-long-pipeline-run-name-that-goes-on-and-on-x");
    String name = ScanService.resultName(parse(longRun));
    assertThat(name).hasSizeLessThanOrEqualTo(63).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    assertThat(ScanService.digestLabel(DIGEST)).hasSize(63);
  }

  /** The body a step before the versioned contract sent (captured from one, names replaced). */
  private static ObjectNode fromAStepBeforeApiVersion() throws Exception {
    try (var in =
        ScanRequestTest.class.getResourceAsStream("request-from-a-step-before-apiversion.json")) {
      return (ObjectNode) JSON.readTree(in);
    }
  }

  @Test
  void aStepOlderThanTheVersionedContractIsStillUnderstood() throws Exception {
    ObjectNode old = fromAStepBeforeApiVersion();
    assertThat(old.has("apiVersion")).isFalse();

    ScanSubmission read = parse(old);
    Inventory inventory = DECODER.decode(read);

    assertThat(read.apiVersion()).isEqualTo(ScanApi.API_VERSION);
    assertThat(read.tekton().pipelineRun()).isEqualTo("build-7x2k");
    assertThat(inventory.os().family()).isEqualTo("alpine");
    assertThat(inventory.packages()).extracting(p -> p.name()).contains("musl", "zlib");
    // what today's step sends for the same inventory reads to the same submission
    ScanSubmission today =
        ScanSubmission.of(
            read.image(), read.digest(), read.platform(), inventory, read.tekton(), JSON);
    ScanSubmission again = parse(JSON.valueToTree(today));
    assertThat(again).usingRecursiveComparison().ignoringFields("inventory").isEqualTo(read);
    assertThat(DECODER.decode(again)).isEqualTo(inventory);
  }

  @Test
  void anUnknownApiVersionIsA400NamingTheField() {
    ObjectNode body = valid();
    body.put("apiVersion", "scan.sekisho.dev/v9");
    assertThatThrownBy(() -> parse(body))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining("field 'apiVersion' is scan.sekisho.dev/v9")
        .hasMessageContaining(ScanApi.API_VERSION);
  }
}
