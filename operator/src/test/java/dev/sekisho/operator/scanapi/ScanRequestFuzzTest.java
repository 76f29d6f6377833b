package dev.sekisho.operator.scanapi;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sekisho.scanner.scanapi.ScanSubmission;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes the scan API's request decoding as the server runs it: the body read as JSON with the
 * operator's mapper, then validated into a {@link ScanRequest} (the scanner's Inventory JSON, or a
 * CycloneDX SBOM through the scanner's SBOM reader), then named. Any body gives a request or an
 * {@link ApiException} (a 4xx with a message); anything else would be a 500.
 */
class ScanRequestFuzzTest {
  private static final int MAX_INPUT = 16 << 10;
  private static final ObjectMapper JSON = ScanApiServer.json();
  private static final InventoryDecoder DECODER =
      new InventoryDecoder(
          JSON, new SbomFileDecoder(JSON, Path.of(System.getProperty("java.io.tmpdir"))));

  @FuzzTest(maxDuration = "2m")
  @Timeout(10)
  void scanRequest(byte[] data) {
    if (data.length > MAX_INPUT) {
      return;
    }
    JsonNode body;
    try {
      body = JSON.readTree(data);
    } catch (IOException notJson) {
      return; // the server answers 400 "the body is not JSON"
    }
    try {
      ScanSubmission request = ScanApiServer.read(body, JSON);
      DECODER.decode(request);
      ScanService.resultName(request);
    } catch (ApiException expected) {
      // documented: 400 naming the field
    }
  }
}
