package dev.sekisho.operator.scanapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sekisho.scanner.model.Inventory;
import dev.sekisho.scanner.sbom.SbomFormatException;
import dev.sekisho.scanner.sbom.SbomReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a CycloneDX SBOM posted as the inventory with the scanner's {@link SbomReader}, which reads
 * files: the SBOM is written to a temporary file in {@code dir} and deleted afterwards.
 */
public final class SbomFileDecoder implements InventoryDecoder.SbomDecoder {
  private final ObjectMapper json;
  private final Path dir;

  public SbomFileDecoder(ObjectMapper json, Path dir) {
    this.json = json;
    this.dir = dir;
  }

  @Override
  public Inventory read(JsonNode cycloneDx) throws ApiException {
    Path file = null;
    try {
      file = Files.createTempFile(dir, "sbom-", ".cdx.json");
      json.writeValue(file.toFile(), cycloneDx);
      return SbomReader.read(file);
    } catch (SbomFormatException e) {
      String message = e.getMessage() == null ? "" : e.getMessage();
      int colon = message.indexOf(": ");
      throw ScanApiServer.bad(
          "inventory",
          "is not a valid SBOM: " + (colon > 0 ? message.substring(colon + 2) : message));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot stage the posted SBOM in " + dir, e);
    } finally {
      if (file != null) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException ignored) {
          // a leftover temporary file is harmless
        }
      }
    }
  }
}
