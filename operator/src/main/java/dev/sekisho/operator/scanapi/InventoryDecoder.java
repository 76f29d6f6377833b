package dev.sekisho.operator.scanapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sekisho.scanner.model.Inventory;
import dev.sekisho.scanner.scanapi.InvalidSubmissionException;
import dev.sekisho.scanner.scanapi.ScanSubmission;

/**
 * Turns a submission's {@code inventory} into an {@link Inventory}: the scanner's own Inventory
 * JSON is bound by the contract ({@link ScanSubmission#inventoryJson}); a CycloneDX SBOM
 * (recognised by {@code bomFormat}) goes to the SBOM reader.
 */
public final class InventoryDecoder {
  /** Reads a CycloneDX JSON SBOM. */
  public interface SbomDecoder {
    Inventory read(JsonNode cycloneDx) throws ApiException;
  }

  private final ObjectMapper json;
  private final SbomDecoder sbom;

  public InventoryDecoder(ObjectMapper json, SbomDecoder sbom) {
    this.json = json;
    this.sbom = sbom;
  }

  /** The submission's inventory; 400 naming the field when it cannot be read. */
  public Inventory decode(ScanSubmission submission) throws ApiException {
    if (submission.isCycloneDx()) {
      if (sbom == null) {
        throw ScanApiServer.bad(
            "inventory", "CycloneDX SBOMs are not accepted by this operator build");
      }
      return sbom.read(submission.inventory());
    }
    try {
      return submission.inventoryJson(json);
    } catch (InvalidSubmissionException e) {
      throw new ApiException(400, e.getMessage());
    }
  }
}
