package dev.sekisho.operator.scanapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sekisho.scanner.model.Inventory;

/**
 * Turns the request's {@code inventory} into an {@link Inventory}: the scanner's own Inventory JSON
 * is read directly; a CycloneDX SBOM (recognised by {@code bomFormat}) goes to the SBOM reader.
 */
public final class InventoryDecoder {
  /** Reads a CycloneDX JSON SBOM; absent until the scanner's SBOM reader is wired in. */
  public interface SbomDecoder {
    Inventory read(JsonNode cycloneDx) throws ApiException;
  }

  private final ObjectMapper json;
  private final SbomDecoder sbom;

  public InventoryDecoder(ObjectMapper json, SbomDecoder sbom) {
    this.json = json;
    this.sbom = sbom;
  }

  public Inventory decode(JsonNode inventory) throws ApiException {
    if (inventory.has("bomFormat")) {
      if (!"CycloneDX".equals(inventory.get("bomFormat").asText())) {
        throw ScanRequest.bad("inventory.bomFormat", "must be CycloneDX");
      }
      if (sbom == null) {
        throw ScanRequest.bad(
            "inventory", "CycloneDX SBOMs are not accepted by this operator build");
      }
      return sbom.read(inventory);
    }
    return ScanRequest.convert(json, inventory, Inventory.class, "inventory");
  }
}
