package dev.sekisho.scanner.policy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.sekisho.api.v1alpha1.Severity;
import dev.sekisho.scanner.model.BaseImage;
import dev.sekisho.scanner.model.FixState;
import dev.sekisho.scanner.model.ImageFacts;
import dev.sekisho.scanner.model.LayerInfo;
import dev.sekisho.scanner.model.Location;
import dev.sekisho.scanner.model.OperatingSystem;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.PackageType;
import dev.sekisho.scanner.model.Reachability;
import dev.sekisho.scanner.model.ScanReport;
import dev.sekisho.scanner.model.SecretFinding;
import dev.sekisho.scanner.model.Vulnerability;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One row of the policy engine's table: a compact scan report, policy documents (in the policy file
 * format, or {@code pack}: the name of a shipped policy pack under manifests/policies/) and the
 * expected evaluation. Read from the YAML files under policy/cases/.
 */
record PolicyCase(
    String name,
    Instant now,
    Image image,
    Base baseImage,
    Os os,
    List<Pkg> packages,
    List<Vuln> vulnerabilities,
    List<Secret> secrets,
    String policies,
    String pack,
    Expect expect) {

  static final Instant DEFAULT_NOW = Instant.parse("2026-06-01T00:00:00Z");

  record Image(
      String reference,
      String registry,
      String repository,
      String tag,
      String digest,
      String user,
      List<String> exposedPorts,
      List<String> envNames,
      Boolean healthcheck,
      Map<String, String> annotations) {}

  record Base(String reference, String digest) {}

  record Os(String family, String version) {}

  record Pkg(String type, String name, String version, String source, String purl) {}

  record Vuln(
      String id,
      List<String> aliases,
      String pkg,
      String version,
      String source,
      Severity severity,
      Double cvss,
      List<String> fixed,
      Instant published,
      Boolean kev,
      String reachable) {}

  record Secret(String rule, String path, int line, String redacted, String fingerprint) {}

  record Expect(
      String verdict,
      String deciding,
      List<String> policies,
      List<String> violations,
      List<String> exceptions,
      Instant next) {}

  private static final ObjectMapper MAPPER =
      YAMLMapper.builder()
          .addModule(new JavaTimeModule())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  static List<PolicyCase> read(String resource) throws IOException {
    try (InputStream in = PolicyCase.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("missing test resource " + resource);
      }
      return List.of(MAPPER.readValue(in, PolicyCase[].class));
    }
  }

  Instant nowOrDefault() {
    return now == null ? DEFAULT_NOW : now;
  }

  ScanReport report() {
    Image i =
        image == null
            ? new Image(null, null, null, null, null, null, null, null, null, null)
            : image;
    String registry = i.registry() == null ? "registry.example.com" : i.registry();
    String repository = i.repository() == null ? "team/app" : i.repository();
    String tag = i.tag() == null ? "1.0" : i.tag().equals("~") ? null : i.tag();
    String digest = i.digest() == null ? null : i.digest().equals("~") ? null : i.digest();
    String reference =
        i.reference() != null
            ? i.reference()
            : registry + "/" + repository + (tag == null ? "" : ":" + tag);
    ImageFacts facts =
        new ImageFacts(
            reference,
            registry.equals("~") ? null : registry,
            repository,
            tag,
            digest,
            "linux/amd64",
            i.user() == null ? "app" : i.user(),
            i.exposedPorts(),
            i.envNames(),
            i.healthcheck() == null || i.healthcheck(),
            Map.of(),
            i.annotations(),
            null,
            List.of(new LayerInfo("sha256:l1", "sha256:d1", 10, "application/x-tar", null)));
    OperatingSystem osFacts =
        os == null
            ? new OperatingSystem("debian", "12", "bookworm", null)
            : new OperatingSystem(os.family(), os.version(), null, null);
    List<Package> pkgs = new ArrayList<>();
    if (packages != null) {
      for (Pkg p : packages) {
        pkgs.add(pkg(p.type(), p.name(), p.version(), p.source(), p.purl()));
      }
    }
    List<Vulnerability> vulns = new ArrayList<>();
    if (vulnerabilities != null) {
      for (Vuln v : vulnerabilities) {
        Package p =
            pkg(
                "DEB",
                v.pkg() == null ? "openssl" : v.pkg(),
                v.version() == null ? "1.0" : v.version(),
                v.source(),
                null);
        List<String> fixed = v.fixed() == null ? List.of() : v.fixed();
        vulns.add(
            new Vulnerability(
                v.id(),
                v.aliases(),
                p,
                fixed,
                fixed.isEmpty() ? FixState.NOT_FIXED : FixState.FIXED,
                v.severity(),
                v.cvss(),
                null,
                v.published(),
                null,
                Boolean.TRUE.equals(v.kev()),
                "summary of " + v.id(),
                List.of(),
                Reachability.of(v.reachable())));
      }
    }
    List<SecretFinding> found = new ArrayList<>();
    if (secrets != null) {
      for (Secret s : secrets) {
        found.add(
            new SecretFinding(
                s.rule(),
                "Secret " + s.rule(),
                Severity.Critical,
                new Location("sha256:l1", s.path()),
                s.line(),
                s.redacted(),
                s.fingerprint()));
      }
    }
    BaseImage base =
        baseImage == null
            ? null
            : new BaseImage(
                baseImage.reference(), baseImage.digest(), BaseImage.Method.ANNOTATION, 0);
    return new ScanReport(facts, osFacts, pkgs, vulns, found, List.of(), List.of(), null, base);
  }

  private static Package pkg(String type, String name, String version, String source, String purl) {
    PackageType t = type == null ? PackageType.DEB : PackageType.valueOf(type);
    String p = purl != null ? purl : "pkg:" + t.purlType() + "/" + name + "@" + version;
    return new Package(
        t,
        name,
        version,
        source,
        null,
        List.of(),
        p,
        new Location("sha256:l1", "/var/lib/dpkg/status"),
        null);
  }

  @Override
  public String toString() {
    return name;
  }
}
