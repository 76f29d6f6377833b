package dev.sekisho.scanner.report;

import dev.sekisho.api.v1alpha1.Severity;
import dev.sekisho.scanner.model.FixState;
import dev.sekisho.scanner.model.ImageFacts;
import dev.sekisho.scanner.model.LayerInfo;
import dev.sekisho.scanner.model.Location;
import dev.sekisho.scanner.model.Misconfiguration;
import dev.sekisho.scanner.model.OperatingSystem;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.PackageMetadata;
import dev.sekisho.scanner.model.PackageType;
import dev.sekisho.scanner.model.ScanReport;
import dev.sekisho.scanner.model.ScanWarning;
import dev.sekisho.scanner.model.ScannerMetadata;
import dev.sekisho.scanner.model.SecretFinding;
import dev.sekisho.scanner.model.Vulnerability;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A hand-built scan with one of each kind of finding, shared by the report tests. */
public final class SampleReports {
  public static final String LAYER0 =
      "sha256:1111111111111111111111111111111111111111111111111111111111111111";
  public static final String LAYER1 =
      "sha256:2222222222222222222222222222222222222222222222222222222222222222";
  public static final String DIGEST =
      "sha256:abcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefabcd";

  /** The text the redacted secret excerpt stands for; no report may contain it. */
  public static final String FULL_SECRET = "AKIAIOSFODNN7EXAMPLE";

  public static final Package OPENSSL =
      new Package(
          PackageType.DEB,
          "libssl3",
          "3.0.11-1~deb12u1",
          "openssl",
          "3.0.11-1~deb12u1",
          List.of("Apache-2.0"),
          "pkg:deb/debian/libssl3@3.0.11-1~deb12u1?arch=amd64&distro=debian-12",
          new Location(LAYER0, "/var/lib/dpkg/status"),
          new PackageMetadata.Dpkg("amd64", "install ok installed"));
  public static final Package ZLIB =
      new Package(
          PackageType.DEB,
          "zlib1g",
          "1:1.2.13.dfsg-1",
          "zlib",
          null,
          List.of(),
          "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64&distro=debian-12",
          new Location(LAYER0, "/var/lib/dpkg/status"),
          null);
  public static final Package LOG4J =
      new Package(
          PackageType.MAVEN,
          "org.apache.logging.log4j:log4j-core",
          "2.14.1",
          null,
          null,
          List.of(),
          "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
          new Location(LAYER1, "/app/lib/log4j-core-2.14.1.jar"),
          new PackageMetadata.Java(
              "org.apache.logging.log4j", "log4j-core", "pom.properties", null));

  private SampleReports() {}

  /** A Debian image with a Java app: critical, high, medium and unfixed findings, a secret, etc. */
  public static ScanReport sample() {
    ImageFacts image =
        new ImageFacts(
            "registry.example.com/team/app:1.0",
            "registry.example.com",
            "team/app",
            "1.0",
            DIGEST,
            "linux/amd64",
            "",
            List.of("22/tcp", "8080/tcp"),
            List.of("PATH", "DB_PASSWORD"),
            false,
            Map.of("maintainer", "team"),
            Map.of("org.opencontainers.image.base.name", "docker.io/library/debian:12"),
            Instant.parse("2026-11-01T10:00:00Z"),
            List.of(
                new LayerInfo(
                    LAYER0,
                    "sha256:aaaa",
                    30_000_000,
                    "application/vnd.oci.image.layer.v1.tar+gzip",
                    "ADD rootfs.tar.gz /"),
                new LayerInfo(
                    LAYER1,
                    "sha256:bbbb",
                    2_000_000,
                    "application/vnd.oci.image.layer.v1.tar+gzip",
                    "COPY app /app <script>")));
    List<Vulnerability> vulns =
        List.of(
            new Vulnerability(
                "CVE-2024-0002",
                List.of("DSA-5600-1"),
                ZLIB,
                List.of(),
                FixState.NOT_FIXED,
                Severity.Medium,
                5.3,
                "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N",
                Instant.parse("2024-02-01T00:00:00Z"),
                null,
                false,
                "zlib: heap overflow in inflate <b>",
                List.of("https://security-tracker.debian.org/tracker/CVE-2024-0002")),
            new Vulnerability(
                "CVE-2021-44228",
                List.of("GHSA-jfh8-c2jp-5v3q"),
                LOG4J,
                List.of("2.15.0"),
                FixState.FIXED,
                Severity.Critical,
                10.0,
                "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H",
                Instant.parse("2021-12-10T00:00:00Z"),
                Instant.parse("2023-01-01T00:00:00Z"),
                true,
                "Log4Shell: remote code execution via JNDI lookups",
                List.of("https://nvd.nist.gov/vuln/detail/CVE-2021-44228")),
            new Vulnerability(
                "CVE-2024-0001",
                List.of(),
                OPENSSL,
                List.of("3.0.13-1~deb12u1"),
                FixState.FIXED,
                Severity.High,
                7.5,
                null,
                Instant.parse("2024-01-15T00:00:00Z"),
                null,
                false,
                "openssl: denial of service",
                List.of()));
    return new ScanReport(
        image,
        new OperatingSystem("debian", "12", "bookworm", "Debian GNU/Linux 12 (bookworm)"),
        List.of(OPENSSL, ZLIB, LOG4J),
        vulns,
        List.of(
            new SecretFinding(
                "aws-access-key-id",
                "AWS access key ID",
                Severity.Critical,
                new Location(LAYER1, "/app/config/settings.env"),
                3,
                "AKIA****************")),
        List.of(
            new Misconfiguration(
                "config/root-user", Severity.High, "Image runs as root", "no USER in the config"),
            new Misconfiguration(
                "config/no-healthcheck", Severity.Low, "No HEALTHCHECK", "the config has none")),
        List.of(
            new ScanWarning(
                new Location(LAYER1, "/app/lib/broken.jar"), "cannot read zip: bad CEN header")),
        new ScannerMetadata(
            "0.1.0",
            "1:20261123T000000Z",
            Instant.parse("2026-11-23T00:00:00Z"),
            Instant.parse("2026-11-23T12:00:00Z")));
  }

  /** A report with nothing found. */
  public static ScanReport empty() {
    return new ScanReport(
        new ImageFacts(
            "docker.io/library/scratch-app:latest",
            "docker.io",
            "library/scratch-app",
            "latest",
            null,
            "linux/arm64",
            "1000",
            List.of(),
            List.of(),
            true,
            Map.of(),
            Map.of(),
            null,
            List.of()),
        null,
        List.of(),
        List.of(),
        List.of(),
        List.of(),
        List.of(),
        new ScannerMetadata("0.1.0", null, null, Instant.parse("2026-11-23T12:00:00Z")));
  }
}
