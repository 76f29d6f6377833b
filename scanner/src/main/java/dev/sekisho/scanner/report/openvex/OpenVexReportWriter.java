package dev.sekisho.scanner.report.openvex;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sekisho.scanner.model.ScanReport;
import dev.sekisho.scanner.model.Vulnerability;
import dev.sekisho.scanner.policy.ExceptionUse;
import dev.sekisho.scanner.report.ReportInput;
import dev.sekisho.scanner.report.ReportWriter;
import dev.sekisho.scanner.scan.ScannerVersion;
import dev.sekisho.scanner.vex.ImagePurl;
import dev.sekisho.scanner.vex.Justifications;
import dev.sekisho.scanner.vex.Purl;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Writes what a team decided about a scan's vulnerability findings as an OpenVEX v0.2.0 document:
 * one statement per unexpired policy exception (or VEX statement) and vulnerability it excused.
 *
 * <ul>
 *   <li>product: the image's purl ({@code pkg:oci/NAME@DIGEST?repository_url=…&tag=…}); the
 *       subcomponents: the purls of the packages whose findings were excused. Without an image name
 *       (an SBOM without one) the packages are the products.
 *   <li>status: {@code not_affected} for a policy exception; a VEX statement keeps its status.
 *   <li>justification: a policy exception's reason that starts with a justification name (OpenVEX's
 *       or CycloneDX's, e.g. {@code code_not_reachable: …}) gives that justification in OpenVEX's
 *       names; the whole reason is the impact statement. A VEX statement keeps its own.
 *   <li>timestamps: the scan time (a VEX statement keeps its own when it had one).
 *   <li>{@code @id}: {@code urn:sekisho:openvex:sha256:…}, the hash of the statements without the
 *       document's timestamp, so the same decisions about the same image give the same id.
 * </ul>
 *
 * Expired exceptions and exceptions of secrets and misconfigurations are not written. A scan
 * without any gives a document with no statement (which the OpenVEX schema does not accept: there
 * is nothing to state).
 */
public final class OpenVexReportWriter implements ReportWriter {
  public static final String CONTEXT = "https://openvex.dev/ns/v0.2.0";

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .build();

  @Override
  public void write(ReportInput input, OutputStream out) throws IOException {
    MAPPER.writeValue(out, document(input));
    out.write('\n');
    out.flush();
  }

  /** The document as a JSON tree, fields in the specification's order. */
  public static ObjectNode document(ReportInput input) {
    ScanReport report = input.report();
    Instant scanned =
        report.metadata() == null || report.metadata().scannedAt() == null
            ? Instant.EPOCH
            : report.metadata().scannedAt();
    ArrayNode statements = MAPPER.createArrayNode();
    for (ObjectNode s : statements(input, scanned)) {
      statements.add(s);
    }
    ObjectNode doc = MAPPER.createObjectNode();
    doc.put("@context", CONTEXT);
    doc.put("@id", "urn:sekisho:openvex:sha256:" + sha256(statements.toString()));
    doc.put("author", "Sekisho");
    doc.put("role", "Document Creator");
    doc.put("timestamp", scanned.toString());
    doc.put("version", 1);
    String version = report.metadata() == null ? null : report.metadata().scannerVersion();
    doc.put("tooling", "Sekisho " + (version == null ? ScannerVersion.current() : version));
    doc.set("statements", statements);
    return doc;
  }

  private static List<ObjectNode> statements(ReportInput input, Instant scanned) {
    if (input.evaluation() == null) {
      return List.of();
    }
    ScanReport report = input.report();
    Optional<Purl> image = ImagePurl.of(report.image());
    // (vulnerability id, policy, exception id) → statement, sorted for a stable document
    Map<String, ObjectNode> out = new TreeMap<>();
    for (ExceptionUse use : input.evaluation().exceptions()) {
      if (use.expired()) {
        continue;
      }
      for (String id : use.coveredFindings()) {
        Set<String> purls = new LinkedHashSet<>();
        Vulnerability first = null;
        for (Vulnerability v : report.vulnerabilities()) {
          if (!v.id().equals(id) || v.pkg().purl() == null) {
            continue;
          }
          if (!use.coveredPackages().isEmpty() && !use.coveredPackages().contains(v.pkg().purl())) {
            continue;
          }
          purls.add(Purl.parse(v.pkg().purl()).map(Purl::canonical).orElse(v.pkg().purl()));
          first = first == null ? v : first;
        }
        if (first == null) {
          continue; // a secret or misconfiguration id: not a vulnerability
        }
        out.put(
            id + "\u0000" + use.policy() + "\u0000" + use.exceptionId(),
            statement(first, use, List.copyOf(purls), image, scanned));
      }
    }
    return new ArrayList<>(out.values());
  }

  private static ObjectNode statement(
      Vulnerability v, ExceptionUse use, List<String> purls, Optional<Purl> image, Instant at) {
    ObjectNode s = MAPPER.createObjectNode();
    ObjectNode vuln = s.putObject("vulnerability");
    vuln.put("name", v.id());
    if (!v.aliases().isEmpty()) {
      ArrayNode aliases = vuln.putArray("aliases");
      new LinkedHashSet<>(v.aliases()).forEach(aliases::add);
    }
    Instant time = use.isVex() && use.vex().timestamp() != null ? use.vex().timestamp() : at;
    s.put("timestamp", time.toString());
    ArrayNode products = s.putArray("products");
    if (image.isPresent()) {
      ObjectNode product = products.addObject();
      product.put("@id", image.get().canonical());
      ArrayNode subs = product.putArray("subcomponents");
      purls.forEach(p -> subs.addObject().put("@id", p));
    } else {
      purls.forEach(p -> products.addObject().put("@id", p));
    }
    String status = use.isVex() ? use.vex().status().id() : "not_affected";
    s.put("status", status);
    if (use.isVex()) {
      s.put(
          "status_notes",
          "VEX document "
              + use.vex().document()
              + (use.policy().equals("VEX") ? "" : ", policy " + use.policy()));
      String j = Justifications.openVex(use.vex().justification());
      if (j != null) {
        s.put("justification", j);
      }
      String impact = use.vex().impactStatement();
      if (impact != null) {
        s.put("impact_statement", impact);
      } else if (j == null && status.equals("not_affected")) {
        s.put("impact_statement", use.reason());
      }
      return s;
    }
    s.put(
        "status_notes",
        "policy exception "
            + use.exceptionId()
            + " of "
            + use.policy()
            + (use.expires() == null ? "" : ", expires " + use.expires()));
    String reason = use.reason() == null ? "" : use.reason().strip();
    int colon = reason.indexOf(':');
    String prefix = colon > 0 ? reason.substring(0, colon).strip().toLowerCase(Locale.ROOT) : "";
    String j = Justifications.openVex(prefix);
    if (j != null) {
      s.put("justification", j);
    }
    s.put("impact_statement", reason.isEmpty() ? "accepted by policy " + use.policy() : reason);
    return s;
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
