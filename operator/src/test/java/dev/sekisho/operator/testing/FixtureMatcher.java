package dev.sekisho.operator.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sekisho.api.v1alpha1.Severity;
import dev.sekisho.operator.vulndb.VulnMatcher;
import dev.sekisho.scanner.model.FixState;
import dev.sekisho.scanner.model.OperatingSystem;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.ScanWarning;
import dev.sekisho.scanner.model.Vulnerability;
import dev.sekisho.scanner.scan.MatchingDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A {@link VulnMatcher} over a small advisory fixture that lists the exact affected versions of
 * each package, for the operator's integration tests: they prove the operator's handling of
 * findings (store, ScanResult, verdict, gate), not version matching, which the scanner's matcher
 * tests prove.
 */
public final class FixtureMatcher implements VulnMatcher {
  /**
   * The advisories of {@code advisories.json} beside this class: on Debian, openssl
   * 3.0.11-1~deb12u1 and ~deb12u2 have CVE-2024-5535 (High, fixed in 3.0.14-1~deb12u1) and ncurses
   * 6.4-4 has CVE-2023-50495 (Medium, no fix).
   */
  public static FixtureMatcher advisories() throws IOException {
    return new FixtureMatcher("advisories.json");
  }

  private record Advisory(
      String id,
      List<String> aliases,
      String osFamily,
      String pkg,
      List<String> versions,
      String fixed,
      Severity severity,
      Double cvss,
      Instant published) {}

  private final List<Advisory> advisories = new ArrayList<>();
  private final String version;
  private final Instant built;

  /**
   * @param resource a classpath resource, relative to this class's package unless it starts with a
   *     slash
   */
  public FixtureMatcher(String resource) throws IOException {
    this(load(resource));
  }

  /** Advisories written by a test, in the format of {@code advisories.json}. */
  public static FixtureMatcher of(String json) throws IOException {
    return new FixtureMatcher(new ObjectMapper().readTree(json));
  }

  private static JsonNode load(String resource) throws IOException {
    try (InputStream in = FixtureMatcher.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("missing test resource " + resource);
      }
      return new ObjectMapper().readTree(in);
    }
  }

  private FixtureMatcher(JsonNode root) {
    version = root.get("version").asText();
    built = Instant.parse(root.get("built").asText());
    for (JsonNode a : root.get("advisories")) {
      List<String> aliases = new ArrayList<>();
      a.path("aliases").forEach(x -> aliases.add(x.asText()));
      List<String> versions = new ArrayList<>();
      a.get("versions").forEach(x -> versions.add(x.asText()));
      advisories.add(
          new Advisory(
              a.get("id").asText(),
              aliases,
              a.get("osFamily").asText(),
              a.get("package").asText(),
              versions,
              a.hasNonNull("fixed") ? a.get("fixed").asText() : null,
              Severity.valueOf(a.get("severity").asText()),
              a.hasNonNull("cvss") ? a.get("cvss").asDouble() : null,
              Instant.parse(a.get("published").asText())));
    }
  }

  @Override
  public Optional<MatchingDatabase> database() {
    return Optional.of(
        new MatchingDatabase() {
          @Override
          public String version() {
            return version;
          }

          @Override
          public Instant built() {
            return built;
          }

          @Override
          public List<Vulnerability> match(OperatingSystem os, List<Package> packages) {
            return FixtureMatcher.this.match(os, packages);
          }

          @Override
          public List<ScanWarning> uncovered(OperatingSystem os, List<Package> packages) {
            return List.of();
          }
        });
  }

  /** The fixture's advisories that name one of {@code packages} at its exact version. */
  public List<Vulnerability> match(OperatingSystem os, List<Package> packages) {
    List<Vulnerability> out = new ArrayList<>();
    for (Package p : packages) {
      for (Advisory a : advisories) {
        if (os != null
            && a.osFamily().equals(os.family())
            && a.pkg().equals(p.sourceNameOrName())
            && a.versions().contains(p.version())) {
          out.add(
              new Vulnerability(
                  a.id(),
                  a.aliases(),
                  p,
                  a.fixed() == null ? List.of() : List.of(a.fixed()),
                  a.fixed() == null ? FixState.NOT_FIXED : FixState.FIXED,
                  a.severity(),
                  a.cvss(),
                  null,
                  a.published(),
                  null,
                  false,
                  a.id() + " in " + a.pkg(),
                  List.of()));
        }
      }
    }
    return out;
  }
}
