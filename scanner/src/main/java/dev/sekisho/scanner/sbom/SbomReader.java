package dev.sekisho.scanner.sbom;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.packageurl.PackageURL;
import dev.sekisho.scanner.analyzer.PackageUrls;
import dev.sekisho.scanner.input.DocumentException;
import dev.sekisho.scanner.input.DocumentLimits;
import dev.sekisho.scanner.model.ImageFacts;
import dev.sekisho.scanner.model.Inventory;
import dev.sekisho.scanner.model.Location;
import dev.sekisho.scanner.model.OperatingSystem;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.PackageType;
import dev.sekisho.scanner.model.ScanWarning;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cyclonedx.exception.ParseException;
import org.cyclonedx.model.Bom;
import org.cyclonedx.model.Component;
import org.cyclonedx.model.License;
import org.cyclonedx.model.Property;
import org.cyclonedx.parsers.JsonParser;

/**
 * Reads an SBOM made by Sekisho or another tool as a scan target: CycloneDX 1.4 to 1.6 JSON (parsed
 * with cyclonedx-core-java) or SPDX 2.3 JSON. Packages come from component and package purls
 * (components without a purl of a known type are left out, with a warning count); the operating
 * system from the operating-system component or package; image facts from the CycloneDX metadata
 * component or the SPDX described package.
 */
public final class SbomReader {
  private static final ObjectMapper JSON = new ObjectMapper(DocumentLimits.SBOM.jsonFactory());
  private static final Set<String> CYCLONEDX_VERSIONS = Set.of("1.4", "1.5", "1.6");

  private SbomReader() {}

  /**
   * Reads the SBOM in {@code file}.
   *
   * @throws SbomFormatException when the file is neither a supported CycloneDX nor SPDX JSON
   *     document; the message names the file and the problem
   */
  public static Inventory read(Path file) throws IOException {
    byte[] bytes;
    try {
      bytes = DocumentLimits.SBOM.read(file);
    } catch (DocumentException e) {
      throw new SbomFormatException(e.getMessage());
    }
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw invalid(file, DocumentLimits.location(e) + ": not valid JSON", e);
    }
    if (root == null || !root.isObject()) {
      throw invalid(file, ": not a JSON object");
    }
    String source = file.getFileName().toString();
    if ("CycloneDX".equals(root.path("bomFormat").asText())) {
      String version = root.path("specVersion").asText();
      if (!CYCLONEDX_VERSIONS.contains(version)) {
        throw invalid(file, ": CycloneDX " + version + " is not supported (1.4 to 1.6 are)");
      }
      Bom bom;
      try {
        bom = new JsonParser().parse(bytes);
      } catch (ParseException | RuntimeException e) {
        throw invalid(file, ": invalid CycloneDX", e);
      }
      return fromCycloneDx(bom, source);
    }
    String spdx = root.path("spdxVersion").asText("");
    if (!spdx.isEmpty()) {
      if (!spdx.equals(SpdxDocument.VERSION)) {
        throw invalid(file, ": " + spdx + " is not supported (SPDX-2.3 is)");
      }
      SpdxDocument doc;
      try {
        doc = JSON.treeToValue(root, SpdxDocument.class);
      } catch (JsonProcessingException | RuntimeException e) {
        throw invalid(file, ": invalid SPDX", e);
      }
      return fromSpdx(doc, source);
    }
    throw invalid(file, ": neither CycloneDX (bomFormat) nor SPDX (spdxVersion) JSON");
  }

  private static SbomFormatException invalid(Path file, String problem) {
    return new SbomFormatException("SBOM " + file + problem);
  }

  /**
   * The problem in plain words: the field and what was wrong with it when Jackson says (also when
   * cyclonedx-core-java wraps Jackson's exception), never Jackson's own message with type names.
   */
  private static SbomFormatException invalid(Path file, String what, Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof JsonMappingException m && !DocumentLimits.fieldPath(m).isEmpty()) {
        return invalid(
            file,
            what
                + ": field '"
                + DocumentLimits.fieldPath(m)
                + "': "
                + DocumentLimits.SBOM.problem(m));
      }
      if (t instanceof JsonProcessingException j) {
        return invalid(file, what + ": " + DocumentLimits.SBOM.problem(j));
      }
    }
    return invalid(file, what + ": " + DocumentLimits.plain(e.getMessage()));
  }

  static Inventory fromCycloneDx(Bom bom, String source) {
    ImageFacts image = null;
    if (bom.getMetadata() != null && bom.getMetadata().getComponent() != null) {
      Component c = bom.getMetadata().getComponent();
      image = image(c.getName(), c.getVersion());
    }
    OperatingSystem os = null;
    List<Package> packages = new ArrayList<>();
    int skipped = 0;
    for (Component c : flatten(bom.getComponents())) {
      Map<String, String> props = properties(c.getProperties());
      if (c.getType() == Component.Type.OPERATING_SYSTEM) {
        os =
            new OperatingSystem(
                c.getName(),
                c.getVersion(),
                props.get(SbomProperties.OS_CODENAME),
                c.getDescription());
        continue;
      }
      List<String> licenses = new ArrayList<>();
      if (c.getLicenses() != null) {
        if (c.getLicenses().getLicenses() != null) {
          for (License l : c.getLicenses().getLicenses()) {
            licenses.add(l.getId() != null ? l.getId() : l.getName());
          }
        }
        if (c.getLicenses().getExpression() != null) {
          licenses.add(c.getLicenses().getExpression().getValue());
        }
      }
      Package p = toPackage(c.getPurl(), c.getName(), c.getVersion(), licenses, props, source);
      if (p == null) {
        skipped++;
      } else {
        packages.add(p);
      }
    }
    return new Inventory(image, os, packages, null, skippedWarning(skipped, source));
  }

  static Inventory fromSpdx(SpdxDocument doc, String source) {
    String described = null;
    if (doc.relationships() != null) {
      for (SpdxDocument.Relationship r : doc.relationships()) {
        if (SpdxDocument.DOCUMENT_ID.equals(r.spdxElementId())
            && "DESCRIBES".equals(r.relationshipType())) {
          described = r.relatedSpdxElement();
        }
      }
    }
    ImageFacts image = null;
    OperatingSystem os = null;
    List<Package> packages = new ArrayList<>();
    int skipped = 0;
    for (SpdxDocument.SpdxPackage sp :
        doc.packages() == null ? List.<SpdxDocument.SpdxPackage>of() : doc.packages()) {
      if (sp.spdxId() != null
          && sp.spdxId().equals(described)
          && "CONTAINER".equals(sp.primaryPackagePurpose())) {
        image = image(sp.name(), sp.versionInfo());
        continue;
      }
      if (isOperatingSystem(sp.primaryPackagePurpose()) && purlOf(sp) == null) {
        os = new OperatingSystem(sp.name(), sp.versionInfo(), null, sp.comment());
        continue;
      }
      List<String> licenses = new ArrayList<>();
      String declared = sp.licenseDeclared();
      if (declared != null && !declared.equals("NOASSERTION") && !declared.equals("NONE")) {
        licenses.add(declared);
      } else if (sp.licenseComments() != null && sp.licenseComments().startsWith("declared: ")) {
        licenses.addAll(List.of(sp.licenseComments().substring(10).split("; ")));
      }
      String purl = purlOf(sp);
      if (purl == null && sp.spdxId() != null && sp.spdxId().equals(described)) {
        continue; // the described root (e.g. a directory or image without purl)
      }
      Package p = toPackage(purl, sp.name(), sp.versionInfo(), licenses, Map.of(), source);
      if (p == null) {
        skipped++;
      } else {
        packages.add(p);
      }
    }
    return new Inventory(image, os, packages, null, skippedWarning(skipped, source));
  }

  /** The JSON schema spells it OPERATING_SYSTEM; the spec's tag-value form OPERATING-SYSTEM. */
  private static boolean isOperatingSystem(String purpose) {
    return "OPERATING_SYSTEM".equals(purpose) || "OPERATING-SYSTEM".equals(purpose);
  }

  private static String purlOf(SpdxDocument.SpdxPackage sp) {
    if (sp.externalRefs() == null) {
      return null;
    }
    for (SpdxDocument.ExternalRef r : sp.externalRefs()) {
      if ("purl".equals(r.referenceType())) {
        return r.referenceLocator();
      }
    }
    return null;
  }

  private static Package toPackage(
      String purlText,
      String name,
      String version,
      List<String> licenses,
      Map<String, String> props,
      String source) {
    PackageURL purl = SbomProperties.parse(purlText);
    PackageType type =
        SbomProperties.typeOf(
            props.getOrDefault(SbomProperties.TYPE, purl == null ? "" : purl.getType()));
    if (type == null) {
      return null;
    }
    String pkgName = props.get(SbomProperties.NAME);
    if (pkgName == null) {
      pkgName = purl != null ? SbomProperties.nameOf(purl) : name;
      // purls normalise some names (PyPI lower case); keep the declared spelling when it agrees
      if (name != null && normalized(name).equals(normalized(pkgName))) {
        pkgName = name;
      }
    }
    String pkgVersion = purl != null && purl.getVersion() != null ? purl.getVersion() : version;
    if (pkgName == null || pkgName.isEmpty() || pkgVersion == null || pkgVersion.isEmpty()) {
      return null;
    }
    String path = props.getOrDefault(SbomProperties.PATH, source);
    String sourceName = props.get(SbomProperties.SOURCE_NAME);
    if (sourceName == null && purl != null && purl.getQualifiers() != null) {
      sourceName = purl.getQualifiers().get("upstream");
    }
    return new Package(
        type,
        pkgName,
        pkgVersion,
        sourceName,
        props.get(SbomProperties.SOURCE_VERSION),
        licenses,
        purl == null ? null : PackageUrls.canonical(purl),
        new Location(props.get(SbomProperties.LAYER), path),
        null);
  }

  private static String normalized(String name) {
    return name.toLowerCase(java.util.Locale.ROOT).replaceAll("[-_.]+", "-");
  }

  private static ImageFacts image(String name, String version) {
    String digest = version != null && version.startsWith("sha256:") ? version : null;
    return new ImageFacts(
        name, null, null, null, digest, null, null, null, null, false, null, null, null, null);
  }

  private static List<Component> flatten(List<Component> components) {
    List<Component> out = new ArrayList<>();
    if (components != null) {
      for (Component c : components) {
        out.add(c);
        out.addAll(flatten(c.getComponents()));
      }
    }
    return out;
  }

  private static Map<String, String> properties(List<Property> props) {
    Map<String, String> out = new HashMap<>();
    if (props != null) {
      for (Property p : props) {
        out.putIfAbsent(p.getName(), p.getValue());
      }
    }
    return out;
  }

  private static List<ScanWarning> skippedWarning(int skipped, String source) {
    if (skipped == 0) {
      return List.of();
    }
    return List.of(
        new ScanWarning(
            new Location(null, source),
            skipped + " components without a purl of a supported ecosystem were left out"));
  }
}
