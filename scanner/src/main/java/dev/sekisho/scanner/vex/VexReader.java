package dev.sekisho.scanner.vex;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sekisho.scanner.input.DocumentException;
import dev.sekisho.scanner.input.DocumentLimits;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a VEX document in any of the three formats, told apart by their content: OpenVEX v0.2.0
 * ({@code @context} naming openvex), CycloneDX VEX 1.4 to 1.6 JSON ({@code bomFormat}) and CSAF 2.0
 * ({@code document.csaf_version}).
 *
 * <p>No maintained Java library parses OpenVEX or CSAF (the reference implementations are Go and
 * Python), so all three are read from Jackson's tree, through {@link DocumentLimits#VEX}: the size
 * is checked before parsing and the depth while parsing. CycloneDX VEX is read from the same tree
 * rather than through cyclonedx-core-java, which would parse the bytes a second time without these
 * limits and refuses VEX-only documents that leave out fields a BOM requires.
 *
 * <p>Identifiers that are not package URLs (CPEs, CycloneDX BOM-Links, plain names) cannot be
 * matched to an image's packages; statements whose products all are such are kept out, and counted
 * in {@link VexDocument#unmatchable()}.
 */
public final class VexReader {
  private static final ObjectMapper JSON = new ObjectMapper(DocumentLimits.VEX.jsonFactory());

  private VexReader() {}

  /**
   * Reads the VEX document in {@code file}.
   *
   * @throws DocumentException naming the file and the problem when it is missing, over the limits,
   *     not JSON or not a VEX document of a supported format
   */
  public static VexDocument read(Path file) throws DocumentException {
    return parse(DocumentLimits.VEX.read(file), file.toString());
  }

  /**
   * Reads a VEX document from {@code bytes}; {@code source} names it in messages and statements (a
   * file name, or a ConfigMap's namespace/name/key).
   */
  public static VexDocument parse(byte[] bytes, String source) throws DocumentException {
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new DocumentException(
          "VEX document " + DocumentLimits.VEX.describe(source, e) + " (not valid JSON)", e);
    } catch (IOException e) {
      throw new DocumentException("VEX document " + source + ": not JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw invalid(source, "not a JSON object");
    }
    String context = root.path("@context").asText("");
    if (context.toLowerCase(Locale.ROOT).contains("openvex")) {
      return new OpenVex(source).read(root);
    }
    if ("CycloneDX".equals(root.path("bomFormat").asText())) {
      return new CycloneDxVex(source).read(root);
    }
    if (root.path("document").has("csaf_version")) {
      return new CsafVex(source).read(root);
    }
    throw invalid(
        source,
        "neither OpenVEX (@context), CycloneDX (bomFormat) nor CSAF (document.csaf_version) JSON");
  }

  static DocumentException invalid(String source, String problem) {
    return new DocumentException("VEX document " + source + ": " + problem);
  }

  private static String text(JsonNode node) {
    return node == null || !node.isTextual() || node.asText().isBlank()
        ? null
        : node.asText().strip();
  }

  private static Instant instant(JsonNode node) {
    String t = text(node);
    if (t == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(t).toInstant();
    } catch (DateTimeParseException e) {
      try {
        return Instant.parse(t);
      } catch (DateTimeParseException e2) {
        return null;
      }
    }
  }

  private static Iterable<JsonNode> array(JsonNode node) {
    return node != null && node.isArray() ? node : List.of();
  }

  /** Collects statements and counts those no package URL identifies. */
  private abstract static class Format {
    final String source;
    final List<VexStatement> statements = new ArrayList<>();
    int unmatchable;

    Format(String source) {
      this.source = source;
    }

    void add(
        String vulnerability,
        List<String> aliases,
        List<VexProduct> products,
        VexStatus status,
        String justification,
        String impact,
        Instant timestamp) {
      if (products.isEmpty()) {
        unmatchable++;
        return;
      }
      statements.add(
          new VexStatement(
              source, vulnerability, aliases, products, status, justification, impact, timestamp));
    }

    VexDocument done(String format) {
      return new VexDocument(source, format, statements, unmatchable);
    }
  }

  /** OpenVEX v0.2.0 (and the v0.0.x documents of the same shape). */
  private static final class OpenVex extends Format {
    OpenVex(String source) {
      super(source);
    }

    VexDocument read(JsonNode root) throws DocumentException {
      JsonNode list = root.get("statements");
      if (list == null || !list.isArray()) {
        throw invalid(source, "OpenVEX document without a statements list");
      }
      Instant documentTime = instant(root.get("timestamp"));
      int i = 0;
      for (JsonNode s : list) {
        String where = "statements[" + i++ + "]";
        JsonNode vuln = s.path("vulnerability");
        // v0.2.0 has an object; earlier versions a plain string
        String name = vuln.isTextual() ? text(vuln) : text(vuln.get("name"));
        if (name == null) {
          name = text(vuln.get("@id"));
        }
        if (name == null) {
          throw invalid(source, where + ": no vulnerability name");
        }
        List<String> aliases = new ArrayList<>();
        for (JsonNode a : array(vuln.get("aliases"))) {
          Optional.ofNullable(text(a)).ifPresent(aliases::add);
        }
        VexStatus status = status(s.get("status"), where);
        List<VexProduct> products = new ArrayList<>();
        for (JsonNode p : array(s.get("products"))) {
          Optional<Purl> product = purlOf(p);
          if (product.isEmpty()) {
            continue;
          }
          List<Purl> subs = new ArrayList<>();
          boolean subsGiven = false;
          for (JsonNode c : array(p.get("subcomponents"))) {
            subsGiven = true;
            purlOf(c).ifPresent(subs::add);
          }
          if (subsGiven && subs.isEmpty()) {
            continue; // subcomponents named only by CPE or hash: not matchable
          }
          products.add(new VexProduct(product.get(), subs));
        }
        Instant time = instant(s.get("timestamp"));
        add(
            name,
            aliases,
            products,
            status,
            text(s.get("justification")),
            text(s.get("impact_statement")),
            time != null ? time : documentTime);
      }
      return done("OpenVEX");
    }

    private VexStatus status(JsonNode node, String where) throws DocumentException {
      String s = text(node);
      if (s != null) {
        for (VexStatus v : VexStatus.values()) {
          if (v.id().equals(s)) {
            return v;
          }
        }
      }
      throw invalid(
          source,
          where
              + ": status "
              + (s == null ? "missing" : "'" + s + "' unknown")
              + " (valid: not_affected, affected, fixed, under_investigation)");
    }

    private static Optional<Purl> purlOf(JsonNode component) {
      Optional<Purl> byId = Purl.parse(text(component.get("@id")));
      return byId.isPresent() ? byId : Purl.parse(text(component.path("identifiers").get("purl")));
    }
  }

  /**
   * CycloneDX VEX: {@code vulnerabilities[]} with {@code analysis.state} and {@code affects[].ref},
   * a bom-ref of a component (whose purl is used) or a purl itself.
   */
  private static final class CycloneDxVex extends Format {
    private final Map<String, Purl> byRef = new HashMap<>();

    CycloneDxVex(String source) {
      super(source);
    }

    VexDocument read(JsonNode root) throws DocumentException {
      JsonNode list = root.get("vulnerabilities");
      if (list == null || !list.isArray()) {
        throw invalid(source, "CycloneDX document without a vulnerabilities list (not a VEX)");
      }
      components(root.path("metadata").get("component"));
      for (JsonNode c : array(root.get("components"))) {
        components(c);
      }
      Instant documentTime = instant(root.path("metadata").get("timestamp"));
      int i = 0;
      for (JsonNode v : list) {
        String where = "vulnerabilities[" + i++ + "]";
        String id = text(v.get("id"));
        if (id == null) {
          throw invalid(source, where + ": no id");
        }
        List<String> aliases = new ArrayList<>();
        for (JsonNode r : array(v.get("references"))) {
          Optional.ofNullable(text(r.get("id"))).ifPresent(aliases::add);
        }
        JsonNode analysis = v.path("analysis");
        String state = text(analysis.get("state"));
        if (state == null) {
          continue; // no analysis: the entry states nothing about exploitability
        }
        VexStatus status;
        String justification = text(analysis.get("justification"));
        switch (state) {
          case "not_affected" -> status = VexStatus.NOT_AFFECTED;
          case "false_positive" -> {
            status = VexStatus.NOT_AFFECTED;
            justification = justification == null ? "false_positive" : justification;
          }
          case "resolved", "resolved_with_pedigree" -> status = VexStatus.FIXED;
          case "exploitable" -> status = VexStatus.AFFECTED;
          case "in_triage" -> status = VexStatus.UNDER_INVESTIGATION;
          default ->
              throw invalid(
                  source,
                  where
                      + ".analysis.state '"
                      + state
                      + "' unknown (valid: resolved, resolved_with_pedigree, exploitable,"
                      + " in_triage, false_positive, not_affected)");
        }
        List<VexProduct> products = new ArrayList<>();
        for (JsonNode a : array(v.get("affects"))) {
          String ref = text(a.get("ref"));
          Purl p = ref == null ? null : byRef.get(ref);
          if (p == null) {
            p = Purl.parse(ref).orElse(null);
          }
          if (p != null) {
            products.add(new VexProduct(p, List.of()));
          }
        }
        Instant time = instant(analysis.get("lastUpdated"));
        if (time == null) {
          time = instant(analysis.get("firstIssued"));
        }
        if (time == null) {
          time = instant(v.get("updated"));
        }
        add(
            id,
            aliases,
            products,
            status,
            justification,
            text(analysis.get("detail")),
            time != null ? time : documentTime);
      }
      return done("CycloneDX");
    }

    /** Records the purl of every component with a bom-ref, nested ones too. */
    private void components(JsonNode c) {
      if (c == null || !c.isObject()) {
        return;
      }
      String ref = text(c.get("bom-ref"));
      Optional<Purl> purl = Purl.parse(text(c.get("purl")));
      if (ref != null && purl.isPresent()) {
        byRef.put(ref, purl.get());
      }
      for (JsonNode sub : array(c.get("components"))) {
        components(sub);
      }
    }
  }

  /**
   * CSAF 2.0: {@code vulnerabilities[].product_status} lists product ids; ids resolve through the
   * product tree (branches, full product names, relationships, product groups) to purls from {@code
   * product_identification_helper}. A relationship's product is the component ({@code
   * product_reference}) within the product it relates to.
   */
  private static final class CsafVex extends Format {
    private final Map<String, Purl> products = new HashMap<>();
    private final Map<String, VexProduct> relationships = new HashMap<>();
    private final Map<String, Set<String>> groups = new HashMap<>();

    CsafVex(String source) {
      super(source);
    }

    VexDocument read(JsonNode root) throws DocumentException {
      String version = text(root.path("document").get("csaf_version"));
      if (!"2.0".equals(version)) {
        throw invalid(source, "CSAF " + version + " is not supported (2.0 is)");
      }
      JsonNode tree = root.path("product_tree");
      branches(tree.get("branches"));
      for (JsonNode p : array(tree.get("full_product_names"))) {
        product(p);
      }
      for (JsonNode r : array(tree.get("relationships"))) {
        String id = text(r.path("full_product_name").get("product_id"));
        Purl component = products.get(text(r.get("product_reference")));
        String parent = text(r.get("relates_to_product_reference"));
        Purl within = products.get(parent);
        if (id != null && component != null) {
          if (within != null) {
            relationships.put(id, new VexProduct(within, List.of(component)));
          } else if (parent == null) {
            relationships.put(id, new VexProduct(component, List.of()));
          }
          // else the parent is named without a purl (a product stream by its CPE): which images
          // it means cannot be told, and the component alone would stand for every image
        }
      }
      for (JsonNode g : array(tree.get("product_groups"))) {
        Set<String> ids = new LinkedHashSet<>();
        for (JsonNode id : array(g.get("product_ids"))) {
          Optional.ofNullable(text(id)).ifPresent(ids::add);
        }
        Optional.ofNullable(text(g.get("group_id"))).ifPresent(gid -> groups.put(gid, ids));
      }
      Instant documentTime =
          instant(root.path("document").path("tracking").get("current_release_date"));
      JsonNode list = root.get("vulnerabilities");
      if (list == null || !list.isArray()) {
        throw invalid(source, "CSAF document without a vulnerabilities list");
      }
      int i = 0;
      for (JsonNode v : list) {
        String where = "vulnerabilities[" + i++ + "]";
        String cve = text(v.get("cve"));
        List<String> ids = new ArrayList<>();
        for (JsonNode id : array(v.get("ids"))) {
          Optional.ofNullable(text(id.get("text"))).ifPresent(ids::add);
        }
        if (cve == null && ids.isEmpty()) {
          throw invalid(source, where + ": neither cve nor ids");
        }
        String name = cve != null ? cve : ids.remove(0);
        Map<String, String> justifications = labels(v.get("flags"), "label", null);
        Map<String, String> impacts = labels(v.get("threats"), "details", "impact");
        JsonNode status = v.path("product_status");
        Map<String, VexStatus> byStatus = new LinkedHashMap<>();
        byStatus.put("known_not_affected", VexStatus.NOT_AFFECTED);
        byStatus.put("fixed", VexStatus.FIXED);
        byStatus.put("first_fixed", VexStatus.FIXED);
        byStatus.put("known_affected", VexStatus.AFFECTED);
        byStatus.put("first_affected", VexStatus.AFFECTED);
        byStatus.put("last_affected", VexStatus.AFFECTED);
        byStatus.put("under_investigation", VexStatus.UNDER_INVESTIGATION);
        for (Map.Entry<String, VexStatus> e : byStatus.entrySet()) {
          for (JsonNode pid : array(status.get(e.getKey()))) {
            String id = text(pid);
            VexProduct product = resolve(id);
            add(
                name,
                ids,
                product == null ? List.of() : List.of(product),
                e.getValue(),
                justifications.get(id),
                impacts.get(id),
                documentTime);
          }
        }
      }
      return done("CSAF");
    }

    private void branches(JsonNode list) {
      for (JsonNode b : array(list)) {
        if (b.has("product")) {
          product(b.get("product"));
        }
        branches(b.get("branches"));
      }
    }

    private void product(JsonNode p) {
      String id = text(p.get("product_id"));
      Purl.parse(text(p.path("product_identification_helper").get("purl")))
          .ifPresent(purl -> products.put(id, purl));
    }

    private VexProduct resolve(String id) {
      if (id == null) {
        return null;
      }
      VexProduct r = relationships.get(id);
      if (r != null) {
        return r;
      }
      Purl p = products.get(id);
      return p == null ? null : new VexProduct(p, List.of());
    }

    /** product id → the text of each entry (of {@code category}, when given), by product. */
    private Map<String, String> labels(JsonNode list, String field, String category) {
      Map<String, String> out = new HashMap<>();
      for (JsonNode f : array(list)) {
        if (category != null && !category.equals(text(f.get("category")))) {
          continue;
        }
        String value = text(f.get(field));
        if (value == null) {
          continue;
        }
        Set<String> ids = new LinkedHashSet<>();
        for (JsonNode pid : array(f.get("product_ids"))) {
          Optional.ofNullable(text(pid)).ifPresent(ids::add);
        }
        for (JsonNode gid : array(f.get("group_ids"))) {
          ids.addAll(groups.getOrDefault(text(gid), Set.of()));
        }
        for (String id : ids) {
          out.putIfAbsent(id, value);
        }
      }
      return out;
    }
  }
}
