package dev.sekisho.scanner.report.cyclonedx;

import dev.sekisho.api.v1alpha1.Severity;
import dev.sekisho.scanner.cvss.Cvss;
import dev.sekisho.scanner.model.Inventory;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.PackageMetadata;
import dev.sekisho.scanner.model.Reachability;
import dev.sekisho.scanner.model.ScanReport;
import dev.sekisho.scanner.model.Vulnerability;
import dev.sekisho.scanner.policy.ExceptionUse;
import dev.sekisho.scanner.report.FindingOrder;
import dev.sekisho.scanner.report.ReportInput;
import dev.sekisho.scanner.sbom.CycloneDxWriter;
import dev.sekisho.scanner.scan.ScannerVersion;
import dev.sekisho.scanner.vex.Justifications;
import dev.sekisho.scanner.vex.VexStatement;
import dev.sekisho.scanner.vex.VexStatus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.cyclonedx.model.Bom;
import org.cyclonedx.model.Component;
import org.cyclonedx.model.License;
import org.cyclonedx.model.LicenseChoice;
import org.cyclonedx.model.Property;
import org.cyclonedx.model.vulnerability.Vulnerability.Affect;
import org.cyclonedx.model.vulnerability.Vulnerability.Analysis;
import org.cyclonedx.model.vulnerability.Vulnerability.Rating;
import org.cyclonedx.model.vulnerability.Vulnerability.Reference;
import org.cyclonedx.model.vulnerability.Vulnerability.Source;

/**
 * Maps a scan to a CycloneDX 1.6 BOM: the inventory as {@link CycloneDxWriter} writes it (image as
 * metadata component, one component per package), one vulnerability per finding (affecting its
 * package's component), and, for findings an unexpired policy exception excuses, a VEX analysis:
 *
 * <ul>
 *   <li>reason starting with a CycloneDX justification ({@code code_not_reachable: …}, {@code
 *       requires_configuration: …}, …): state {@code not_affected} with that justification;
 *   <li>reason starting with {@code false_positive:}: state {@code false_positive};
 *   <li>any other reason (an accepted risk): state {@code exploitable}, response {@code
 *       will_not_fix};
 * </ul>
 *
 * and the reason, policy and expiry as the analysis detail.
 */
public final class CycloneDxReportMapper {
  private CycloneDxReportMapper() {}

  /** The BOM of {@code input}: the inventory helper's BOM plus the vulnerabilities. */
  public static Bom toBom(ReportInput input) {
    ScanReport report = input.report();
    String version = report.metadata() == null ? null : report.metadata().scannerVersion();
    Bom bom =
        new CycloneDxWriter(version == null ? ScannerVersion.current() : version)
            .toBom(
                new Inventory(
                    report.image(),
                    report.os(),
                    report.packages(),
                    report.secrets(),
                    report.warnings()));
    bom.setSerialNumber("urn:uuid:" + serial(report));
    if (report.metadata() != null && report.metadata().scannedAt() != null) {
      bom.getMetadata().setTimestamp(Date.from(report.metadata().scannedAt()));
    }
    // CycloneDxWriter names the components pkg-<index in the inventory's package list>
    Map<Package, String> refs = new HashMap<>();
    for (int i = 0; i < report.packages().size(); i++) {
      refs.putIfAbsent(report.packages().get(i), "pkg-" + i);
    }
    // archives without a declared group hold one package each: found again by place and version
    Map<List<Object>, String> archiveRefs = new HashMap<>();
    for (int i = 0; i < report.packages().size(); i++) {
      Package p = report.packages().get(i);
      if (p.metadata() instanceof PackageMetadata.Java j && !j.groupDeclared()) {
        archiveRefs.putIfAbsent(archiveKey(p), "pkg-" + i);
      }
    }
    List<Component> components = new ArrayList<>(bom.getComponents());
    List<org.cyclonedx.model.vulnerability.Vulnerability> vulns = new ArrayList<>();
    int n = 0;
    for (Vulnerability v :
        report.vulnerabilities().stream().sorted(FindingOrder.VULNERABILITIES).toList()) {
      String ref = refs.get(v.pkg());
      if (ref == null && inferredGroup(v.pkg())) {
        // matched under an inferred Maven group: the archive is the inventory's component
        ref = archiveRefs.get(archiveKey(v.pkg()));
      }
      if (ref == null) {
        // a finding for a package missing from the inventory list: add it, so affects resolves
        ref = "pkg-extra-" + n;
        refs.put(v.pkg(), ref);
        components.add(component(v.pkg(), ref));
      }
      vulns.add(vulnerability(v, ref, "vuln-" + n++, input));
    }
    bom.setComponents(components);
    bom.setVulnerabilities(vulns);
    return bom;
  }

  private static boolean inferredGroup(Package p) {
    return p.metadata() instanceof PackageMetadata.Java j && j.groupInference() != null;
  }

  private static List<Object> archiveKey(Package p) {
    return Arrays.asList(p.location(), p.version());
  }

  private static String serial(ScanReport report) {
    // stable per image and scan time, so the same scan maps to the same serial number
    String seed =
        (report.image() == null ? "" : report.image().reference() + report.image().digest())
            + (report.metadata() == null ? "" : String.valueOf(report.metadata().scannedAt()));
    return UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString();
  }

  private static Component component(Package p, String ref) {
    Component c = new Component();
    c.setType(Component.Type.LIBRARY);
    c.setBomRef(ref);
    c.setName(p.name());
    c.setVersion(p.version());
    if (p.purl() != null) {
      c.setPurl(p.purl());
    }
    if (!p.licenses().isEmpty()) {
      LicenseChoice licenses = new LicenseChoice();
      for (String l : p.licenses()) {
        License license = new License();
        license.setName(l);
        licenses.addLicense(license);
      }
      c.setLicenses(licenses);
    }
    List<Property> props = new ArrayList<>();
    addProperty(props, "sekisho:package:type", p.type().purlType());
    addProperty(props, "sekisho:package:source-name", p.sourceName());
    addProperty(props, "sekisho:package:source-version", p.sourceVersion());
    if (p.location() != null) {
      addProperty(props, "sekisho:location:path", p.location().path());
      addProperty(props, "sekisho:location:layer", p.location().layerDigest());
    }
    c.setProperties(props);
    return c;
  }

  private static org.cyclonedx.model.vulnerability.Vulnerability vulnerability(
      Vulnerability v, String componentRef, String bomRef, ReportInput input) {
    var out = new org.cyclonedx.model.vulnerability.Vulnerability();
    out.setBomRef(bomRef);
    out.setId(v.id());
    out.setSource(source(v.id()));
    List<Reference> refs = new ArrayList<>();
    for (String alias : v.aliases()) {
      Reference r = new Reference();
      r.setId(alias);
      r.setSource(source(alias));
      refs.add(r);
    }
    out.setReferences(refs);
    Rating rating = new Rating();
    rating.setSeverity(severity(v.severity()));
    if (v.cvssScore() != null) {
      rating.setScore(v.cvssScore());
    }
    if (v.cvssVector() != null) {
      rating.setVector(v.cvssVector());
      rating.setMethod(method(v.cvssVector()));
    }
    out.setRatings(List.of(rating));
    if (v.summary() != null) {
      out.setDescription(v.summary());
    }
    if (v.fixable()) {
      out.setRecommendation("Upgrade " + v.pkg().name() + " to " + v.fixedVersions().get(0));
    }
    if (v.published() != null) {
      out.setPublished(Date.from(v.published()));
    }
    if (v.modified() != null) {
      out.setUpdated(Date.from(v.modified()));
    }
    List<org.cyclonedx.model.vulnerability.Vulnerability.Advisory> advisories = new ArrayList<>();
    for (String url : v.references()) {
      if (url.startsWith("http://") || url.startsWith("https://")) {
        var a = new org.cyclonedx.model.vulnerability.Vulnerability.Advisory();
        a.setUrl(url);
        advisories.add(a);
      }
    }
    out.setAdvisories(advisories);
    Affect affect = new Affect();
    affect.setRef(componentRef);
    var version = new org.cyclonedx.model.vulnerability.Vulnerability.Version();
    version.setVersion(v.pkg().version());
    version.setStatus(org.cyclonedx.model.vulnerability.Vulnerability.Version.Status.AFFECTED);
    affect.setVersions(List.of(version));
    out.setAffects(List.of(affect));
    List<Property> props = new ArrayList<>();
    addProperty(props, "sekisho:fix-state", v.fixState().name());
    if (v.fixable()) {
      addProperty(props, "sekisho:fixed-versions", String.join(", ", v.fixedVersions()));
    }
    if (v.knownExploited()) {
      addProperty(props, "sekisho:known-exploited", "true");
    }
    if (v.reachability() != null) {
      addProperty(props, "sekisho:reachable", v.reachability().label());
    }
    if (v.epss() != null) {
      addProperty(props, "sekisho:epss-score", Double.toString(v.epss().score()));
      addProperty(props, "sekisho:epss-percentile", Double.toString(v.epss().percentile()));
    }
    out.setProperties(props);
    input
        .exceptionFor(v)
        .ifPresentOrElse(
            x -> out.setAnalysis(analysis(x)),
            () -> {
              if (v.reachability() != null) {
                out.setAnalysis(analysis(v.reachability()));
              }
            });
    return out;
  }

  /**
   * The VEX analysis of a Go finding from its reachability, when no exception decided it: not
   * affected (code not present) when the binary lacks the vulnerable symbols, exploitable when it
   * has one, in triage when unknown.
   */
  static Analysis analysis(Reachability r) {
    Analysis a = new Analysis();
    switch (r) {
      case UNREACHABLE -> {
        a.setState(Analysis.State.NOT_AFFECTED);
        a.setJustification(Analysis.Justification.CODE_NOT_PRESENT);
        a.setDetail("The binary's symbol table contains none of the advisory's vulnerable symbols");
      }
      case REACHABLE -> {
        a.setState(Analysis.State.EXPLOITABLE);
        a.setDetail("The binary contains a vulnerable symbol of the advisory");
      }
      case UNKNOWN -> {
        a.setState(Analysis.State.IN_TRIAGE);
        a.setDetail(
            "Reachability unknown: the binary's symbol table is stripped or unreadable, or the"
                + " vulnerable symbols may have been inlined");
      }
    }
    return a;
  }

  /**
   * The analysis of a finding a VEX statement suppressed: fixed is resolved; not_affected is
   * not_affected with the justification in CycloneDX's names, or false_positive when the statement
   * (a CycloneDX VEX) said so; the detail is the statement's reason.
   */
  static Analysis vexAnalysis(VexStatement statement) {
    Analysis a = new Analysis();
    a.setDetail(statement.reason());
    if (statement.status() == VexStatus.FIXED) {
      a.setState(Analysis.State.RESOLVED);
      return a;
    }
    if ("false_positive".equals(statement.justification())) {
      a.setState(Analysis.State.FALSE_POSITIVE);
      return a;
    }
    a.setState(Analysis.State.NOT_AFFECTED);
    String j = Justifications.cycloneDx(statement.justification());
    if (j != null) {
      a.setJustification(Analysis.Justification.valueOf(j.toUpperCase(Locale.ROOT)));
    }
    return a;
  }

  /** The VEX analysis of an excepted finding (see the class comment). */
  static Analysis analysis(ExceptionUse exception) {
    if (exception.isVex()) {
      return vexAnalysis(exception.vex());
    }
    Analysis a = new Analysis();
    String reason = exception.reason() == null ? "" : exception.reason().strip();
    String detail =
        "Accepted by "
            + exception.policy()
            + " (exception "
            + exception.exceptionId()
            + (exception.expires() == null ? "" : ", expires " + exception.expires())
            + "): "
            + reason;
    a.setDetail(detail);
    int colon = reason.indexOf(':');
    String prefix = colon > 0 ? reason.substring(0, colon).strip().toLowerCase(Locale.ROOT) : "";
    if (prefix.equals("false_positive")) {
      a.setState(Analysis.State.FALSE_POSITIVE);
      return a;
    }
    if (prefix.matches("[a-z_]+")) {
      try {
        Analysis.Justification j = Analysis.Justification.valueOf(prefix.toUpperCase(Locale.ROOT));
        a.setState(Analysis.State.NOT_AFFECTED);
        a.setJustification(j);
        return a;
      } catch (IllegalArgumentException e) {
        // not a justification name: an accepted risk
      }
    }
    a.setState(Analysis.State.EXPLOITABLE);
    a.setResponses(List.of(Analysis.Response.WILL_NOT_FIX));
    return a;
  }

  private static Source source(String id) {
    Source s = new Source();
    if (id.startsWith("CVE-")) {
      s.setName("NVD");
      s.setUrl("https://nvd.nist.gov/vuln/detail/" + id);
    } else if (id.startsWith("GHSA-")) {
      s.setName("GitHub");
      s.setUrl("https://github.com/advisories/" + id);
    } else {
      s.setName("OSV");
      s.setUrl("https://osv.dev/vulnerability/" + id);
    }
    return s;
  }

  private static Rating.Severity severity(Severity s) {
    return switch (s) {
      case Critical -> Rating.Severity.CRITICAL;
      case High -> Rating.Severity.HIGH;
      case Medium -> Rating.Severity.MEDIUM;
      case Low -> Rating.Severity.LOW;
      case Unknown -> Rating.Severity.UNKNOWN;
    };
  }

  static Rating.Method method(String vector) {
    if (vector.startsWith("CVSS:4.0")) {
      return Rating.Method.CVSSV4;
    }
    if (vector.startsWith("CVSS:3.1")) {
      return Rating.Method.CVSSV31;
    }
    if (vector.startsWith("CVSS:3.0")) {
      return Rating.Method.CVSSV3;
    }
    if (Cvss.version(vector) == 2) {
      // also parenthesised and CVSS:2.0/ vectors
      return Rating.Method.CVSSV2;
    }
    return Rating.Method.OTHER;
  }

  private static void addProperty(List<Property> props, String name, String value) {
    if (value != null && !value.isEmpty()) {
      Property p = new Property();
      p.setName(name);
      p.setValue(value);
      props.add(p);
    }
  }
}
