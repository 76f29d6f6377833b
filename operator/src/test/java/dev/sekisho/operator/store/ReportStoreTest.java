package dev.sekisho.operator.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sekisho.api.v1alpha1.Severity;
import dev.sekisho.scanner.model.FixState;
import dev.sekisho.scanner.model.ImageFacts;
import dev.sekisho.scanner.model.Location;
import dev.sekisho.scanner.model.OperatingSystem;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.PackageMetadata;
import dev.sekisho.scanner.model.PackageType;
import dev.sekisho.scanner.model.ScanReport;
import dev.sekisho.scanner.model.ScannerMetadata;
import dev.sekisho.scanner.model.Vulnerability;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class ReportStoreTest {
  @TempDir Path dir;

  public static ScanReport report() {
    Package openssl =
        new Package(
            PackageType.DEB,
            "libssl3",
            "3.0.11-1~deb12u1",
            "openssl",
            null,
            List.of("Apache-2.0"),
            "pkg:deb/debian/libssl3@3.0.11-1~deb12u1",
            new Location("sha256:aa", "/var/lib/dpkg/status"),
            new PackageMetadata.Dpkg("amd64", "install ok installed"));
    return new ScanReport(
        new ImageFacts(
            "registry.example.com/shop/app:1",
            "registry.example.com",
            "shop/app",
            "1",
            "sha256:" + "a".repeat(64),
            "linux/amd64",
            "1000",
            List.of("8080/tcp"),
            List.of("PATH"),
            true,
            null,
            null,
            Instant.parse("2026-01-02T03:04:05Z"),
            null),
        new OperatingSystem("debian", "12", "bookworm", "Debian GNU/Linux 12 (bookworm)"),
        List.of(openssl),
        List.of(
            new Vulnerability(
                "CVE-2024-0001",
                List.of("DSA-1"),
                openssl,
                List.of("3.0.13-1~deb12u1"),
                FixState.FIXED,
                Severity.High,
                7.5,
                null,
                Instant.parse("2024-01-01T00:00:00Z"),
                null,
                false,
                "x",
                List.of())),
        List.of(),
        List.of(),
        List.of(),
        new ScannerMetadata(
            "0.1.0",
            "1:test",
            Instant.parse("2026-11-01T00:00:00Z"),
            Instant.parse("2026-11-23T00:00:00Z")));
  }

  @Test
  void roundTripsAReportAndListsKeys() throws IOException {
    ReportStore store = new ReportStore(dir);
    String key = ReportStore.key("shop", "run-1-aaaaaaaaaaaa");
    store.put(key, report());
    assertThat(store.get(key)).contains(report());
    assertThat(store.keys()).containsExactly(key);
    store.delete(key);
    assertThat(store.get(key)).isEmpty();
    assertThat(store.keys()).isEmpty();
  }

  @Test
  void overwritesAtomicallyAndLeavesNoTemporaryFiles() throws IOException {
    ReportStore store = new ReportStore(dir);
    String key = ReportStore.key("shop", "r");
    store.put(key, report());
    store.put(key, report());
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("shop_r.json.gz");
    }
  }

  @Test
  void unknownAndInvalidKeysAreAbsent() throws IOException {
    ReportStore store = new ReportStore(dir);
    assertThat(store.get("shop/missing")).isEmpty();
    assertThat(store.get("../etc/passwd")).isEmpty();
    assertThat(store.get(null)).isEmpty();
    assertThatThrownBy(() -> ReportStore.key("Shop", "x"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aCorruptFileIsReportedWithItsKey() throws IOException {
    ReportStore store = new ReportStore(dir);
    Files.writeString(dir.resolve("shop_bad.json.gz"), "not gzip");
    assertThatThrownBy(() -> store.get("shop/bad")).hasMessageContaining("shop/bad");
  }
}
